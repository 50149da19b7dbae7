"""Property-based fuzzing of every endpoint against the app's own OpenAPI document.

schemathesis generates requests from ``/openapi.json`` (valid and invalid parameters and
bodies) and checks each answer: no 5xx, a documented status code and content type, and a
body that matches the declared schema. It runs twice — without a key (writes must answer
401) and with a valid key (writes really happen) — each on its own throw-away SQLite
database seeded from ``seeds/``. The example budget is fixed and generation derandomized,
so CI time is bounded and a failure reproduces.
"""

from __future__ import annotations

import os
from collections import Counter
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.config import Settings
from app.main import create_app

KEY = "schemathesis-key-4f1c"
MAX_EXAMPLES = int(os.environ.get("VERBATIM_FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
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


def call(case: schemathesis.Case, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    """Call and validate; a 5xx is a failure unless a spec the endpoint follows demands it."""
    allowed = SPEC_MANDATED_5XX.get((case.method.upper(), case.path), set())
    checks = [c for c in CHECKS if c is not not_a_server_error] if allowed else CHECKS
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
