"""HTTP resources (JSON), one module each; :data:`ROUTERS` is what ``create_app`` mounts
beside the HTML routes of :mod:`app.web`. Nothing here imports ``app.web``."""

from app.api import (
    clauses,
    declarations,
    documents,
    extract,
    health,
    quotations,
    search,
    speakers,
    statements,
    writes,
)

ROUTERS = [
    documents.router,
    writes.router,
    speakers.router,
    statements.router,
    quotations.router,
    declarations.router,
    clauses.router,
    extract.router,
    health.router,
    search.router,
]
