"""Opaque paging cursors, signed with a per-deployment secret: one codec for every list and
for search.

A cursor is ``base64url(json payload) . base64url(mac)``. The mac is a keyed BLAKE2b over
the payload with a key derived from the deployment's secret, so only this deployment can
mint a cursor: an edited, truncated or forged one (for instance signed with a key read in
the source) is a 400 problem, and the values inside are still re-validated by the caller
before they reach SQL.

The secret is ``VERBATIM_SECRET_KEY`` when set. Otherwise it is generated once and kept in
the database (table ``setting``, created and filled by migration 0008), so every worker,
replica and read replica of one database signs alike with no file to share, and cursors
survive restarts. Changing the secret invalidates outstanding cursors (clients start again
from the first page).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from typing import Any

import orjson
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from app.models import Setting
from app.problems import INVALID_CURSOR, Problem

SECRET_NAME = "cursor_secret"
MAC_BYTES = 16

SETTING = Setting.__table__


def bad_cursor(detail: str = "The cursor is malformed or was modified; use the `next` URL as given.") -> Problem:
    """The 400 problem of every cursor that cannot be used."""
    return Problem.of(INVALID_CURSOR, detail,
                   errors=[{"in": "query", "name": "cursor", "detail": detail}])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    """Strict: only the one canonical spelling decodes (no stray padding bits or characters)."""
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(data) != text:
        raise ValueError("not canonical base64url")
    return data


class CursorCodec:
    """Signs and checks cursor payloads (JSON arrays) with one deployment's secret."""

    def __init__(self, secret: str | bytes) -> None:
        raw = secret.encode() if isinstance(secret, str) else secret
        if not raw:
            raise ValueError("the cursor secret may not be empty")
        self._key = hashlib.blake2b(raw, digest_size=32, person=b"verbatim.cursor").digest()

    def _mac(self, payload: bytes) -> bytes:
        return hashlib.blake2b(payload, key=self._key, digest_size=MAC_BYTES).digest()

    def encode(self, *values: Any) -> str:
        payload = orjson.dumps(list(values))
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def decode(self, token: str) -> list[Any]:
        """The payload's values; a 400 problem unless this deployment signed exactly them."""
        try:
            body, mac = token.split(".", 1)
            payload = _unb64(body)
            if not hmac.compare_digest(_unb64(mac), self._mac(payload)):
                raise ValueError("mac")
            values = orjson.loads(payload)
        except Exception:
            raise bad_cursor() from None
        if not isinstance(values, list):
            raise bad_cursor()
        return values


def stored_secret(engine: Engine) -> str:
    """The database's cursor secret, created on first use if the migration's row is gone.

    Two processes racing here both end up reading the one row that won the insert.
    """
    query = select(SETTING.c.value).where(SETTING.c.name == SECRET_NAME)
    with engine.connect() as connection:
        found = connection.scalar(query)
    if found:
        return str(found)
    try:
        with engine.begin() as connection:
            connection.execute(insert(SETTING).values(name=SECRET_NAME, value=secrets.token_urlsafe(32)))
    except IntegrityError:
        pass  # another process stored it first
    with engine.connect() as connection:
        return str(connection.scalar(query))


_lock = threading.Lock()


def codec_for(state: Any) -> CursorCodec:
    """The app's codec (``app.state``), built on first use: the configured secret, else the
    stored one. Lazy, so a server starts even while its database is down."""
    codec = getattr(state, "cursor_codec", None)
    if codec is None:
        with _lock:
            codec = getattr(state, "cursor_codec", None)
            if codec is None:
                configured = state.settings.secret_key
                secret = configured.get_secret_value() if configured else stored_secret(state.engine)
                codec = state.cursor_codec = CursorCodec(secret)
    return codec
