"""The benchmark corpus generator writes a consistent database on both backends.

Benchmarks are only meaningful if the synthetic rows look like ingested ones: offsets that
slice the document text, counters that match the rows, the requested number of statements.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
assert _spec and _spec.loader
generate_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = generate_module  # dataclasses look their module up here
_spec.loader.exec_module(generate_module)

def test_generator_writes_requested_counts_and_consistent_rows(database_url: str, backend: str) -> None:
    """On each backend (fixtures from conftest): an empty database, migrated by the generator."""
    counts = generate_module.generate(
        database_url, 600, seed=7, chunk_docs=20, batch=100, analyze=False
    )
    assert counts["statement"] == 600

    engine = create_engine(database_url)
    with engine.connect() as connection:
        scalar = lambda sql: connection.execute(text(sql)).scalar()  # noqa: E731
        assert scalar("SELECT COUNT(*) FROM statement") == 600
        documents = scalar("SELECT COUNT(*) FROM document")
        assert 40 <= documents <= 90  # about ten statements a document
        assert scalar("SELECT COUNT(*) FROM speaker") > 10
        direct = scalar("SELECT COUNT(*) FROM statement WHERE kind = 'direct'")
        assert 0.15 < direct / 600 < 0.35

        # Every denormalised counter equals what it summarises.
        assert scalar("""SELECT COUNT(*) FROM speaker s WHERE
            statement_count != (SELECT COUNT(*) FROM statement WHERE speaker_id = s.id) OR
            quote_count != (SELECT COUNT(*) FROM statement WHERE speaker_id = s.id AND kind = 'direct')""") == 0
        assert scalar("""SELECT COUNT(*) FROM document d WHERE
            statement_count != (SELECT COUNT(*) FROM statement WHERE document_id = d.id) OR
            quote_count != (SELECT COUNT(*) FROM statement WHERE document_id = d.id AND kind = 'direct')""") == 0
        assert scalar("""SELECT COUNT(*) FROM declaration x WHERE
            clause_count != (SELECT COUNT(*) FROM clause WHERE declaration_id = x.id)""") == 0
        assert scalar("""SELECT COUNT(*) FROM statement s JOIN document d ON d.id = s.document_id
            WHERE s.published_at IS DISTINCT FROM d.published_at""" if backend == "postgresql"
            else """SELECT COUNT(*) FROM statement s JOIN document d ON d.id = s.document_id
            WHERE s.published_at IS NOT d.published_at""") == 0

        # Quotes repeat across documents, and quotation summaries match their occurrences.
        assert scalar("SELECT COUNT(*) FROM statement WHERE kind = 'direct' AND quotation_id IS NULL") == 0
        assert scalar("SELECT COUNT(*) FROM quotation WHERE document_count > 1") > 0
        assert scalar("""SELECT COUNT(*) FROM quotation q WHERE
            occurrence_count != (SELECT COUNT(*) FROM statement WHERE quotation_id = q.id) OR
            document_count != (SELECT COUNT(DISTINCT document_id) FROM statement WHERE quotation_id = q.id) OR
            length(text) < (SELECT MAX(length(text)) FROM statement WHERE quotation_id = q.id) OR
            speaker_id IS DISTINCT FROM (SELECT MIN(speaker_id) FROM statement WHERE quotation_id = q.id)"""
                      if backend == "postgresql" else """SELECT COUNT(*) FROM quotation q WHERE
            occurrence_count != (SELECT COUNT(*) FROM statement WHERE quotation_id = q.id) OR
            document_count != (SELECT COUNT(DISTINCT document_id) FROM statement WHERE quotation_id = q.id) OR
            length(text) < (SELECT MAX(length(text)) FROM statement WHERE quotation_id = q.id) OR
            speaker_id IS NOT (SELECT MIN(speaker_id) FROM statement WHERE quotation_id = q.id)""") == 0

        # Offsets point at the exact characters, as ingestion guarantees.
        texts = dict(connection.execute(text("SELECT id, text FROM document")).all())
        rows = connection.execute(text(
            "SELECT document_id, text, start_char, end_char, fragments, cue, cue_start, cue_end, "
            "speaker_mention, speaker_mention_start, speaker_mention_end FROM statement")).all()
        for doc_id, body, start, end, fragments, cue, cue_start, cue_end, mention, m_start, m_end in rows:
            source = texts[doc_id]
            if isinstance(fragments, str):
                fragments = json.loads(fragments)
            if fragments:
                assert body == " ".join(source[a:b] for a, b in fragments)
            else:
                assert source[start:end] == body
            assert source[cue_start:cue_end] == cue
            assert source[m_start:m_end] == mention
        for doc_id, speaker_id, mention_text, start, end in connection.execute(
            text("SELECT document_id, speaker_id, text, start_char, end_char FROM mention")
        ):
            assert texts[doc_id][start:end] == mention_text

        # Ids continue from the rows written (PostgreSQL sequences were moved past them).
        if backend == "postgresql":
            next_id = scalar("SELECT nextval(pg_get_serial_sequence('statement', 'id'))")
            assert next_id == scalar("SELECT MAX(id) FROM statement") + 1
    engine.dispose()
