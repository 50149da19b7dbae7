"""Quotations are kept current by ingestion, re-extraction and deletion (SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.models import Quotation, Statement
from app.store import delete_document, ingest_text
from tests.provenance.conftest import Article, groups

BRIDGE = "We will rebuild the old harbour bridge before the winter comes, and nobody will stop us."
TAXES = "Local taxes will not rise while I am mayor of this city."

A = Article('Ines Varga spoke on Monday. “We will rebuild the old harbour bridge before the winter comes, '
            'and nobody will stop us.” The council did not comment.', "2024-05-06T10:00:00+02:00",
            (("ines-varga", BRIDGE),))
B = Article("Ines Varga, the mayor, said: 'we will rebuild the old harbour bridge before the winter comes — "
            "and nobody will stop us!' She left without questions.", "2024-05-03",
            (("ines-varga", "we will rebuild the old harbour bridge before the winter comes — and nobody will stop us!"),))
C = Article('Ines Varga promised to "rebuild the old harbour bridge" and added: "Local taxes will not rise '
            'while I am mayor of this city."', None,
            (("ines-varga", "rebuild the old harbour bridge"), ("ines-varga", TAXES)))
D = Article('Omar Haddad mocked the plan. "We will rebuild the old harbour bridge before the winter comes, '
            'and nobody will stop us," he said, imitating the mayor.', "2024-05-08",
            (("omar-haddad", BRIDGE[:-1] + ","),))


def quotation_of(engine: Engine, text: str, speaker_slug: str | None = None) -> Quotation:
    with Session(engine) as session:
        qid = session.exec(select(Statement.quotation_id).where(Statement.text == text)).first()
        return session.get(Quotation, qid)  # type: ignore[return-value]


def stored_in_order(engine: Engine, store_article: Callable[[Article], int],
                    order: tuple[Article, ...]) -> set[frozenset[str]]:
    """The quotations after emptying the database and storing ``order`` one by one."""
    with Session(engine) as session:
        for doc in session.exec(select(Statement.document_id).distinct()).all():
            delete_document(session, doc)
    for article in order:
        store_article(article)
    return groups(engine)


def test_one_quotation_across_articles_with_the_right_first_seen(
    engine: Engine, store_article: Callable[[Article], int]
) -> None:
    for article in (A, B, C, D):
        store_article(article)
    bridge = quotation_of(engine, BRIDGE)
    # A, B and C's partial quote are one quotation; Haddad saying the same words is another
    assert groups(engine) == {
        frozenset({BRIDGE, B.quotes[0][1], "rebuild the old harbour bridge"}),
        frozenset({TAXES}),
        frozenset({D.quotes[0][1]}),
    }
    with Session(engine) as session:
        varga = session.exec(select(Quotation).where(Quotation.occurrence_count == 3)).one()
        assert varga.document_count == 3
        assert varga.first_seen is not None
        assert varga.first_seen.replace(tzinfo=varga.first_seen.tzinfo or timezone.utc) == datetime(
            2024, 5, 3, tzinfo=timezone.utc)  # B: the earliest date; C has none
        assert varga.text == B.quotes[0][1]  # the longest occurrence
        haddad = session.exec(select(Quotation).where(Quotation.text == D.quotes[0][1])).one()
        assert haddad.occurrence_count == 1 and haddad.speaker_id != varga.speaker_id
    assert bridge is not None


def test_any_ingestion_order_gives_the_same_quotations(engine: Engine, store_article: Callable[[Article], int]) -> None:
    outcomes = [stored_in_order(engine, store_article, order) for order in [(A, B, C, D), (C, D, B, A), (D, C, A, B)]]
    assert all(found == outcomes[0] for found in outcomes)


def test_a_quote_bridging_two_quotations_merges_them_and_deleting_it_splits_them(
    engine: Engine, store_article: Callable[[Article], int]
) -> None:
    first = Article('Ines Varga said: "We will rebuild the old harbour bridge."', "2024-01-01",
                    (("ines-varga", "We will rebuild the old harbour bridge."),))
    second = Article('Ines Varga said: "Nobody will stop us from cleaning the river."', "2024-01-02",
                     (("ines-varga", "Nobody will stop us from cleaning the river."),))
    both = Article('Ines Varga said: "We will rebuild the old harbour bridge. Nobody will stop us from '
                   'cleaning the river."', "2024-01-03",
                   (("ines-varga", "We will rebuild the old harbour bridge. Nobody will stop us from cleaning the river."),))
    ids = [store_article(a) for a in (first, second)]
    assert len(groups(engine)) == 2
    bridge_id = store_article(both)
    assert len(groups(engine)) == 1
    with Session(engine) as session:
        assert session.exec(select(Quotation.occurrence_count)).all() == [3]
        assert delete_document(session, bridge_id)
    assert len(groups(engine)) == 2
    with Session(engine) as session:
        assert delete_document(session, ids[0])
    assert groups(engine) == {frozenset({"Nobody will stop us from cleaning the river."})}


def test_deleting_a_document_updates_the_counts(engine: Engine, store_article: Callable[[Article], int]) -> None:
    a_id, b_id, _ = (store_article(x) for x in (A, B, C))
    with Session(engine) as session:
        assert delete_document(session, b_id)
    bridge = quotation_of(engine, BRIDGE)
    assert (bridge.occurrence_count, bridge.document_count) == (2, 2)
    assert bridge.first_seen is not None and bridge.first_seen.day == 6  # A now comes first
    assert bridge.text == BRIDGE
    with Session(engine) as session:
        assert delete_document(session, a_id)
    assert quotation_of(engine, "rebuild the old harbour bridge").occurrence_count == 1


def test_reextraction_and_a_new_date_regroup_in_place(engine: Engine, store_article: Callable[[Article], int]) -> None:
    for article in (A, B):
        store_article(article)
    before = quotation_of(engine, BRIDGE)
    with Session(engine) as session:  # re-extract: same statements, same quotation
        ingest_text(session, A.text, reextract=True)
    assert quotation_of(engine, BRIDGE).id == before.id
    with Session(engine) as session:  # A is dated earlier than B now
        ingest_text(session, A.text, published_at="2024-04-01")
    assert quotation_of(engine, BRIDGE).first_seen.month == 4  # type: ignore[union-attr]


def test_different_quotes_of_one_speaker_stay_apart(engine: Engine, store_article: Callable[[Article], int]) -> None:
    quotes = ["Local taxes will not rise while I am mayor of this city.",
              "Local buses will run every ten minutes from June.",
              "The harbour will stay open to fishermen."]
    text = "Ines Varga said: " + " ".join(f'"{q}"' for q in quotes)
    store_article(Article(text, "2024-02-02", tuple(("ines-varga", q) for q in quotes)))
    assert groups(engine) == {frozenset({q}) for q in quotes}


def test_order_independence_over_many_permutations(engine: Engine, store_article: Callable[[Article], int]) -> None:
    """Every order of five related or unrelated quotes, incl. a bridge, ends the same."""
    texts = ["We will rebuild the old harbour bridge.", "Nobody will stop us from cleaning the river.",
             "We will rebuild the old harbour bridge. Nobody will stop us from cleaning the river.",
             "We will rebuild the old harbor bridge", "The river festival returns in August."]
    articles = [Article(f'Ines Varga said: "{t}" ({i})', f"2024-03-0{i + 1}", (("ines-varga", t),))
                for i, t in enumerate(texts)]
    orders = itertools.islice(itertools.permutations(articles), 0, 120, 23)
    outcomes = [stored_in_order(engine, store_article, order) for order in orders]
    assert all(found == {frozenset(texts[:4]), frozenset({texts[4]})} for found in outcomes)
