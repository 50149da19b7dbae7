"""HTTP resources, one module each; :data:`ROUTERS` is what ``create_app`` mounts."""

from app.api import (
    clauses,
    declarations,
    documents,
    embed,
    extract,
    health,
    problem_types,
    quotations,
    search,
    speakers,
    statements,
    writes,
)

from app import web  # noqa: E402  (after the API modules it reads from)

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
    embed.router,
    problem_types.router,  # /problems/{name}: what each problem type means (not in OpenAPI)
    web.router,  # HTML pages: / and /browse/… (not in the OpenAPI schema)
]
