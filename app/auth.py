"""API keys for the write endpoints: ``Authorization: Bearer <key>``.

Keys come from ``VERBATIM_API_KEYS``. The presented key is compared with *every*
configured key using :func:`hmac.compare_digest`, so neither the match position nor a
common prefix leaks through timing. With no keys configured, writes are switched off
(403) rather than open: an operator must opt in to a writable API.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.problems import UNAUTHORIZED, WRITES_DISABLED, Problem


# auto_error=False: we answer with our own problem+json instead of FastAPI's 403 JSON.
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="A key from `VERBATIM_API_KEYS`, sent as `Authorization: Bearer <key>`.",
)


def _digest(value: str) -> bytes:
    """Fixed-length digests, so compare_digest's time does not depend on key lengths."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


def key_matches(presented: str, keys: list[str]) -> bool:
    """True if ``presented`` equals one of ``keys``; always compares against all of them."""
    wanted = _digest(presented)
    found = False
    for key in keys:
        found |= hmac.compare_digest(wanted, _digest(key))
    return found


def require_api_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """FastAPI dependency guarding every write: 403 when writes are off, 401 on a bad key."""
    keys: list[str] = request.app.state.settings.api_keys
    if not keys:
        raise Problem.of(WRITES_DISABLED, "writes are disabled: set VERBATIM_API_KEYS")
    challenge = {"WWW-Authenticate": 'Bearer realm="verbatim"'}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Problem.of(UNAUTHORIZED, "Send a write key as `Authorization: Bearer <key>`.", headers=challenge)
    if not key_matches(credentials.credentials, keys):
        raise Problem.of(UNAUTHORIZED, "The API key is not valid.",
                      headers={"WWW-Authenticate": 'Bearer realm="verbatim", error="invalid_token"'})


WriteKey = Depends(require_api_key)
