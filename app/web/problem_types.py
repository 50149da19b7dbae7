"""``GET /problems`` and ``GET /problems/{name}``: every problem ``type`` URI resolves.

A client that follows the ``type`` of an error (RFC 9457 §3.1.1 recommends that it be
followable) reads what causes the problem and how to fix it: HTML for people, JSON for
``Accept: application/json``. The text comes from :data:`app.problems.PROBLEM_TYPES`.
Not in the OpenAPI schema: it documents the API rather than being part of its data.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from app import formats
from app.problems import PROBLEM_TYPES, ProblemType, not_found
from app.web.render import render

router = APIRouter(include_in_schema=False)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "json" in accept and "text/html" not in accept


def _json(problem: ProblemType) -> dict[str, Any]:
    return {"type": problem.uri, **asdict(problem)}


@router.get("/problems")
def problem_types(request: Request) -> Response:
    problems = sorted(PROBLEM_TYPES.values(), key=lambda p: p.name)
    if _wants_json(request):
        return formats.json_response(request, {"items": [_json(p) for p in problems]})
    return render(request, "problems.html", {"problems": problems})


@router.get("/problems/{name}")
def problem_type(request: Request, name: str) -> Response:
    problem = PROBLEM_TYPES.get(name)
    if problem is None:
        raise not_found("problem type", name, "See /problems for every type.")
    if _wants_json(request):
        return formats.json_response(request, _json(problem))
    return render(request, "problem.html", {"problem": problem})
