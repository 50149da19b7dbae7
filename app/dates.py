"""Instants accepted from clients: strict ISO 8601, in a range every layer can hold.

One definition for every date a client sends (list filters, a posted document's
``published_at``, a decoded cursor). Two traps it closes:

- pydantic's own ``datetime`` reads numbers and digit strings as Unix timestamps
  (``20230222`` became 1970-08-23), and Python's ``fromisoformat`` reads ``20230222`` as
  the basic format; only the extended form ``YYYY-MM-DD[Thh:mm[:ss[.f]][offset]]`` is a
  date here;
- a valid ISO value near year 1 or 9999 overflows when moved to UTC
  (``9999-12-31T23:59:59-14:00``), or renders outside year 1-9999 in a database session
  with another time zone. Accepted instants therefore keep a day's margin inside Python's
  range.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from app.models import as_utc

ISO_8601 = re.compile(
    r"\d{4}-\d{2}-\d{2}"  # the date, extended form only
    r"(?:[T ]\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?"  # optional time
    r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?"  # optional offset, only after a time
)
EARLIEST = datetime.min.replace(tzinfo=timezone.utc) + timedelta(days=1)
LATEST = datetime.max.replace(tzinfo=timezone.utc) - timedelta(days=1)


def parse_instant(value: Any) -> datetime:
    """``value`` as an aware UTC datetime; ``ValueError`` unless it is an ISO 8601 string
    (date, or date and time; no offset means UTC) within the supported range."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and ISO_8601.fullmatch(value.strip()):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a valid date or time") from None
    else:
        raise ValueError("expected an ISO 8601 date or date-time string such as 2023-02-22 "
                         "or 2023-02-22T23:00:00+03:00 (numbers are not dates)")
    try:
        utc: datetime | None = as_utc(moment)
    except ValueError:  # beyond year 1-9999 once moved to UTC
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise ValueError(f"dates must fall between {EARLIEST.date()} and {LATEST.date()} (UTC)")
    return utc


IsoDateTime = Annotated[
    datetime,
    BeforeValidator(parse_instant),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}],
                    "description": "ISO 8601 date or date-time (UTC if no offset), 0001-01-02 to 9999-12-30."}),
]
"""A client-given instant: see :func:`parse_instant`."""
