"""Everything served as HTML: the browsing pages (``/`` and ``/browse/…``), the embeddable
quote card with its oEmbed provider, and the problem-type pages. These read through the
JSON API's helpers (``app.api``), never the other way round.

The JSON API keeps its URLs (``/speakers/{slug}`` stays JSON for API clients); the human
pages live beside it at ``/browse/…`` and link to the JSON of everything they show.
"""

from app.web import embed, pages, problem_types, quotations

ROUTERS = [
    embed.router,  # /embed/statements/{id} and /oembed (in the OpenAPI schema)
    problem_types.router,  # /problems/{name}: what each problem type means (not in OpenAPI)
    pages.router,  # HTML pages: / and /browse/… (not in OpenAPI)
    quotations.router,  # /browse/quotations/{id}
]

__all__ = ["ROUTERS"]
