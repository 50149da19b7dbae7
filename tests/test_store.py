"""app/store.py: helpers that need no database, then what the store writes for joint
statements, ``form``/``via`` and the document's source (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.db import make_engine
from app.extract.types import DocumentInfo, Extraction, Span
from app.extract.types import Speaker as XSpeaker
from app.extract.types import Statement as XStatement
from app.migrate import migrate
from app.models import Document, Speaker, StatementSpeaker, as_utc
from app.models import Statement as StatementRow
from app.store import TITLE_MAX, delete_document, fallback_title, ingest_text

SEED_LEAD = (
    "22 Feb. 23:00\n\nAzerbaijani President Ilham Aliyev and Russian President Vladimir Putin made "
    "statements to the press following the talks in Moscow.\n\nFirst of all, he said."
)

TITLES = [
    # (text, dateline, expected title)
    (SEED_LEAD, "22 Feb. 23:00",
     "Azerbaijani President Ilham Aliyev and Russian President Vladimir Putin made statements to the press "
     "following the talks in Moscow"),
    ("The minister opened the new bridge. Traffic starts on Monday.", None, "The minister opened the new bridge"),
    ("Will the bridge open in May? Nobody knows yet.", None, "Will the bridge open in May?"),
    ("Talks resume at last! Both sides agreed.", None, "Talks resume at last!"),
    # an abbreviation does not end the sentence, and a title may end with one
    ("Azerbaijan's leader met U.S. Secretary of State Antony Blinken in Munich. He said more.", None,
     "Azerbaijan's leader met U.S. Secretary of State Antony Blinken in Munich"),
    ("The delegation flew in from the U.S.", None, "The delegation flew in from the U.S."),
    ("Wait for it...", None, "Wait for it..."),
    ("A headline without any punctuation", None, "A headline without any punctuation"),
]


@pytest.mark.parametrize(("text", "dateline", "expected"), TITLES)
def test_fallback_title_reads_as_a_title(text: str, dateline: str | None, expected: str) -> None:
    assert fallback_title(text, dateline) == expected


def test_long_fallback_title_is_cut_on_a_word_boundary_with_an_ellipsis() -> None:
    sentence = "The delegation, " + "which travelled a very long way, " * 10 + "arrived in Baku."
    title = fallback_title(sentence, None)
    assert len(title) <= TITLE_MAX and title.endswith("…")
    assert sentence.startswith(title[:-1]) and sentence[len(title) - 1] == " "  # whole words only
    assert title[-2] not in ",;:. "


# -- joint statements, form and via, the document's source (real SQLite and PostgreSQL) ----

JOINT = ("Dutch minister Anna de Vries and Polish minister Piotr Zielinski announced that the bridge "
         "would reopen. Radio Praha quoted de Vries as saying the work was done.")
JOINT_PEOPLE = {"anna-de-vries": ("Anna de Vries", "Anna de Vries"), "piotr-zielinski": ("Piotr Zielinski", "Piotr Zielinski")}


def extraction_of(text: str, statements: list[tuple[str, list[str], str, str, str | None]],
                  *, source: str | None = None, people: dict[str, tuple[str, str]] = JOINT_PEOPLE) -> Extraction:
    """A hand-built Extraction of ``text``: statements are (content, speaker slugs, kind, form, via)."""
    speakers = [XSpeaker(slug=slug, name=name, aliases=[surface],
                         mentions=[Span(text.index(surface), text.index(surface) + len(surface))])
                for slug, (name, surface) in people.items() if surface in text]
    rows = []
    for content, slugs, kind, form, via in statements:
        start = text.index(content)
        rows.append(XStatement(kind=kind, text=content, start_char=start, end_char=start + len(content),  # type: ignore[arg-type]
                               cue="announced", speakers=slugs, form=form, via=via, confidence=0.8))  # type: ignore[arg-type]
    return Extraction(document=DocumentInfo(word_count=len(text.split()), source=source), statements=rows, speakers=speakers)


BOTH = extraction_of(JOINT, [
    ("the bridge would reopen", ["anna-de-vries", "piotr-zielinski"], "indirect", "reported", None),
    ("the work was done", ["anna-de-vries"], "indirect", "reported", "Radio Praha"),
])


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    migrate(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def stored(engine: Engine) -> dict[str, Any]:
    """Counters, link rows (slug lists per statement text) and statement columns, as stored."""
    with Session(engine) as session:
        slugs = dict(session.exec(select(Speaker.id, Speaker.slug)).all())
        counters = {s.slug: (s.statement_count, s.quote_count) for s in session.exec(select(Speaker)).all()}
        statements = session.exec(select(StatementRow).order_by(StatementRow.id)).all()
        links = session.exec(select(StatementSpeaker).order_by(StatementSpeaker.statement_id, StatementSpeaker.position)).all()
        by_statement: dict[int, list[str]] = {}
        for link in links:
            by_statement.setdefault(link.statement_id, []).append(slugs[link.speaker_id])
        return {
            "counters": counters,
            "speakers": {st.text: by_statement.get(st.id or 0, []) for st in statements},
            "first": {st.text: slugs.get(st.speaker_id) for st in statements if st.speaker_id},
            "form_via": {st.text: (st.form, st.via) for st in statements},
            "positions": [link.position for link in links],
        }


def test_a_joint_statement_is_stored_and_counted_under_each_speaker(engine: Engine) -> None:
    with Session(engine) as session:
        ingest_text(session, JOINT, extraction=BOTH)
    got = stored(engine)
    assert got["speakers"] == {"the bridge would reopen": ["anna-de-vries", "piotr-zielinski"],
                               "the work was done": ["anna-de-vries"]}
    assert got["first"] == {"the bridge would reopen": "anna-de-vries", "the work was done": "anna-de-vries"}
    assert got["positions"] == [0, 1, 0]
    assert got["counters"] == {"anna-de-vries": (2, 0), "piotr-zielinski": (1, 0)}
    assert got["form_via"] == {"the bridge would reopen": ("reported", None), "the work was done": ("reported", "Radio Praha")}


def test_reextraction_and_deletion_keep_the_counters_right(engine: Engine) -> None:
    with Session(engine) as session:
        result = ingest_text(session, JOINT, extraction=BOTH)
    only_piotr = extraction_of(JOINT, [
        ("the bridge would reopen", ["piotr-zielinski"], "indirect", "reported", None),
        ("the work was done", ["piotr-zielinski", "anna-de-vries"], "indirect", "reported", "Radio Praha"),
    ])
    with Session(engine) as session:
        ingest_text(session, JOINT, extraction=only_piotr, reextract=True)
    got = stored(engine)
    assert got["speakers"] == {"the bridge would reopen": ["piotr-zielinski"],
                               "the work was done": ["piotr-zielinski", "anna-de-vries"]}
    assert got["counters"] == {"anna-de-vries": (1, 0), "piotr-zielinski": (2, 0)}
    with Session(engine) as session:
        assert delete_document(session, result.document_id)
    got = stored(engine)
    assert got["counters"] == {} and got["speakers"] == {} and got["positions"] == []


def test_a_speaker_named_twice_in_one_statement_is_linked_once(engine: Engine) -> None:
    twice = extraction_of(JOINT, [("the bridge would reopen", ["anna-de-vries", "anna-de-vries"], "indirect", "reported", None)])
    with Session(engine) as session:
        ingest_text(session, JOINT, extraction=twice)
    assert stored(engine)["speakers"] == {"the bridge would reopen": ["anna-de-vries"]}


SOURCES = [
    # (source given, dateline agency, fallback, stored source)
    (None, "AZERTAC", "file.txt", "AZERTAC"),
    ("Reuters", "AZERTAC", "file.txt", "Reuters"),
    (None, None, "file.txt", "file.txt"),
    (None, None, None, None),
]


@pytest.mark.parametrize(("given", "agency", "fallback", "expected"), SOURCES)
def test_the_dateline_agency_fills_the_source_when_none_is_given(
    engine: Engine, given: str | None, agency: str | None, fallback: str | None, expected: str | None
) -> None:
    with Session(engine) as session:
        result = ingest_text(session, JOINT, source=given, default_source=fallback,
                             extraction=extraction_of(JOINT, [], source=agency))
        assert session.get(Document, result.document_id).source == expected  # type: ignore[union-attr]


def test_reextraction_replaces_a_fallback_source_by_the_agency(engine: Engine) -> None:
    with Session(engine) as session:
        first = ingest_text(session, JOINT, default_source="file.txt", extraction=extraction_of(JOINT, []))
        ingest_text(session, JOINT, default_source="file.txt", reextract=True,
                    extraction=extraction_of(JOINT, [], source="TASS"))
        assert session.get(Document, first.document_id).source == "TASS"  # type: ignore[union-attr]


def test_a_changed_publication_date_moves_the_link_rows_too(engine: Engine) -> None:
    with Session(engine) as session:
        ingest_text(session, JOINT, extraction=BOTH, published_at="2024-05-01")
        ingest_text(session, JOINT, extraction=BOTH, published_at="2024-06-02")
        dates = {as_utc(d).date().isoformat() for d in session.exec(select(StatementSpeaker.published_at)).all()}
    assert dates == {"2024-06-02"}


def test_ingested_files_take_the_agency_then_the_file_name(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``verbatim ingest``: a sidecar's source wins, then the dateline's agency, then the name."""
    from app import store
    from app.ingest import ingest_paths

    agencies = {"wire": "BNS", "plain": None, "given": "BNS"}
    folder = tmp_path / "in"
    folder.mkdir()
    for name in agencies:
        (folder / f"{name}.txt").write_text(f"{JOINT} ({name})", encoding="utf-8")
    (folder / "given.meta.json").write_text('{"source": "Reuters"}', encoding="utf-8")
    monkeypatch.setattr(store, "run_extraction", lambda text: extraction_of(
        text, [], source=agencies[text.rsplit("(", 1)[1].rstrip(")")]))
    assert not ingest_paths([folder], database_url=database_url).failed
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            sources = {d.text.rsplit("(", 1)[1].rstrip(")"): d.source for d in session.exec(select(Document)).all()}
    finally:
        engine.dispose()
    assert sources == {"wire": "BNS", "plain": "plain.txt", "given": "Reuters"}
