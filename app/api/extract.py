"""``POST /extract``: run the extractor on posted text and return the result; nothing is stored.

Extraction runs in a worker process with a time budget (:mod:`app.api.slots`): the
serving process never imports spaCy, so the read API starts fast, keeps answering while
a text is extracted, and works on a machine without the model installed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.bodies import read_text_body
from app.api.common import problems
from app.api.slots import extract_in_worker_async
from app.extraction_pool import extract_json
from app.formats import dumps
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
    result = await extract_in_worker_async(request, extract_json, body.text)
    return Response(dumps(result), media_type="application/json")
