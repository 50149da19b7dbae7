"""Reading the text bodies of ``POST /extract`` and ``POST /documents``: one set of rules.

Both take JSON (an object with ``text``) or ``text/plain``, and a client gets the same
answer from either for the same bad body: 415 for another media type or charset, 400
``malformed-body`` for bytes that are not UTF-8 or not JSON, 422 ``validation-error`` for
a body that parses but is not a valid object (missing, blank or mistyped ``text``...).
The size limit (413) is the ``Guard`` middleware's, before any of this runs.
"""

from __future__ import annotations

from typing import TypeVar

import orjson
from fastapi import Request
from pydantic import BaseModel, ValidationError

from app.problems import MALFORMED_BODY, VALIDATION_ERROR, Problem

Body = TypeVar("Body", bound=BaseModel)


def invalid(detail: str, name: str = "text") -> Problem:
    """422 for a body field that parsed but is not acceptable."""
    return Problem.of(VALIDATION_ERROR, detail,
                   errors=[{"in": "body", "name": name, "detail": detail}])


def malformed(detail: str) -> Problem:
    """400 for a body that cannot be read at all (not UTF-8, not JSON)."""
    return Problem.of(MALFORMED_BODY, detail)


def parse_text_body(body: bytes, content_type: str, model: type[Body]) -> Body:
    """``model`` (which has a ``text`` field) from a JSON or ``text/plain`` body."""
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    charset = params.partition("charset=")[2].split(";")[0].strip().strip('"').lower()
    if media not in ("application/json", "text/plain") and not media.endswith("+json"):
        raise Problem(415, f"Send application/json or text/plain, not {media or 'no content type'!r}.")
    if charset and charset not in ("utf-8", "utf8"):
        raise Problem(415, f"Only UTF-8 text is accepted, not charset {charset!r}.")
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise malformed(f"The body is not valid UTF-8 (byte 0x{body[exc.start]:02x} at offset {exc.start}).") from None
    if media == "text/plain":
        payload: object = {"text": decoded}
    else:
        try:
            payload = orjson.loads(decoded) if decoded.strip() else None
        except orjson.JSONDecodeError:
            raise malformed("The body is not valid JSON.") from None
    if isinstance(payload, dict) and isinstance(payload.get("text"), str) and not payload["text"].strip():
        raise invalid("The text is empty.")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise invalid(f"{name}: {first['msg']}.", name) from None


async def read_text_body(request: Request, model: type[Body]) -> Body:
    """The request's body as ``model`` (see :func:`parse_text_body`)."""
    return parse_text_body(await request.body(), request.headers.get("content-type", ""), model)
