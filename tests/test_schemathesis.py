"""Property-based fuzzing of every endpoint against the app's own OpenAPI document.

schemathesis generates requests from ``/openapi.json`` (valid and invalid parameters and
bodies) and checks each answer: no 5xx, a documented status code and content type, and a
body that matches the declared schema — every check ``schemathesis --checks all`` runs
(negative data rejected, positive data accepted, auth not ignored, ...) and ours: no
number is ever accepted as a date. It runs twice — without a key (writes must answer
401) and with a valid key (writes really happen) — each on its own throw-away SQLite
database seeded from ``seeds/``. The example budget is fixed and generation derandomized,
so CI time is bounded and a failure reproduces.
"""

from __future__ import annotations

import os
import re
from collections import Counter
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks, not_a_server_error, positive_data_acceptance

from app.config import Settings
from app.main import create_app

KEY = "schemathesis-key-4f1c"
MAX_EXAMPLES = int(os.environ.get("VERBATIM_FUZZ_EXAMPLES", "12"))
DATE_FIELDS = {"published_after", "published_before", "published_at"}
NUMERIC = re.compile(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?")


def no_accepted_integer_date(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """A number, or a string of digits, sent as a date must never be accepted: pydantic's
    datetime used to read ``20230222`` as a Unix timestamp (1970-08-23)."""
    sent = {**(case.query or {})}
    if isinstance(case.body, dict):
        sent.update(case.body)
    for name in DATE_FIELDS & set(sent):
        values = sent[name] if isinstance(sent[name], list) else [sent[name]]
        for value in values:
            numeric = isinstance(value, (int, float)) or (isinstance(value, str) and NUMERIC.fullmatch(value.strip()))
            if numeric and response.status_code < 400:
                raise AssertionError(f"{name}={value!r} was accepted as a date ({response.status_code})")
    return None


# `schemathesis --checks all`: every registered check, plus ours
load_all_checks()
CHECKS = [*REGISTERED_CHECKS.get_all(), no_accepted_integer_date]
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CALLS: dict[str, int] = {"anonymous": 0, "keyed": 0}
STATUSES: Counter[tuple[str, str, int]] = Counter()


def _app(name: str):  # type: ignore[no-untyped-def]
    """An app on a new SQLite file; the schema loads now, the data is seeded by a fixture."""
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix=f'verbatim-fuzz-{name}-')) / 'fuzz.db'}"
    return create_app(Settings(database_url=url, api_keys=[KEY], access_log=False, request_timeout_seconds=0))


APPS = {"anonymous": _app("anonymous"), "keyed": _app("keyed")}
anonymous = schemathesis.openapi.from_asgi("/openapi.json", APPS["anonymous"])
keyed = schemathesis.openapi.from_asgi("/openapi.json", APPS["keyed"])


@pytest.fixture(scope="module", autouse=True)
def seeded() -> Iterator[None]:
    from app.ingest import ingest_paths

    for app in APPS.values():
        url = app.state.settings.database_url
        assert not ingest_paths([SEEDS], database_url=url).failed
    yield
    for app in APPS.values():
        app.state.engine.dispose()
        shutil.rmtree(Path(app.state.settings.database_url.removeprefix("sqlite:///")).parent, ignore_errors=True)


BUDGET = settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))


# oEmbed 1.0 §2.3: an unsupported `format` MUST be answered with 501 Not Implemented.
SPEC_MANDATED_5XX = {("GET", "/oembed"): {501}}


def beyond_the_schema(case: schemathesis.Case) -> str | None:
    """Why a schema-valid request may rightly be refused, when the schema cannot say it.

    Only ``positive_data_acceptance`` is skipped for such a request; every other check runs.
    """
    query = case.query or {}
    if query.get("cursor"):
        return "a cursor is valid only if this deployment signed it (the schema cannot check a MAC)"
    sent = {**query, **(case.body if isinstance(case.body, dict) else {})}
    if any(isinstance(sent.get(name), str) and sent[name].startswith(("0000", "0001", "9999"))
           for name in DATE_FIELDS):
        return "a date must stay within years 1-9999 in UTC at any offset (format: date-time has no range)"
    body = case.body if isinstance(case.body, (str, bytes)) else str(sent.get("text", ""))
    if "\x00" in (body.decode("utf-8", "replace") if isinstance(body, bytes) else body):
        return "NUL cannot be stored in PostgreSQL text, so a body with one is a 422 on every backend"
    if any("\x00" in str(value) for value in query.values()):
        return "NUL cannot be compared with PostgreSQL text, so a parameter with one is a 422 on every backend"
    if isinstance(case.body, dict) and case.body.get("url") is not None:
        return "fetching a URL is off unless the operator enables it (VERBATIM_FETCH_ENABLED)"
    if case.path == "/quotes/match" and not any(ch.isalnum() for ch in str(query.get("text", ""))):
        return "a claimed quote needs a letter or digit to compare (a 422 problem says so)"
    if (getattr(case, "media_type", None) or "").startswith("text/html"):
        return "a page in which no article text is found is a 422 (a schema cannot say what an article is)"
    q = query.get("q")
    full_text = not case.path.startswith(("/speakers", "/declarations")) or case.path.endswith(("statements", "quotes"))
    if isinstance(q, str) and q.strip() and full_text and not any(ch.isalnum() for ch in q):
        return "a full-text query needs a letter or digit (a 400 problem says so)"
    return None


def call(case: schemathesis.Case, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    """Call and validate; a 5xx is a failure unless a spec the endpoint follows demands it."""
    allowed = SPEC_MANDATED_5XX.get((case.method.upper(), case.path), set())
    checks = [c for c in CHECKS if c is not not_a_server_error] if allowed else CHECKS
    if beyond_the_schema(case):
        checks = [c for c in checks if c is not positive_data_acceptance]
    response = case.call_and_validate(headers=headers, checks=checks)
    STATUSES[(case.method.upper(), case.path, response.status_code)] += 1
    assert response.status_code < 500 or response.status_code in allowed, response.text
    return response


@anonymous.parametrize()
@BUDGET
def test_fuzz_without_key(case: schemathesis.Case) -> None:
    response = call(case, {})
    CALLS["anonymous"] += 1
    if case.method.upper() in ("POST", "DELETE") and case.path.startswith("/documents"):
        assert response.status_code in (401, 404, 405, 413, 415, 422), response.text  # never stored


@keyed.parametrize()
@BUDGET
def test_fuzz_with_key(case: schemathesis.Case) -> None:
    call(case, {"Authorization": f"Bearer {KEY}"})
    CALLS["keyed"] += 1


def test_zz_report_fuzz_budget(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints how many requests the two fuzzing runs sent (run with -s to see it)."""
    with capsys.disabled():
        print(f"\nschemathesis calls: {CALLS}")
        for (method, path, status), count in sorted(STATUSES.items()):
            print(f"  {method:6} {path:45} {status}: {count}")
