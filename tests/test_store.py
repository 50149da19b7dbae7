"""app/store.py through its public functions (``ingest_text``, ``delete_document``): what it
writes for joint statements, ``form``/``via`` and the document's source, what its result
says, and values cut to their columns (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.db import make_engine
from app.extract.types import DocumentInfo, Extraction, Span
from app.extract.types import Speaker as XSpeaker
from app.extract.types import Statement as XStatement
from app.models import Document, Mention, Speaker, StatementSpeaker, as_utc
from app.models import Statement as StatementRow
from app.store import delete_document, ingest_text

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
    from app import documents
    from app.ingest import ingest_paths

    agencies = {"wire": "BNS", "plain": None, "given": "BNS"}
    folder = tmp_path / "in"
    folder.mkdir()
    for name in agencies:
        (folder / f"{name}.txt").write_text(f"{JOINT} ({name})", encoding="utf-8")
    (folder / "given.meta.json").write_text('{"source": "Reuters"}', encoding="utf-8")
    monkeypatch.setattr(documents, "run_extractor", lambda text: extraction_of(
        text, [], source=agencies[text.rsplit("(", 1)[1].rstrip(")")]))
    assert not ingest_paths([folder], database_url=database_url).failed
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            sources = {d.text.rsplit("(", 1)[1].rstrip(")"): d.source for d in session.exec(select(Document)).all()}
    finally:
        engine.dispose()
    assert sources == {"wire": "BNS", "plain": "plain.txt", "given": "Reuters"}


# -- the result: what the write API answers with, without reading the rows again ------------


def document_speakers(engine: Engine, document_id: int) -> list[tuple[int, str, str, bool]]:
    """The document's speakers read from the rows: those it mentions, and the first speaker of
    each of its statements (an organisation that "said" something has no mention)."""
    with Session(engine) as session:
        mentioned = set(session.exec(select(Mention.speaker_id).where(Mention.document_id == document_id)).all())
        first = set(session.exec(select(StatementRow.speaker_id).where(StatementRow.document_id == document_id)).all())
        rows = session.exec(select(Speaker).where(Speaker.id.in_(mentioned | first - {None}))  # type: ignore[union-attr,operator]
                            .order_by(Speaker.id)).all()  # type: ignore[arg-type]
        return [(s.id, s.slug, s.name, s.id in mentioned) for s in rows]  # type: ignore[misc]


def test_the_result_describes_what_is_stored_on_every_path(engine: Engine) -> None:
    """New, unchanged and re-extracted: the result's speakers and counts are those of the
    stored rows, and its document is readable after the session has closed."""
    organisations = extraction_of(JOINT, [
        ("the bridge would reopen", ["anna-de-vries", "piotr-zielinski", "unnamed-partner"], "indirect", "reported", None),
        ("the work was done", ["radio-praha"], "indirect", "reported", None),
    ])
    organisations.speakers += [XSpeaker(slug="radio-praha", name="Radio Praha", kind="organization"),
                               XSpeaker(slug="unnamed-partner", name="Unnamed Partner")]  # no mention: only quoted
    results = []
    with Session(engine) as session:
        results.append(ingest_text(session, JOINT, extraction=organisations, published_at="2024-05-01T10:00:00+02:00"))
    with Session(engine) as session:
        results.append(ingest_text(session, JOINT, extraction=organisations))
    with Session(engine) as session:
        results.append(ingest_text(session, JOINT, extraction=BOTH, reextract=True))
    with Session(engine) as session:
        results.append(ingest_text(session, JOINT, extraction=BOTH))
    assert [r.status for r in results] == ["new", "unchanged", "reextracted", "unchanged"]

    first, unchanged, reextracted, last = results
    assert [(s.slug, s.mentioned) for s in first.speakers] == [
        ("anna-de-vries", True), ("piotr-zielinski", True), ("radio-praha", False)]  # a second speaker only: left out
    assert unchanged.speakers == first.speakers
    assert [s.slug for s in reextracted.speakers] == ["anna-de-vries", "piotr-zielinski"] and last.speakers == reextracted.speakers
    assert [(s.id, s.slug, s.name, s.mentioned) for s in last.speakers] == document_speakers(engine, last.document_id)
    for result in results:
        assert (result.statements, result.quotes, result.declarations, result.clauses) == (2, 0, 0, 0)
        assert result.document.sha256 == results[0].document.sha256 and result.document_id == first.document_id
        assert as_utc(result.document.published_at).isoformat() == "2024-05-01T08:00:00+00:00"  # type: ignore[arg-type]
    with Session(engine) as session:
        stored = session.get(Document, first.document_id)
        assert stored is not None and stored.title == last.document.title and stored.source == last.document.source


def test_long_values_are_cut_to_their_columns(engine: Engine) -> None:
    """PostgreSQL refuses a value longer than its column; the store cuts it to the column's length."""
    long_via = "Radio " + "Praha " * 60
    extraction = extraction_of(JOINT, [("the work was done", ["anna-de-vries"], "indirect", "reported", long_via)])
    extraction.statements[0].speaker_mention = "minister " * 60
    with Session(engine) as session:
        result = ingest_text(session, JOINT, extraction=extraction, source="Agency " * 100)
        row = session.exec(select(StatementRow)).one()
        assert row.via == long_via[: StatementRow.via.type.length]  # type: ignore[attr-defined]
        assert row.speaker_mention == ("minister " * 60)[: StatementRow.speaker_mention.type.length]  # type: ignore[attr-defined]
        document = session.get(Document, result.document_id)
        assert document is not None and document.source == ("Agency " * 100)[: Document.source.type.length]  # type: ignore[attr-defined]
