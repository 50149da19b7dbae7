"""Extraction that no input can stall: linear stages, long units analysed, a time budget
per document in ``verbatim ingest``, and writes that either commit or say they did not."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app import documents, store
from app.db import make_engine
from app.extract import extract
from app.extract.direct import direct_quotes
from app.extract.nlp import for_spacy
from app.extract.quotes import Quote, nested_quotes, strictly_inside
from app.extract.types import Span
from app.extraction_pool import ExtractionAbandoned, ExtractionPool, ExtractionTimeout, PoolBusy
from app.ingest import ingest_paths
from app.migrate import migrate
from app.models import Document, Statement
from app.store import DocumentGone, WriteAbandoned, ingest_text

# -- quote nesting in one pass ------------------------------------------------------------


def nested_by_definition(quotes: list[Quote]) -> set[int]:
    """The rule as first written (quadratic): inside another quote of a kind that nests it."""
    return {i for i, q in enumerate(quotes) if any(
        o.outer.start <= q.outer.start and q.outer.end <= o.outer.end and o is not q
        for o in quotes if o.double or not q.double)}


def quote(start: int, end: int, double: bool = True) -> Quote:
    return Quote(Span(start, end), Span(start + 1, end - 1), double, 0)


@pytest.mark.parametrize(("quotes", "nested"), [
    ([quote(0, 10), quote(2, 5, False)], {1}),           # single inside double
    ([quote(0, 10, False), quote(2, 5)], set()),         # double inside single: its own quote
    ([quote(0, 10), quote(2, 5)], {1}),                  # double inside double
    ([quote(0, 10), quote(0, 10, False)], {1}),          # same span, single yields
    ([quote(0, 4), quote(5, 9), quote(3, 6)], set()),    # overlaps are not nesting
    ([quote(0, 20), quote(1, 19, False), quote(2, 5)], {1, 2}),
])
def test_nesting_examples(quotes: list[Quote], nested: set[int]) -> None:
    assert nested_quotes(quotes) == nested == nested_by_definition(quotes)


def test_nesting_agrees_with_the_definition_on_random_quotes() -> None:
    rng = random.Random(14)
    for _ in range(300):
        quotes = []
        for _ in range(rng.randint(0, 12)):
            start = rng.randint(0, 30)
            quotes.append(quote(start, start + rng.randint(2, 12), rng.random() < 0.6))
        rng.shuffle(quotes)
        assert nested_quotes(quotes) == nested_by_definition(quotes), quotes


class CountingList(list):  # type: ignore[type-arg]
    """A list that counts how often it is walked."""

    walks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        CountingList.walks += 1
        return super().__iter__()


@pytest.mark.parametrize("marks", [10, 1000, 20_000])
def test_quote_pairing_walks_the_quotes_a_fixed_number_of_times(marks: int) -> None:
    """The quadratic version walked every quote once per quote (40k marks: 400 M steps)."""
    text = '"ab" ' * marks
    quotes = CountingList(quote(5 * i, 5 * i + 4) for i in range(marks))
    CountingList.walks = 0
    found = direct_quotes(text, quotes)
    assert len(found) == marks
    assert CountingList.walks <= 3


def test_strictly_inside() -> None:
    inside = strictly_inside([Span(10, 20), Span(15, 40), Span(50, 52)])
    assert [p for p in range(0, 60) if inside(p)] == [*range(11, 40), 51]
    assert not strictly_inside([])(5)


# -- what spaCy sees ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "changed"), [
    ("The minister said: “We are ready.” (She left.) Really?!", False),
    ("Wait... what -- no! https://example.org/2023/02/22/a-long-story-about-the-bridge.html", False),
    (")" * 18_555, True),
    ("»" * 15_000, True),
    ("before ---------- after", True),
    ("x" * 5000, True),
    ("ab_" * 400, True),
])
def test_for_spacy_keeps_length_and_ordinary_text(text: str, changed: bool) -> None:
    seen = for_spacy(text)
    assert len(seen) == len(text)
    assert (seen != text) is changed
    assert max((len(word) for word in seen.split()), default=0) <= 160
    assert all(len(run) <= 8 for run in "".join(ch if not (ch.isalnum() or ch.isspace()) else " " for ch in seen).split())


# -- long units are analysed, not skipped ---------------------------------------------------

FILLER = "the committee reviewed the budget line by line and found nothing amiss "


@pytest.mark.parametrize("kind", ["direct", "indirect"])
def test_a_unit_over_20000_characters_is_analysed(kind: str) -> None:
    body = FILLER * 400  # ~28,000 characters without a sentence stop
    if kind == "direct":
        text = f'Jane Doe spoke at the hearing. "{body.strip()}," Jane Doe said.'
    else:
        text = f"Jane Doe spoke at the hearing. Jane Doe said that {body.strip()}."
    assert len(text) > 20_000
    statements = extract(text).statements
    assert [(s.kind, s.speaker) for s in statements] == [(kind, "jane-doe")]
    s = statements[0]
    assert s.text == text[s.start_char:s.end_char] and s.text.startswith("the committee reviewed")
    if kind == "direct":  # quotes are paired by character: the whole quote
        assert s.end_char - s.start_char > 20_000


# -- ingest: a file over budget is skipped by name ------------------------------------------

SLOW = "This text takes forever to extract."


def slow_or_real(text: str):  # type: ignore[no-untyped-def]
    """Stand-in extractor (reaches the forked workers): one text never finishes."""
    if text == SLOW:
        time.sleep(120)
    return extract(text)


def test_ingest_skips_a_file_over_budget(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "run_extractor", slow_or_real)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text('"We are ready," Jane Doe said.', encoding="utf-8")
    (folder / "b_slow.txt").write_text(SLOW, encoding="utf-8")
    (folder / "c.txt").write_text("John Roe said that the bridge will open in May.", encoding="utf-8")
    summary = ingest_paths([folder], database_url=database_url, budget=3)
    assert [(Path(name).name, reason) for name, reason in summary.failed] == [
        ("b_slow.txt", "extraction took longer than 3 s (VERBATIM_EXTRACTION_TIMEOUT_SECONDS) and was stopped")]
    assert summary.new == 2
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert sorted(d.source for d in session.exec(select(Document)).all()) == ["a.txt", "c.txt"]
    engine.dispose()


# -- writes: abandoned means nothing committed; no resurrection -------------------------------


def test_an_abandoned_write_commits_nothing(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        with pytest.raises(WriteAbandoned):
            ingest_text(session, '"We are ready," Jane Doe said.', may_commit=lambda: False)
        assert session.exec(select(Document)).all() == []
        assert session.exec(select(Statement)).all() == []
    engine.dispose()


def test_reextracting_a_document_deleted_meanwhile_stores_nothing(database_url: str) -> None:
    """The race of the report: DELETE lands while the re-extraction is extracting."""
    migrate(database_url)
    engine = make_engine(database_url)
    text = '"We are ready," Jane Doe said in Baku.'
    with Session(engine) as session:
        document_id = ingest_text(session, text).document_id

    def delete_then_extract(normalised: str):  # type: ignore[no-untyped-def]
        with Session(engine) as other:
            assert store.delete_document(other, document_id)
        return extract(normalised)

    with Session(engine) as session:
        with pytest.raises(DocumentGone):
            ingest_text(session, text, reextract=True, document_id=document_id, extractor=delete_then_extract)
        assert session.exec(select(Document)).all() == []  # not stored again under a new id
        assert session.exec(select(Statement)).all() == []
        with pytest.raises(DocumentGone):  # and a re-extraction of an id that is gone
            ingest_text(session, text, reextract=True, document_id=document_id)
    engine.dispose()


# -- the worker pool ------------------------------------------------------------------------


def no_warm_up() -> None:
    """These jobs need no model."""


def test_pool_stops_a_job_over_budget_or_abandoned_and_replaces_its_worker() -> None:
    with ExtractionPool(1, warm=no_warm_up, start_method="fork") as pool:
        with pytest.raises(ExtractionTimeout):
            pool.run(time.sleep, 120, budget=0.5)
        assert pool.run(abs, -3, budget=30) == 3  # a fresh worker took the killed one's place
        with pytest.raises(ExtractionAbandoned):
            pool.run(time.sleep, 120, abandoned=lambda: True)
        assert pool.run(abs, -4) == 4
        with pytest.raises(ValueError):  # a job's own error reaches the caller; the worker stays
            pool.run(int, "not a number")
        assert pool.run(abs, -5) == 5


def test_a_busy_pool_refuses_after_the_wait() -> None:
    with ExtractionPool(1, warm=no_warm_up, start_method="fork") as pool:
        held = pool.submit(time.sleep, 5)
        refused = False
        for _ in range(40):  # until the background job holds the only worker
            try:
                pool.run(abs, -1, wait=0.05)
            except PoolBusy:
                refused = True
                break
        assert refused
        held.result(timeout=60)
        assert pool.run(abs, -1, wait=30) == 1
