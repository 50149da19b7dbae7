"""Extraction pipeline: document text -> statements, speakers, declarations.

``extract`` is pure and total: any string in, an ``Extraction`` out. Stages (layout,
quotes, parse of the sentences that need it, mentions, statements, coreference,
declarations) live in their own modules; this one only wires them together.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from app.extract.types import DocumentInfo, Extraction

EXTRACTOR_VERSION = "1.3.0"

log = logging.getLogger(__name__)

__all__ = ["EXTRACTOR_VERSION", "extract", "extract_many"]


def extract(text: str) -> Extraction:
    """Extract statements, speakers and declarations from one document; never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # imported here, not at module level: the pipeline loads spaCy (~57 MB), and reading
    # workers import app.extract (via app.speakers) without ever extracting
    from app.extract.pipeline import run

    try:
        return run(text)
    except Exception:  # one bad document must not stop ingestion of the others
        log.exception("extraction failed; returning an empty result")
        return Extraction(document=DocumentInfo(word_count=len(text.split())))


def _extract_worker(text: str) -> Extraction:
    return extract(text)


def extract_many(texts: Iterable[str], *, n_process: int = 1, batch_size: int = 16) -> Iterator[Extraction]:
    """Extract from many documents in order, optionally over several processes."""
    if n_process <= 1:
        for text in texts:
            yield extract(text)
        return
    import multiprocessing as mp

    # fork shares the loaded model copy-on-write; spawn where fork does not exist
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    with ctx.Pool(n_process) as pool:
        yield from pool.imap(_extract_worker, texts, chunksize=max(1, batch_size))
