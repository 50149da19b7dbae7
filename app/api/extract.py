"""``POST /extract``: run the extractor on posted text and return the result; nothing is stored.

The extraction package (and the spaCy model behind it) is imported on first use, so the
read API starts fast and keeps working on a machine without the model installed.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from app.api.common import problems
from app.api.slots import run_extraction
from app.formats import dumps
from app.problems import UNAVAILABLE, VALIDATION_ERROR, Problem
from app.schemas import ExtractIn, ExtractOut

router = APIRouter(tags=["extraction"])

_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ExtractIn.model_json_schema(),
                                 "example": {"text": '"We will win," Ilham Aliyev said.'}},
            "text/plain": {"schema": {"type": "string"},
                           "example": "Ilham Aliyev noted that the talks went well."},
        },
    }
}


def _invalid(detail: str, name: str = "text") -> Problem:
    return Problem(422, detail, type=VALIDATION_ERROR, title="Validation error",
                   errors=[{"in": "body", "name": name, "detail": detail}])


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refusing (413) anything over ``limit`` bytes without reading it all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problem(413, f"The body is larger than {limit} bytes.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, f"The body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def _text_of(body: bytes, content_type: str) -> str:
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/json", "") or media.endswith("+json"):
        try:
            payload = orjson.loads(body) if body else None
            return ExtractIn.model_validate(payload).text
        except orjson.JSONDecodeError:
            raise _invalid("The body is not valid JSON.", "body") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            raise _invalid(f"{first['msg']} (expected {{\"text\": \"…\"}}).") from None
    if media == "text/plain":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _invalid("The body is not UTF-8 text.", "body") from None
        if not text.strip():
            raise _invalid("The text is empty.")
        return text
    raise Problem(415, f"Send application/json or text/plain, not {media!r}.")


def _run_extraction(text: str) -> dict[str, Any]:
    try:  # heavy: spaCy and the model load on first use, not at start-up
        from app.extract import extract
        from app.extract.nlp import ModelNotInstalledError
    except ImportError as exc:
        raise Problem(503, f"Extraction is not available: {exc}", type=UNAVAILABLE,
                      title="Service unavailable") from None
    try:
        result = extract(text).to_json()
    except ModelNotInstalledError as exc:
        raise Problem(503, str(exc), type=UNAVAILABLE, title="Service unavailable") from None
    return {
        "document": result.get("document", {}),
        "statements": result.get("statements", []),
        "speakers": result.get("speakers", []),
        "declarations": result.get("declarations", []),
    }


@router.post(
    "/extract",
    response_model=ExtractOut,
    summary="Extract statements from text (nothing stored)",
    openapi_extra=_BODY_DOC,
    responses=problems(413, 415, 422, 503),
)
async def extract_text(request: Request) -> Response:
    """Statements (direct and indirect, with speakers resolved), speakers and declarations
    found in the posted text: the same objects as `verbatim extract --jsonl`, without ids."""
    limit = request.app.state.settings.max_body_bytes
    text = _text_of(await _read_body(request, limit), request.headers.get("content-type", ""))
    result = await run_extraction(request.app, _run_extraction, text)
    return Response(dumps(result), media_type="application/json")
