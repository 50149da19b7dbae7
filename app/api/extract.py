"""``POST /extract``: run the extractor on posted text and return the result; nothing is stored.

The extraction package (and the spaCy model behind it) is imported on first use, so the
read API starts fast and keeps working on a machine without the model installed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.bodies import read_text_body
from app.api.common import problems
from app.api.slots import run_extraction
from app.formats import dumps
from app.problems import UNAVAILABLE, Problem
from app.schemas import ExtractIn, ExtractOut

router = APIRouter(tags=["extraction"])

_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ExtractIn.model_json_schema(),
                                 "example": {"text": '"We will win," Ilham Aliyev said.'}},
            "text/plain": {"schema": {"type": "string", "minLength": 1, "pattern": "\\S"},  # not blank
                           "example": "Ilham Aliyev noted that the talks went well."},
        },
    }
}


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
    responses=problems(400, 413, 415, 422, 503),
)
async def extract_text(request: Request) -> Response:
    """Statements (direct and indirect, with speakers resolved), speakers and declarations
    found in the posted text: the same objects as `verbatim extract --jsonl`, without ids."""
    body = await read_text_body(request, ExtractIn)  # the body-size middleware caps what this reads
    result = await run_extraction(request.app, _run_extraction, body.text)
    return Response(dumps(result), media_type="application/json")
