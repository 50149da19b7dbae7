"""Candidate quotes from the full-text index: never a scan of all quotes.

A probe is the OR of a quote's keys (``QuoteText.keys``), each key the AND of its words, in
the statements' own index (``app.search``: FTS5 on SQLite, the stored ``text_fts`` tsvector
on PostgreSQL). The index stems words and a quote sharing a key with another always matches
its probe, so the probe returns a superset of what ``related`` can accept; rapidfuzz then
decides. Words come from ``app.provenance.text.words`` (letters and digits only), so they
are safe inside the quoted terms of either query language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, literal_column, select, table, text
from sqlmodel import Session

from app.models import Statement

TS_CONFIG = "'english'::regconfig"


def fts5_probe(keys: Iterable[tuple[str, ...]]) -> str:
    """``("a" AND "b") OR "c"``: an FTS5 MATCH expression of quoted alphanumerics."""
    return " OR ".join("(" + " AND ".join(f'"{w}"' for w in key) + ")" for key in sorted(keys))


def tsquery_probe(keys: Iterable[tuple[str, ...]]) -> str:
    """``('a' & 'b') | 'c'`` for ``to_tsquery``."""
    return " | ".join("(" + " & ".join(f"'{w}'" for w in key) + ")" for key in sorted(keys))


def _dialect(db: Session | Connection) -> str:
    return db.get_bind().dialect.name if isinstance(db, Session) else db.dialect.name


def probe_condition(db: Session | Connection, keys: frozenset[tuple[str, ...]]) -> ColumnElement[bool]:
    """``statement`` rows whose text matches any key (for an unranked, complete read)."""
    if _dialect(db) == "sqlite":
        hits = select(literal_column("rowid")).select_from(table("statement_fts")).where(
            literal_column("statement_fts").op("MATCH")(bindparam("probe", fts5_probe(keys), unique=True)))
        return Statement.id.in_(hits)  # type: ignore[union-attr]
    return text(f"statement.text_fts @@ to_tsquery({TS_CONFIG}, :probe)").bindparams(
        probe=tsquery_probe(keys))  # type: ignore[return-value]


def same_speaker_quotes(db: Connection, speaker_id: int, keys: frozenset[tuple[str, ...]]) -> list[tuple[int, int | None]]:
    """Every direct quote of ``speaker_id`` sharing a key's words, as (id, quotation_id): the
    texts are read later, and only for quotations not yet known to match."""
    if not keys:
        return []
    stmt = select(Statement.id, Statement.quotation_id).where(
        Statement.speaker_id == speaker_id, Statement.kind == "direct", probe_condition(db, keys))
    return [(int(sid), qid) for sid, qid in db.execute(stmt)]


def ranked_quotes(session: Session, keys: frozenset[tuple[str, ...]], *, speaker_ids: list[int] | None,
                  limit: int) -> list[int]:
    """Ids of the ``limit`` direct quotes that match the keys (any conjunction of words)
    best (bm25 / ts_rank)."""
    if not keys:
        return []
    where = ["s.kind = 'direct'"]
    params: dict[str, Any] = {"limit": limit}
    if speaker_ids is not None:
        if not speaker_ids:
            return []
        where.append("s.speaker_id IN :speakers")
        params["speakers"] = speaker_ids
    if _dialect(session) == "sqlite":
        params["probe"] = fts5_probe(keys)
        sql = ("SELECT s.id FROM statement_fts JOIN statement s ON s.id = statement_fts.rowid "
               f"WHERE statement_fts MATCH :probe AND {' AND '.join(where)} "
               "ORDER BY statement_fts.rank LIMIT :limit")
    else:
        params["probe"] = tsquery_probe(keys)
        sql = (f"SELECT s.id FROM statement s, to_tsquery({TS_CONFIG}, :probe) tq "
               f"WHERE s.text_fts @@ tq AND {' AND '.join(where)} "
               "ORDER BY ts_rank(s.text_fts, tq) DESC, s.id LIMIT :limit")
    stmt = text(sql)
    if speaker_ids is not None:
        stmt = stmt.bindparams(bindparam("speakers", expanding=True))
    return [int(row_id) for (row_id,) in session.execute(stmt, params)]


__all__ = ["probe_condition", "ranked_quotes", "same_speaker_quotes"]
