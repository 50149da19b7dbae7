"""Dates: a dateline without a year takes its year from the known publication date; no guess."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.db import make_engine
from app.extract.docinfo import dateline_moment, publication_moment
from app.ingest import ingest_paths
from app.models import Document

UTC = timezone.utc


@pytest.mark.parametrize(("dateline", "published", "expected"), [
    ("22 Feb. 23:00", datetime(2022, 2, 23, 8, tzinfo=UTC), datetime(2022, 2, 22, 23, tzinfo=UTC)),
    ("31 Dec. 18:30", datetime(2024, 1, 1, tzinfo=UTC), datetime(2023, 12, 31, 18, 30, tzinfo=UTC)),
    ("Jan 2, 9.15 pm", datetime(2023, 12, 30, tzinfo=UTC), datetime(2024, 1, 2, 21, 15, tzinfo=UTC)),
    ("MOSCOW, Feb 22 (Reuters) -", datetime(2021, 2, 22, 15, tzinfo=UTC), datetime(2021, 2, 22, tzinfo=UTC)),
    ("5 March 10:00", datetime(2024, 3, 5, 12, tzinfo=timezone(timedelta(hours=1))),
     datetime(2024, 3, 5, 10, tzinfo=timezone(timedelta(hours=1)))),
    ("29 Feb. 10:00", datetime(2023, 3, 1, tzinfo=UTC), datetime(2024, 2, 29, 10, tzinfo=UTC)),
    ("22 Feb. 23:00", None, None),                       # no publication date: no year guessed
    ("February 22, 2019 23:00", datetime(2022, 2, 22, tzinfo=UTC), None),  # its own year: the extractor's
    (None, datetime(2022, 2, 22, tzinfo=UTC), None),
])
def test_dateline_moment(dateline: str | None, published: datetime | None, expected: datetime | None) -> None:
    assert dateline_moment(dateline, published) == expected


@pytest.mark.parametrize(("published", "dateline", "expected"), [
    (datetime(2022, 2, 22, tzinfo=UTC), "22 Feb. 23:00", datetime(2022, 2, 22, 23, tzinfo=UTC)),  # a date alone
    (datetime(2022, 2, 22, 7, 5, tzinfo=UTC), "22 Feb. 23:00", datetime(2022, 2, 22, 7, 5, tzinfo=UTC)),  # a time given
    (datetime(2022, 2, 23, tzinfo=UTC), "22 Feb. 23:00", datetime(2022, 2, 23, tzinfo=UTC)),  # another day
    (None, "22 Feb. 23:00", None),
])
def test_publication_moment(published: datetime | None, dateline: str, expected: datetime | None) -> None:
    assert publication_moment(published, dateline) == expected


def test_records_dates_on_both_backends(database_url: str, tmp_path: Path) -> None:
    body = '22 Feb. 23:00\\n\\n"The talks were useful," the envoy Mara Lind said after the meeting.'
    export = tmp_path / "dated.jsonl"
    export.write_text("\n".join(json.dumps(r) for r in [
        {"text": body.replace("\\n", "\n"), "title": "date alone", "published_at": "2022-02-22"},
        {"text": body.replace("\\n", "\n").replace("useful", "long"), "title": "no date"},
    ]) + "\n", encoding="utf-8")
    summary = ingest_paths([export], database_url=database_url)
    assert summary.new == 2 and not summary.failed
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            found = {d.title: d.published_at for d in session.exec(select(Document)).all()}
    finally:
        engine.dispose()
    alone = found["date alone"]
    assert alone is not None and alone.replace(tzinfo=alone.tzinfo or UTC) == datetime(2022, 2, 22, 23, tzinfo=UTC)
    assert found["no date"] is None
