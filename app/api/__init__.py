"""HTTP resources, one module each; :data:`ROUTERS` is what ``create_app`` mounts."""

from app.api import clauses, declarations, documents, extract, health, search, speakers, statements, writes

ROUTERS = [
    documents.router,
    writes.router,
    speakers.router,
    statements.router,
    declarations.router,
    clauses.router,
    extract.router,
    health.router,
    search.router,
]
