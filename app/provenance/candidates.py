"""Candidate quotes, never a scan of all quotes.

Grouping reads ``quote_key``: each direct quote's keys (``QuoteText.keys``) under its
speaker, written in the same transaction as the quote. A lookup returns exactly the
speaker's quotes sharing a key with the new one, which is every quote ``related`` can
accept; rapidfuzz then decides. Matching a claim reads ``quote_key`` too, by key alone
(``quotes_by_keys``: each key counted up to ``KEY_COMMON``, the quotes of the rarest read),
and, when that finds nothing close, the statements' full-text index
(``app.search``: FTS5 on SQLite, the stored ``text_fts`` tsvector on PostgreSQL): how
common each word is, counted only up to ``COMMON``; the statements of the rarest words
(``quotes_by_hits``); and, when too few words are rare, conjunctions of the claim's words
ranked by relevance (``ranked_quotes``). Words come from
``app.provenance.text.words`` (letters and digits only), so they are safe inside the quoted
terms of either query language.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, TextClause, bindparam, delete, func, insert, select, text, update
from sqlmodel import Session

from app.models import QuoteKey, Statement
from app.provenance.text import MAX_KEYS

TS_CONFIG = "'english'::regconfig"
STATEMENT = Statement.__table__  # type: ignore[attr-defined]
QUOTE_KEY = QuoteKey.__table__  # type: ignore[attr-defined]


def fts5_probe(keys: Iterable[tuple[str, ...]]) -> str:
    """``("a" AND "b") OR "c"``: an FTS5 MATCH expression of quoted alphanumerics."""
    return " OR ".join("(" + " AND ".join(f'"{w}"' for w in key) + ")" for key in sorted(keys))


def tsquery_probe(keys: Iterable[tuple[str, ...]]) -> str:
    """``('a' & 'b') | 'c'`` for ``to_tsquery``."""
    return " | ".join("(" + " & ".join(f"'{w}'" for w in key) + ")" for key in sorted(keys))


def _dialect(db: Session | Connection) -> str:
    return db.get_bind().dialect.name if isinstance(db, Session) else db.dialect.name


def key_text(key: tuple[str, ...]) -> str:
    """A key as ``quote_key`` stores it (words never hold a space)."""
    return " ".join(key)


def write_keys(db: Connection, quotes: Iterable[tuple[int, int | None, int, frozenset[tuple[str, ...]]]]) -> None:
    """Store the keys of (statement id, speaker id, quotation id, keys); quotes without a
    speaker group alone and have none."""
    rows = [{"statement_id": statement_id, "key": key_text(key), "speaker_id": speaker_id, "quotation_id": quotation_id}
            for statement_id, speaker_id, quotation_id, keys in quotes if speaker_id is not None for key in keys]
    if rows:
        db.execute(insert(QUOTE_KEY), rows)


def forget_keys(db: Connection, document_id: int) -> None:
    """Drop the keys of a document's statements (before they are regrouped)."""
    db.execute(delete(QUOTE_KEY).where(QUOTE_KEY.c.statement_id.in_(
        select(STATEMENT.c.id).where(STATEMENT.c.document_id == document_id))))


@lru_cache(maxsize=MAX_KEYS)
def _latest_sql(count: int) -> TextClause:
    """SQL of (quotation id, statement id, keys, text) for each quote that is its quotation's
    latest under one or more (``keys``) of the keys ``:k0`` … of ``:speaker``. The recursion
    skips from one quotation to the next in the (key, speaker, quotation, statement) index,
    so a key costs one seek per quotation holding it, not one row per quote: a speaker's set
    phrase can be in thousands of quotes of a few quotations, and grouping probes it for
    every new quote."""
    keys = ", ".join(f"(CAST(:k{i} AS TEXT))" for i in range(count))
    same = "FROM quote_key q WHERE q.key = found.key AND q.speaker_id = :speaker AND q.quotation_id"
    return text(
        f"WITH RECURSIVE probe(key) AS (VALUES {keys}), "
        "found(key, quotation_id) AS ("
        "SELECT probe.key, (SELECT min(q.quotation_id) FROM quote_key q "
        "WHERE q.key = probe.key AND q.speaker_id = :speaker) FROM probe "
        f"UNION ALL SELECT found.key, (SELECT min(q.quotation_id) {same} > found.quotation_id) "
        "FROM found WHERE found.quotation_id IS NOT NULL), "
        f"latest(quotation_id, statement_id) AS (SELECT found.quotation_id, (SELECT max(q.statement_id) {same} "
        "= found.quotation_id) FROM found WHERE found.quotation_id IS NOT NULL) "
        # the text by a lookup per row: joined, PostgreSQL's planner does not know how few rows
        # the CTE gives and may scan every statement
        "SELECT v.quotation_id, v.statement_id, v.keys, (SELECT s.text FROM statement s WHERE s.id = v.statement_id) "
        "FROM (SELECT quotation_id, statement_id, count(*) AS keys FROM latest GROUP BY quotation_id, statement_id) AS v")


def best_quote_per_quotation(db: Connection, speaker_id: int,
                             keys: frozenset[tuple[str, ...]]) -> list[tuple[int, int, str]]:
    """For each of the speaker's quotations sharing a key, its quote that is the latest under
    most of the shared keys (lowest id among equals), as (id, quotation_id, text). The texts
    of every quote latest under some key come with the same query (usually one a quotation)."""
    if not keys:
        return []
    params: dict[str, Any] = {"speaker": speaker_id} | {f"k{i}": key_text(k) for i, k in enumerate(sorted(keys))}
    best: dict[int, tuple[int, int, str]] = {}  # quotation id -> (statement id, keys, text)
    for qid, sid, count, quote in db.execute(_latest_sql(len(keys)), params):
        if qid not in best or (-count, sid) < (-best[qid][1], best[qid][0]):
            best[qid] = (int(sid), int(count), quote)
    return [(sid, qid, quote) for qid, (sid, _, quote) in best.items()]


def same_speaker_quotes(db: Connection, speaker_id: int, keys: frozenset[tuple[str, ...]],
                        quotation_ids: Iterable[int]) -> list[tuple[int, int, int]]:
    """The speaker's quotes of ``quotation_ids`` sharing a key, as (id, quotation_id, how
    many keys it shares)."""
    if not keys:
        return []
    rows = db.execute(select(QUOTE_KEY.c.statement_id, QUOTE_KEY.c.quotation_id, func.count())
                      .where(QUOTE_KEY.c.speaker_id == speaker_id, QUOTE_KEY.c.key.in_([key_text(k) for k in keys]),
                             QUOTE_KEY.c.quotation_id.in_(sorted(quotation_ids)))
                      .group_by(QUOTE_KEY.c.quotation_id, QUOTE_KEY.c.statement_id))
    return [(int(sid), int(qid), int(count)) for sid, qid, count in rows]


def move_keys(db: Connection, target: int, *, quotation_ids: list[int] | None = None,
              statement_ids: list[int] | None = None) -> None:
    """Follow a change of ``statement.quotation_id`` (a merge or a split) in ``quote_key``."""
    condition = (QUOTE_KEY.c.quotation_id.in_(quotation_ids) if quotation_ids is not None
                 else QUOTE_KEY.c.statement_id.in_(statement_ids or []))
    db.execute(update(QUOTE_KEY).where(condition).values(quotation_id=target))


PROBED_WORDS = 12  # claim words whose frequency is probed, the longest first (long words tend to be rare)
COMMON = 400  # a word in this many statements or more is common: its statements are not read
RARE_WORDS = 5  # at most this many of the rarest words are read ...
POSTINGS = 1500  # ... and at most about this many statements in all


def _probe(dialect: str, param: str) -> str:
    """SQL selecting the ids of at most ``COMMON`` statements matching the probe bound as
    ``param``, in index order: the index stops reading there, however common the words."""
    if dialect == "sqlite":
        return f"SELECT id FROM (SELECT rowid AS id FROM statement_fts WHERE statement_fts MATCH :{param} LIMIT :cap)"
    return f"(SELECT id FROM statement WHERE text_fts @@ to_tsquery({TS_CONFIG}, :{param}) LIMIT :cap)"


def _probe_text(dialect: str, key: tuple[str, ...]) -> str:
    return fts5_probe([key]) if dialect == "sqlite" else tsquery_probe([key])


def _count_each(db: Connection, probes: list[str], stmt: Callable[[str], Any], params: dict[str, Any]) -> list[int]:
    """``count(*)`` of each subquery in ``probes`` (SQL selecting capped rows), in one query."""
    if not probes:
        return []
    parts = [f"SELECT {i} AS i, (SELECT count(*) FROM ({probe}) AS p) AS n" for i, probe in enumerate(probes)]
    counts = dict(db.execute(stmt(" UNION ALL ".join(parts)), params).all())
    return [int(counts[i]) for i in range(len(probes))]


T = TypeVar("T", str, tuple[str, ...])


def _rarest(probed: list[T], counts: list[int], *, common: int, most: int, postings: int) -> list[tuple[T, int]]:
    """The rarest of ``probed`` held at all but by fewer than ``common``, rarest first, with
    their counts: at most ``most``, held by at most about ``postings`` rows together."""
    chosen: list[tuple[T, int]] = []
    total = 0
    for count, item in sorted((c, item) for item, c in zip(probed, counts) if 0 < c < common):
        if len(chosen) == most or (chosen and total + count > postings):
            break
        chosen.append((item, count))
        total += count
    return chosen


def word_counts(session: Session, words: list[str]) -> dict[str, int]:
    """How many statements hold each word, counted up to ``COMMON`` (one query; a common
    word costs ``COMMON`` index entries, never its whole list)."""
    dialect = _dialect(session)
    params: dict[str, Any] = {"cap": COMMON} | {f"w{i}": _probe_text(dialect, (w,)) for i, w in enumerate(words)}
    counts = _count_each(session.connection(), [_probe(dialect, f"w{i}") for i in range(len(words))], text, params)
    return dict(zip(words, counts))


def rarest_words(session: Session, words: tuple[str, ...]) -> list[tuple[str, int]]:
    """The claim's rarest words that the index holds, rarest first, with their counts: at
    most ``RARE_WORDS``, holding at most about ``POSTINGS`` statements together. Common
    words (and words the index does not hold, such as a changed word) are left out."""
    probed = sorted(words, key=lambda w: (-len(w), words.index(w)))[:PROBED_WORDS]
    counts = word_counts(session, probed)
    return _rarest(probed, [counts[w] for w in probed], common=COMMON, most=RARE_WORDS, postings=POSTINGS)


def rarity(count: int, common: int | None = None) -> float:
    """The weight of a word (or key) held by ``count`` statements, fewer than ``common``
    (``COMMON`` unless given): rarer, heavier."""
    return 1 + math.log((COMMON if common is None else common) / count)


def _sql(speaker_ids: list[int] | None) -> Callable[[str], Any]:
    """``text()``, expanding the ``:speakers`` list when there is one."""
    if speaker_ids is None:
        return text
    return lambda sql: text(sql).bindparams(bindparam("speakers", expanding=True))


def quotes_by_hits(session: Session, probes: list[tuple[tuple[str, ...], float]], *,
                   speaker_ids: list[int] | None, limit: int) -> list[int]:
    """Ids of the ``limit`` direct quotes with the most weight of ``probes`` (conjunctions of
    words, each with its weight), most first. Each probe reads at most ``COMMON`` statements
    of the index, so the whole read is bounded however common the words."""
    if not probes or (speaker_ids is not None and not speaker_ids):
        return []
    dialect = _dialect(session)
    params: dict[str, Any] = {"cap": COMMON, "limit": limit}
    parts = []
    for i, (key, weight) in enumerate(probes):
        params[f"k{i}"] = _probe_text(dialect, key)
        parts.append(f"SELECT id, {weight:.4f} AS weight FROM ({_probe(dialect, f'k{i}')}) AS k{i}")
    where = "s.kind = 'direct'"
    if speaker_ids is not None:
        where += " AND s.speaker_id IN :speakers"
        params["speakers"] = speaker_ids
    stmt = _sql(speaker_ids)(f"SELECT s.id FROM ({' UNION ALL '.join(parts)}) AS hit JOIN statement s ON s.id = hit.id "
                             f"WHERE {where} GROUP BY s.id ORDER BY sum(hit.weight) DESC, s.id LIMIT :limit")
    return [int(row_id) for (row_id,) in session.execute(stmt, params)]


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
    return [int(row_id) for (row_id,) in session.execute(_sql(speaker_ids)(sql), params)]


PROBED_KEYS = 32  # claim keys whose frequency is probed, spread over the claim
KEY_COMMON = 64  # a key (word pair) held by this many quotes or more is common: its quotes are not read
RARE_KEYS = 8  # at most this many of the rarest keys are read ...
KEY_POSTINGS = 256  # ... and at most about this many quotes in all


def _spread(items: tuple[tuple[str, ...], ...], count: int) -> list[tuple[str, ...]]:
    """At most ``count`` of ``items``, evenly spaced: a long claim probes each of its parts."""
    if len(items) <= count:
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


def _key_filter(params: dict[str, Any], speaker_ids: list[int] | None) -> str:
    """The speaker condition on ``quote_key`` rows (the index holds the speaker after the key)."""
    if speaker_ids is None:
        return ""
    params["speakers"] = speaker_ids
    return " AND speaker_id IN :speakers"


def rarest_keys(db: Connection, keys: tuple[tuple[str, ...], ...], *,
                speaker_ids: list[int] | None) -> list[tuple[tuple[str, ...], int]]:
    """The claim's rarest keys that some quote (of the speakers, when given) holds, rarest
    first, with their counts: at most ``RARE_KEYS``, holding at most about ``KEY_POSTINGS``
    quotes together. Each is counted up to ``KEY_COMMON`` in ``quote_key``'s key-first
    index (one query; a common key costs ``KEY_COMMON`` index entries, never all of them)."""
    probed = _spread(keys, PROBED_KEYS)
    params: dict[str, Any] = {"cap": KEY_COMMON} | {f"k{i}": key_text(key) for i, key in enumerate(probed)}
    where = _key_filter(params, speaker_ids)
    counts = _count_each(db, [f"SELECT 1 FROM quote_key WHERE key = :k{i}{where} LIMIT :cap" for i in range(len(probed))],
                         _sql(speaker_ids), params)
    return _rarest(probed, counts, common=KEY_COMMON, most=RARE_KEYS, postings=KEY_POSTINGS)


def quotes_by_keys(db: Connection, keys: tuple[tuple[str, ...], ...], *, speaker_ids: list[int] | None,
                   limit: int) -> list[int]:
    """Ids of the ``limit`` direct quotes (with a speaker: those ``quote_key`` holds) sharing
    the most weight of the claim's rarest keys, a rarer key weighing more, most first. A
    word pair is far more selective than either word, so a few index entries suffice."""
    if speaker_ids is not None and not speaker_ids:
        return []
    rare = dict(rarest_keys(db, keys, speaker_ids=speaker_ids))
    if not rare:
        return []
    params: dict[str, Any] = {f"k{i}": key_text(key) for i, key in enumerate(rare)}
    where = _key_filter(params, speaker_ids)
    weight = {key_text(key): rarity(count, KEY_COMMON) for key, count in rare.items()}
    rows = db.execute(_sql(speaker_ids)(f"SELECT statement_id, key FROM quote_key WHERE key IN "
                                          f"({', '.join(f':k{i}' for i in range(len(rare)))}){where}"), params)
    hits: Counter[int] = Counter()
    for statement_id, key in rows:
        hits[int(statement_id)] += weight[key]
    return [sid for sid, _ in sorted(hits.items(), key=lambda item: (-item[1], item[0]))[:limit]]


__all__ = ["best_quote_per_quotation", "forget_keys", "move_keys", "quotes_by_hits", "quotes_by_keys", "ranked_quotes",
           "rarest_keys", "rarest_words", "rarity", "same_speaker_quotes", "write_keys"]
