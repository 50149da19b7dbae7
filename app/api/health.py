"""``/healthz``: is the process up and can it reach its database?"""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from app.api.common import problems
from app.db import SessionDep
from app.formats import dumps
from app.problems import UNAVAILABLE, Problem

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Health check",
            responses={200: {"description": "Up, database reachable.",
                             "content": {"application/json": {"example": {"status": "ok", "database": "ok"}}}},
                       **problems(503)})
def healthz(session: SessionDep) -> Response:
    """`{"status": "ok", "database": "ok"}`, or a 503 problem when the database does not answer.
    Never cached."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        raise Problem.of(UNAVAILABLE, "The database is unreachable.") from None
    return Response(dumps({"status": "ok", "database": "ok"}), media_type="application/json",
                    headers={"Cache-Control": "no-store"})
