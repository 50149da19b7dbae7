"""Browsing pages (server-rendered HTML): ``/`` and everything under ``/browse/``.

The JSON API keeps its URLs (``/speakers/{slug}`` stays JSON for API clients); the human
pages live beside it at ``/browse/…`` and link to the JSON of everything they show.
"""

from app.web.pages import router
from app.web.quotations import router as quotation_pages

router.include_router(quotation_pages)

__all__ = ["router"]
