"""Database checks shared by the robustness tests: row counts and consistency invariants."""

from __future__ import annotations

from sqlalchemy import create_engine, text

KEY = "test-key-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {KEY}"}

TABLES = ["document", "speaker", "speaker_alias", "mention", "statement", "declaration",
          "declaration_party", "clause", "clause_principle"]

# Each query returns offending rows; an empty result means the invariant holds.
INVARIANTS = {
    "document.statement_count": """
        SELECT d.id FROM document d
        WHERE d.statement_count != (SELECT COUNT(*) FROM statement s WHERE s.document_id = d.id)
           OR d.quote_count != (SELECT COUNT(*) FROM statement s WHERE s.document_id = d.id AND s.kind = 'direct')""",
    "speaker counters": """
        SELECT p.id FROM speaker p
        WHERE p.statement_count != (SELECT COUNT(*) FROM statement s WHERE s.speaker_id = p.id)
           OR p.quote_count != (SELECT COUNT(*) FROM statement s WHERE s.speaker_id = p.id AND s.kind = 'direct')""",
    "declaration.clause_count": """
        SELECT d.id FROM declaration d
        WHERE d.clause_count != (SELECT COUNT(*) FROM clause c WHERE c.declaration_id = d.id)""",
    "orphan statements": "SELECT id FROM statement WHERE document_id NOT IN (SELECT id FROM document)",
    "orphan mentions": """SELECT id FROM mention WHERE document_id NOT IN (SELECT id FROM document)
                          OR speaker_id NOT IN (SELECT id FROM speaker)""",
    "orphan declarations": "SELECT id FROM declaration WHERE document_id NOT IN (SELECT id FROM document)",
    "orphan clauses": """SELECT id FROM clause WHERE document_id NOT IN (SELECT id FROM document)
                         OR declaration_id NOT IN (SELECT id FROM declaration)""",
    "orphan aliases": "SELECT id FROM speaker_alias WHERE speaker_id NOT IN (SELECT id FROM speaker)",
    "orphan principles": "SELECT clause_id FROM clause_principle WHERE clause_id NOT IN (SELECT id FROM clause)",
    "orphan parties": "SELECT declaration_id FROM declaration_party WHERE declaration_id NOT IN (SELECT id FROM declaration)",
    "unmentioned speakers": """
        SELECT id FROM speaker
        WHERE id NOT IN (SELECT speaker_id FROM mention)
          AND id NOT IN (SELECT speaker_id FROM statement WHERE speaker_id IS NOT NULL)""",
    "statement offsets": """
        SELECT s.id FROM statement s JOIN document d ON d.id = s.document_id
        WHERE s.start_char < 0 OR s.end_char > LENGTH(d.text) OR s.start_char >= s.end_char""",
    "duplicate documents": "SELECT sha256 FROM document GROUP BY sha256 HAVING COUNT(*) > 1",
}


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {t: int(connection.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()) for t in TABLES}
    finally:
        engine.dispose()


def violations(url: str) -> dict[str, list[object]]:
    """Every broken invariant with (up to 5 of) its offending keys."""
    engine = create_engine(url)
    found: dict[str, list[object]] = {}
    try:
        with engine.connect() as connection:
            for name, query in INVARIANTS.items():
                rows = connection.execute(text(query)).fetchmany(5)
                if rows:
                    found[name] = [row[0] for row in rows]
    finally:
        engine.dispose()
    return found
