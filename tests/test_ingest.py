"""Ingestion: idempotency, re-extraction, strict file reading, rollback, shared speakers, deletion.

Tests about *storage* use a scripted extractor (``scripted``) so they check this layer's
rules, not the extractor's output; the seed tests use the real extractor.
"""

from __future__ import annotations

import codecs
import threading
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

import app.documents as documents
from app.db import make_engine
from app.documents import normalise_text
from app.extract.types import DocumentInfo, Extraction, Span, Statement
from app.extract.types import Clause as XClause
from app.extract.types import Declaration as XDeclaration
from app.extract.types import Speaker as XSpeaker
from app.ingest import ingest_paths
from app.inputs.textfile import BadFileError, decode_text
from app.models import (
    Clause,
    ClausePrinciple,
    Declaration,
    DeclarationParty,
    Document,
    Mention,
    Quotation,
    QuoteKey,
    Speaker,
    SpeakerAlias,
    Statement as StatementRow,
    StatementSpeaker,
    as_utc,
)
from app.provenance import grouping
from app.store import delete_document, ingest_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TABLES = [Document, Speaker, SpeakerAlias, Mention, Quotation, QuoteKey, StatementRow, StatementSpeaker, Declaration,
          DeclarationParty, Clause, ClausePrinciple]


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return {
                model.__tablename__: session.exec(select(func.count()).select_from(model)).one()  # type: ignore[attr-defined]
                for model in TABLES
            }
    finally:
        engine.dispose()


# -- a scripted extractor --------------------------------------------------------------

Person = tuple[str, str, str | None, list[str]]  # slug, name, country, surface forms in the text


def script(text: str, people: list[Person], quotes: list[tuple[str, str | None, str]]) -> Extraction:
    """An Extraction whose spans are found in ``text``: quotes are (content, slug, kind)."""
    speakers = []
    for slug, name, country, surfaces in people:
        mentions = [Span(text.index(s), text.index(s) + len(s)) for s in surfaces]
        speakers.append(XSpeaker(slug=slug, name=name, country=country, title="President", aliases=surfaces, mentions=mentions))
    statements = []
    for content, slug, kind in quotes:
        start = text.index(content)
        statements.append(
            Statement(kind=kind, text=content, start_char=start, end_char=start + len(content), cue="said", speaker=slug, confidence=0.9)  # type: ignore[arg-type]
        )
    return Extraction(document=DocumentInfo(word_count=len(text.split())), statements=statements, speakers=speakers)


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> dict[str, Extraction]:
    """Register ``{text: Extraction}``; ingestion then "extracts" by lookup."""
    registry: dict[str, Extraction] = {}
    monkeypatch.setattr(documents, "run_extractor", lambda text: registry[text])
    return registry


DOC_A = 'Azerbaijani President Ilham Aliyev spoke in Baku. "Peace is near," Ilham Aliyev said.'
DOC_B = 'President Aliyev met Nikol Pashinyan. "Talks went well," Aliyev said. Pashinyan said the border is calm.'


def add_ab(registry: dict[str, Extraction]) -> None:
    registry[DOC_A] = script(
        DOC_A,
        [("ilham-aliyev", "Ilham Aliyev", "Azerbaijan", ["Azerbaijani President Ilham Aliyev", "Ilham Aliyev"])],
        [("Peace is near,", "ilham-aliyev", "direct")],
    )
    registry[DOC_B] = script(
        DOC_B,
        [
            ("aliyev", "Aliyev", "Azerbaijan", ["President Aliyev"]),
            ("nikol-pashinyan", "Nikol Pashinyan", "Armenia", ["Nikol Pashinyan"]),
        ],
        [("Talks went well,", "aliyev", "direct"), ("the border is calm", "nikol-pashinyan", "indirect")],
    )


# -- the seed, with the real extractor --------------------------------------------------


def test_seed_ingest_twice_changes_nothing(database_url: str) -> None:
    first = ingest_paths([SEEDS], database_url=database_url)
    assert (first.new, first.failed) == (1, [])
    before = counts(database_url)
    second = ingest_paths([SEEDS], database_url=database_url)
    assert (second.new, second.unchanged, second.reextracted, second.failed) == (0, 1, 0, [])
    assert counts(database_url) == before
    assert second.statements == first.statements and second.clauses == first.clauses

    seed = next(SEEDS.glob("*.txt"))
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            document = session.exec(select(Document)).one()
            assert document.text == seed.read_text(encoding="utf-8")
            assert document.dateline == "22 Feb. 23:00"
            assert document.published_at is None  # the dateline has no year
            assert document.title and document.source == seed.name
            for speaker in session.exec(select(Speaker)).all():  # counters agree with the rows
                rows = session.exec(select(StatementRow).where(StatementRow.speaker_id == speaker.id)).all()
                assert speaker.statement_count == len(rows)
                assert speaker.quote_count == sum(r.kind == "direct" for r in rows)
            statements = session.exec(select(StatementRow)).all()
            assert document.statement_count == len(statements)
            for st in statements:
                if not st.fragments:
                    assert document.text[st.start_char : st.end_char] == st.text
    finally:
        engine.dispose()


def test_reextract_when_the_extractor_version_changes(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_paths([SEEDS], database_url=database_url)
    before = counts(database_url)
    monkeypatch.setattr(documents, "extractor_version", lambda: "test-next")
    summary = ingest_paths([SEEDS], database_url=database_url)
    assert (summary.reextracted, summary.new, summary.unchanged) == (1, 0, 0)
    assert counts(database_url) == before  # replaced, not duplicated
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert session.exec(select(Document.extractor_version)).one() == "test-next"
    engine.dispose()
    assert ingest_paths([SEEDS], database_url=database_url).unchanged == 1
    forced = ingest_paths([SEEDS], database_url=database_url, reextract=True)
    assert forced.reextracted == 1 and counts(database_url) == before


# -- reading files strictly -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Hello “world”".encode(), "Hello “world”"),
        (codecs.BOM_UTF8 + b"caf\xc3\xa9", "café"),
        (codecs.BOM_UTF16_LE + "Zürich".encode("utf-16-le"), "Zürich"),
        (codecs.BOM_UTF16_BE + "Zürich".encode("utf-16-be"), "Zürich"),
    ],
)
def test_decode_accepts_utf8_and_bom_marked_text(data: bytes, expected: str) -> None:
    assert decode_text(data) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n", "only whitespace"),
        (b"caf\xe9 au lait", "not valid UTF-8 (byte 0xe9 at offset 3)"),
        (b"PK\x03\x04\x00\x00binary", "binary file"),
        ("text".encode("utf-16-le"), "binary file"),  # UTF-16 without a BOM is not accepted
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "invalid UTF-16"),
    ],
)
def test_decode_rejects_with_a_one_line_reason(data: bytes, reason: str) -> None:
    with pytest.raises(BadFileError) as caught:
        decode_text(data)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_normalised_text_keeps_offsets_and_ignores_line_endings() -> None:
    assert normalise_text("\ufeffA said.\r\nB said.\r\n\r\n") == "A said.\nB said."
    assert documents.text_sha256(normalise_text("x\r\ny\n")) == documents.text_sha256(normalise_text("x\ny"))


def test_bad_files_are_reported_and_the_rest_is_stored(database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    good = 'The minister said that the bridge will open in May. "It is ready," she added.'
    (folder / "a_good.txt").write_text(good, encoding="utf-8")
    (folder / "b_utf16.txt").write_bytes(codecs.BOM_UTF16_LE + "Officials said the talks ended.".encode("utf-16-le"))
    (folder / "c_latin1.txt").write_bytes("Le ministre a déclaré".encode("latin-1"))
    (folder / "d_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "e_empty.txt").write_bytes(b"")
    (folder / "f_blank.txt").write_text("  \n\n  ", encoding="utf-8")
    (folder / "notes.md").write_text("not a document", encoding="utf-8")

    summary = ingest_paths([folder, tmp_path / "missing.txt"], database_url=database_url)
    failed = {Path(name).name: reason for name, reason in summary.failed}
    assert set(failed) == {"c_latin1.txt", "d_binary.txt", "e_empty.txt", "f_blank.txt", "missing.txt"}
    assert "UTF-8" in failed["c_latin1.txt"] and "binary" in failed["d_binary.txt"]
    assert "empty" in failed["e_empty.txt"] and "whitespace" in failed["f_blank.txt"]
    assert summary.new == 2
    assert counts(database_url)["document"] == 2


def test_sidecar_metadata_is_applied(database_url: str, tmp_path: Path, scripted: dict[str, Extraction]) -> None:
    add_ab(scripted)
    (tmp_path / "a.txt").write_text(DOC_A, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(
        '{"published_at": "2023-02-22T23:00:00+03:00", "source_url": "https://example.org/a", "title": "Aliyev in Moscow"}',
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text(DOC_B, encoding="utf-8")
    (tmp_path / "b.meta.json").write_text('{"published_at": "yesterday"}', encoding="utf-8")
    summary = ingest_paths([tmp_path], database_url=database_url)
    assert [Path(n).name for n, _ in summary.failed] == ["b.txt"]
    assert "published_at" in summary.failed[0][1]
    engine = make_engine(database_url)
    with Session(engine) as session:
        document = session.exec(select(Document)).one()
        assert (document.title, document.source_url) == ("Aliyev in Moscow", "https://example.org/a")
        assert document.published_at is not None and document.published_at.year == 2023
        statement = session.exec(select(StatementRow)).one()
        assert statement.published_at == document.published_at
        assert as_utc(document.published_at).hour == 20  # 23:00+03:00, stored in UTC
    engine.dispose()

    # A corrected sidecar updates an unchanged document (and its statements' copy).
    (tmp_path / "a.meta.json").write_text('{"published_at": "2024-01-02", "title": "Renamed"}', encoding="utf-8")
    again = ingest_paths([tmp_path / "a.txt"], database_url=database_url)
    assert (again.unchanged, again.failed) == (1, [])
    engine = make_engine(database_url)
    with Session(engine) as session:
        document = session.exec(select(Document)).one()
        assert document.title == "Renamed" and as_utc(document.published_at).year == 2024
        assert as_utc(session.exec(select(StatementRow)).one().published_at).year == 2024
    engine.dispose()


# -- transactions -----------------------------------------------------------------------


def test_a_failure_mid_document_leaves_the_database_unchanged(
    database_url: str, engine, scripted: dict[str, Extraction], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_ab(scripted)
    with Session(engine) as session:
        ingest_text(session, DOC_A)
    before = counts(database_url)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    # the store groups a document's quotes after writing it, its speakers and statements
    monkeypatch.setattr(grouping, "sync_document", boom)
    with Session(engine) as session, pytest.raises(RuntimeError):
        ingest_text(session, DOC_B)
    assert counts(database_url) == before
    with Session(engine) as session, pytest.raises(RuntimeError):
        ingest_text(session, DOC_A, reextract=True)  # a failed re-extraction keeps the old rows
    assert counts(database_url) == before
    with Session(engine) as session:
        aliyev = session.exec(select(Speaker).where(Speaker.slug == "ilham-aliyev")).one()
        assert (aliyev.statement_count, aliyev.quote_count) == (1, 1)


def test_failing_file_in_a_batch_is_skipped(database_url: str, tmp_path: Path, scripted: dict[str, Extraction], monkeypatch: pytest.MonkeyPatch) -> None:
    add_ab(scripted)
    real = grouping.sync_document

    def fail_on_b(session: Session, document_id: int, previous: set[int]) -> None:
        if "Pashinyan" in session.get(Document, document_id).text:  # type: ignore[union-attr]
            raise RuntimeError("simulated failure")  # after b's document, speakers, statements
        real(session, document_id, previous)

    monkeypatch.setattr(grouping, "sync_document", fail_on_b)
    (tmp_path / "a.txt").write_text(DOC_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DOC_B, encoding="utf-8")
    summary = ingest_paths([tmp_path], database_url=database_url)
    assert summary.new == 1 and [Path(n).name for n, _ in summary.failed] == ["b.txt"]
    assert "simulated failure" in summary.failed[0][1]
    assert counts(database_url)["speaker"] == 1  # Pashinyan was rolled back with b.txt


# -- speakers ---------------------------------------------------------------------------


def test_speakers_are_shared_across_documents(engine, scripted: dict[str, Extraction]) -> None:
    add_ab(scripted)
    with Session(engine) as session:
        a = ingest_text(session, DOC_A)
        b = ingest_text(session, DOC_B)
    assert (a.status, b.status) == ("new", "new")
    with Session(engine) as session:
        speakers = {s.slug: s for s in session.exec(select(Speaker)).all()}
        assert set(speakers) == {"ilham-aliyev", "nikol-pashinyan"}  # "Aliyev" joined Ilham Aliyev
        aliyev = speakers["ilham-aliyev"]
        assert (aliyev.statement_count, aliyev.quote_count) == (2, 2)
        aliases = set(session.exec(select(SpeakerAlias.alias_norm).where(SpeakerAlias.speaker_id == aliyev.id)).all())
        assert {"ilham aliyev", "president aliyev", "aliyev"} <= aliases
        assert len(session.exec(select(Mention).where(Mention.speaker_id == aliyev.id)).all()) == 3


def test_surname_match_needs_one_candidate_and_no_country_conflict(engine, scripted: dict[str, Extraction]) -> None:
    text_c = "Heydar Aliyev was quoted. Aliyev said the war is over."
    text_d = "Armenian official Aliyev said the vote was fair."
    text_e = "Aliyev said the road is open."
    scripted[text_c] = script(text_c, [("heydar-aliyev", "Heydar Aliyev", "Azerbaijan", ["Heydar Aliyev"])], [("the war is over", "heydar-aliyev", "indirect")])
    scripted[text_d] = script(text_d, [("aliyev", "Aliyev", "Armenia", ["Armenian official Aliyev"])], [("the vote was fair", "aliyev", "indirect")])
    scripted[text_e] = script(text_e, [("aliyev", "Aliyev", None, ["Aliyev"])], [("the road is open", "aliyev", "indirect")])
    add_ab(scripted)
    with Session(engine) as session:
        ingest_text(session, DOC_A)
        ingest_text(session, text_c)  # a second person named Aliyev (a distinct full name)
        ingest_text(session, text_d)  # "Aliyev" of Armenia: two candidates, both Azerbaijani -> new
        ingest_text(session, text_e)  # slug "aliyev" now exists -> joins it
    with Session(engine) as session:
        slugs = set(session.exec(select(Speaker.slug)).all())
        assert slugs == {"ilham-aliyev", "heydar-aliyev", "aliyev"}
        assert session.exec(select(Speaker.statement_count).where(Speaker.slug == "aliyev")).one() == 2


def test_concurrent_ingestion_of_the_same_text_stores_it_once(engine, scripted: dict[str, Extraction]) -> None:
    add_ab(scripted)
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        try:
            barrier.wait()
            with Session(engine) as session:
                ingest_text(session, DOC_A)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Document)).one() == 1
        assert session.exec(select(func.count()).select_from(Speaker)).one() == 1
        assert session.exec(select(Speaker.statement_count)).one() == 1


# -- deletion ---------------------------------------------------------------------------


def test_delete_document_removes_its_rows_and_orphaned_speakers(database_url: str, engine, scripted: dict[str, Extraction]) -> None:
    add_ab(scripted)
    with Session(engine) as session:
        a = ingest_text(session, DOC_A)
        b = ingest_text(session, DOC_B)
    with Session(engine) as session:
        assert delete_document(session, b.document_id) is True
        assert delete_document(session, b.document_id) is False
    with Session(engine) as session:
        speakers = session.exec(select(Speaker)).all()
        assert [s.slug for s in speakers] == ["ilham-aliyev"]
        assert (speakers[0].statement_count, speakers[0].quote_count) == (1, 1)
    with Session(engine) as session:
        assert delete_document(session, a.document_id) is True
    assert counts(database_url) == dict.fromkeys(counts(database_url), 0)


def test_tables_are_all_covered() -> None:
    """TABLES must list every table of ingested data, or counts() would miss leftovers
    (``setting`` holds deployment values such as the cursor secret, not data)."""
    assert {m.__tablename__ for m in TABLES} == set(SQLModel.metadata.tables) - {"alembic_version", "setting"}  # type: ignore[attr-defined]



def test_ids_of_deleted_rows_are_never_reused(database_url: str, engine, scripted: dict[str, Extraction]) -> None:
    """URLs with ids are stored and embedded by clients: a new row must not take a deleted one's id."""
    add_ab(scripted)
    with Session(engine) as session:
        first = ingest_text(session, DOC_A)
    with Session(engine) as session:
        old_statements = {s.id for s in session.exec(select(StatementRow)).all()}
        assert delete_document(session, first.document_id) is True
    with Session(engine) as session:
        second = ingest_text(session, DOC_B)
        new_statements = {s.id for s in session.exec(select(StatementRow)).all()}
    assert second.document_id > first.document_id
    assert new_statements and min(new_statements) > max(old_statements)


# -- re-extraction keeps public ids ----------------------------------------------------------

DOC_R = ('Ilham Aliyev spoke in Baku. "Peace is near," Ilham Aliyev said. He noted that talks went well. '
         "The Declaration on Allied Cooperation provides for trade. It also provides for mutual security.")


def scripted_r(statements: list[tuple[str, str, str]], title: str, clauses: list[str]) -> Extraction:
    """DOC_R's extraction: statements are (span, stored text, kind); one declaration."""
    result = script(DOC_R, [("ilham-aliyev", "Ilham Aliyev", "Azerbaijan", ["Ilham Aliyev"])], [])
    for span, text, kind in statements:
        start = DOC_R.index(span)
        result.statements.append(Statement(kind=kind, text=text, start_char=start, end_char=start + len(span),  # type: ignore[arg-type]
                                           cue="said", speaker="ilham-aliyev", confidence=0.9))
    found = [XClause(text=c, start_char=DOC_R.index(c), end_char=DOC_R.index(c) + len(c), principles=["trade"])
             for c in clauses]
    start = DOC_R.index("Declaration on Allied Cooperation")
    result.declarations.append(XDeclaration(title=title, kind="declaration", start_char=start, end_char=start + 33,
                                            parties=["Azerbaijan"], clauses=found))
    return result


def test_reextraction_keeps_the_ids_of_unchanged_items(engine, database_url: str, scripted: dict[str, Extraction],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids are in stored URLs and embeds: re-extraction keeps a statement's id while its kind
    and span are unchanged (updating the rest in place), a declaration's while its normalised
    title is, a clause's while its declaration and span are; the rest is deleted or new."""
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    scripted[DOC_R] = scripted_r([("Peace is near,", "Peace is near,", "direct"), ("talks went well", "talks went well", "indirect")],
                                 "Declaration on Allied Cooperation", ["trade", "mutual security"])
    with Session(engine) as session:
        doc_id = ingest_text(session, DOC_R).document_id
    client = TestClient(create_app(Settings(database_url=database_url, access_log=False)))
    before = client.get(f"/documents/{doc_id}/statements").json()["items"]
    (quote, indirect) = sorted(before, key=lambda s: s["start_char"])
    declaration = client.get("/declarations").json()["items"][0]
    trade, security = sorted(client.get("/clauses").json()["items"], key=lambda c: c["start_char"])

    # Same quote span with a changed text (as when fragments are re-joined), a wider indirect
    # span, the title in other case, one clause kept and one replaced by a wider span.
    scripted[DOC_R] = scripted_r([("Peace is near,", "Peace is near, verily", "direct"),
                                  ("that talks went well", "that talks went well", "indirect"),
                                  ("spoke in Baku", "spoke in Baku", "indirect")],
                                 "declaration on allied cooperation", ["trade", "It also provides for mutual security"])
    monkeypatch.setattr(documents, "extractor_version", lambda: "test-next")
    with Session(engine) as session:
        assert ingest_text(session, DOC_R).status == "reextracted"

    after = {s["id"]: s for s in client.get(f"/documents/{doc_id}/statements").json()["items"]}
    assert after[quote["id"]]["text"] == "Peace is near, verily"  # updated in place
    assert indirect["id"] not in after and len(after) == 3
    assert client.get(f"/statements/{indirect['id']}").status_code == 404
    assert client.get(f"/embed/statements/{quote['id']}").status_code == 200
    assert client.get(f"/declarations/{declaration['id']}").json()["clause_count"] == 2
    clauses = {c["id"]: c for c in client.get("/clauses").json()["items"]}
    assert trade["id"] in clauses and security["id"] not in clauses and len(clauses) == 2
    assert client.get(f"/clauses/{security['id']}").status_code == 404
    assert min(set(after) - {quote["id"]}) > indirect["id"]  # new rows take new ids

    # Counters and the full-text index follow the inserts, updates and deletes.
    speaker = client.get("/speakers/ilham-aliyev").json()
    assert (speaker["statement_count"], speaker["quote_count"]) == (3, 1)
    assert client.get(f"/documents/{doc_id}").json()["statement_count"] == 3
    assert [h["id"] for h in client.get("/search?q=verily").json()["items"]] == [quote["id"]]
    wider = next(i for i, s in after.items() if s["text"] == "that talks went well")
    assert [h["id"] for h in client.get("/search?q=talks&type=statement").json()["items"]] == [wider]
    assert {h["id"] for h in client.get("/search?q=security&type=clause").json()["items"]} == set(clauses) - {trade["id"]}
    client.close()
