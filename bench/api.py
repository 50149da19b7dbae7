"""Load-test the read API against Datasette on the same SQLite file, one process each.

    python bench/generate.py --statements 100000 --database-url sqlite:////tmp/vb/100k.db
    python bench/api.py --database-url sqlite:////tmp/vb/100k.db \
        --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/vb_100k --output bench/out/api-100k.md

Every server (Verbatim on the SQLite file, Datasette on the same file, Verbatim on PostgreSQL
when ``--postgres-url`` is given, a bare FastAPI ceiling) runs in its own process group on
127.0.0.1 for the whole run. Scenario by scenario, the servers are driven in turn by ``wrk``
(a separate process, fixed connections and duration, a warm-up first), interleaved A B A B
for ``--rounds`` rounds, so the ratio of each pair compares runs under the same machine load;
never two at a time. The bare endpoint serialises a fixed list of 50 statement dicts with the
same orjson call the API uses, so the gap between it and Verbatim is what the database and the
query layer cost; it runs in the item's rounds, and the table ends with the item's share of it
per round.

Results: a markdown table on stdout (and in ``--output``), markdown and JSON under ``bench/out/``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DATASETTE_BIN = ROOT / "bench" / ".venv-datasette" / "bin" / "datasette"
OUT = ROOT / "bench" / "out"

# wrk prints its own summary; this script makes it print one JSON line we can parse, and
# lets a scenario pick a random id per request ("{id}" in the path) so item lookups are
# not all served from one cached page.
WRK_SCRIPT = r"""
local template, maxid = nil, 0
init = function(args)
  template = args[1]
  maxid = tonumber(args[2] or "0")
  math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1000000))
end
request = function()
  if template ~= nil and maxid > 0 then
    local path = string.gsub(template, "{id}", tostring(math.random(1, maxid)))
    return wrk.format("GET", path)
  end
  return wrk.request()
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "socket_errors": %d, "status_errors": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass
class Scenario:
    """One measured request shape; ``max_id`` > 0 turns ``{id}`` into a random id."""

    name: str
    path: str
    max_id: int = 0


@dataclass
class Result:
    target: str
    scenario: str
    workers: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    bytes_per_response: int
    path: str
    foreign_cpu: float = 0.0  # cores used by other processes during the run (noise)
    cpu_ms_per_request: float = 0.0  # server CPU (workers + its PostgreSQL backends) per request


@dataclass
class Fixture:
    """Facts about the database that the scenarios need (picked, not hard-coded)."""

    heavy_speaker_id: int
    heavy_speaker_slug: str
    heavy_speaker_count: int
    export_speaker_id: int
    export_speaker_slug: str
    export_speaker_count: int
    max_statement_id: int
    statements: int
    q: str
    extra: dict[str, Any] = field(default_factory=dict)


def inspect_database(url: str, q: str) -> Fixture:
    """The most-quoted speaker, a speaker with ~500 statements (a realistic export), ids."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        heavy = connection.execute(text(
            "SELECT id, slug, statement_count FROM speaker ORDER BY statement_count DESC, id LIMIT 1")).one()
        export = connection.execute(text(
            "SELECT id, slug, statement_count FROM speaker "
            "ORDER BY ABS(statement_count - 500), id LIMIT 1")).one()
        max_id = connection.execute(text("SELECT MAX(id) FROM statement")).scalar_one()
        total = connection.execute(text("SELECT COUNT(*) FROM statement")).scalar_one()
    engine.dispose()
    return Fixture(heavy.id, heavy.slug, heavy.statement_count, export.id, export.slug,
                   export.statement_count, max_id, total, q)


def has_fts(url: str) -> bool:
    """Whether the migrations built the statement full-text index (FTS5) in this file."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text(
            "SELECT 1 FROM sqlite_master WHERE name = 'statement_fts'")).first() is not None
    engine.dispose()
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(url: str, timeout: float = 30.0) -> tuple[int, bytes]:
    assert url.startswith("http://127.0.0.1:"), "benchmark traffic stays on loopback"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def server(command: Sequence[str], env: dict[str, str], ready_url: str, log: Path,
           timeout: float = 90.0) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` in its own process group until the block ends, even on error."""
    with log.open("wb") as log_file:
        process = subprocess.Popen(list(command), env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   start_new_session=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}; see {log}")
            try:
                status, _ = http_get(ready_url, timeout=5)
                if status < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {timeout}s; see {log}")
            time.sleep(0.3)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the whole process group (uvicorn's workers too), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's supervisor and worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """CPU seconds spent non-idle by the whole machine since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


# Process-title fragments of helpers that work for the server under test (PostgreSQL
# backends of the benchmark database show "postgres: ... root vb_pg_1m 127.0.0.1(...)").
OUR_MARKERS: list[str] = []


def marked_pids() -> list[int]:
    pids = []
    if OUR_MARKERS:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                if any(marker in title for marker in OUR_MARKERS):
                    pids.append(int(entry.name))
    return pids


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by the server under test: ``pid``, its children, its backends."""
    total = 0
    for child in set(process_tree(pid)) | set(marked_pids()):
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


def wait_for_quiet(server_pid: int, max_wait: float, threshold: float = 0.3) -> float:
    """Wait (bounded) until other processes use less than ``threshold`` cores; return it.

    The machine is shared (other people's test runs); measuring while they run would
    report their load as our latency.
    """
    deadline = time.monotonic() + max_wait
    while True:
        busy, ours = busy_seconds(), tree_cpu_seconds(server_pid)
        time.sleep(1.0)
        foreign = (busy_seconds() - busy) - (tree_cpu_seconds(server_pid) - ours)
        if foreign < threshold or time.monotonic() > deadline:
            return foreign
        time.sleep(2.0)


def memory_report(pid: int) -> list[dict[str, Any]]:
    """RSS of every process of a server, and whether spaCy is mapped into it."""
    report = []
    for child in process_tree(pid):
        try:
            status = Path(f"/proc/{child}/status").read_text()
            maps = Path(f"/proc/{child}/maps").read_text()
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
        except OSError:
            continue
        rss_kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) if "VmRSS" in status else 0
        report.append({"pid": child, "rss_mb": round(rss_kb / 1024, 1), "cmd": cmdline,
                       "spacy_loaded": "/spacy/" in maps or "/thinc/" in maps})
    return report


def run_wrk(base: str, scenario: Scenario, *, connections: int, duration: int, threads: int,
            script: Path, timeout_s: int) -> dict[str, Any]:
    """One bounded wrk run; returns its JSON summary line."""
    url = base + (scenario.path if not scenario.max_id else "/")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout_s}s",
               "-s", str(script), url, "--", scenario.path, str(scenario.max_id)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + timeout_s + 30)
    match = re.search(r"WRKJSON (\{.*\})", completed.stdout)
    if not match:
        raise RuntimeError(f"wrk failed: {completed.stdout}\n{completed.stderr}")
    return json.loads(match.group(1))


def measure(target: str, base: str, scenarios: Sequence[Scenario], workers: int,
            args: argparse.Namespace, script: Path, server_pid: int) -> list[Result]:
    """Check each scenario answers 200, warm it up, wait for a quiet machine, measure it.

    Alongside each run, the CPU used by everything but this server and wrk is recorded,
    so a noisy neighbour shows in the results instead of passing for our latency.
    """
    results = []
    for scenario in scenarios:
        probe = scenario.path.replace("{id}", str(max(1, scenario.max_id // 2)))
        status, body = http_get(base + probe, timeout=120)
        if status != 200:
            print(f"  ! {target} {scenario.name}: HTTP {status} {body[:200]!r}", file=sys.stderr)
        common = dict(connections=args.connections, threads=args.threads, script=script,
                      timeout_s=args.timeout)
        run_wrk(base, scenario, duration=args.warmup, **common)
        wait_for_quiet(server_pid, args.max_wait)
        busy, ours = busy_seconds(), tree_cpu_seconds(server_pid)
        children = os.times()
        summary = run_wrk(base, scenario, duration=args.duration, **common)
        wrk_cpu = sum(os.times()[2:4]) - sum(children[2:4])
        seconds = summary["duration_us"] / 1e6
        server_cpu = tree_cpu_seconds(server_pid) - ours
        foreign = ((busy_seconds() - busy) - server_cpu - wrk_cpu) / seconds
        requests = summary["requests"]
        result = Result(
            target=target, scenario=scenario.name, workers=workers,
            requests_per_s=round(requests / seconds, 1),
            p50_ms=round(summary["p50_us"] / 1000, 2), p99_ms=round(summary["p99_us"] / 1000, 2),
            errors=summary["socket_errors"] + summary["status_errors"],
            bytes_per_response=int(summary["bytes"] / requests) if requests else 0, path=scenario.path,
            foreign_cpu=round(max(0.0, foreign), 2),
            cpu_ms_per_request=round(server_cpu * 1000 / requests, 2) if requests else 0.0,
        )
        print(f"  {target:<22} {scenario.name:<24} {result.requests_per_s:>9.1f} req/s "
              f"p50 {result.p50_ms:>7.2f} ms  p99 {result.p99_ms:>8.2f} ms  errors {result.errors}  "
              f"CPU {result.cpu_ms_per_request:.2f} ms/req  other CPU {result.foreign_cpu:.2f} cores",
              file=sys.stderr)
        results.append(result)
    return results


def deep_page_path(base: str, first: str, pages: int, next_of: Any) -> str:
    """Follow ``next`` links from ``first`` to page ``pages``; return that page's path."""
    path = first
    for _ in range(pages - 1):
        status, body = http_get(base + path)
        if status != 200:
            raise RuntimeError(f"walking pages: HTTP {status} at {path}")
        following = next_of(json.loads(body))
        if not following:
            raise RuntimeError(f"fewer than {pages} pages at {first}")
        parsed = urllib.parse.urlsplit(following)
        path = parsed.path + ("?" + parsed.query if parsed.query else "")
    return path


def verbatim_scenarios(base: str, fx: Fixture, pages: int) -> list[Scenario]:
    deep = deep_page_path(base, "/statements?limit=10", pages, lambda page: page.get("next"))
    return [
        Scenario("by speaker", f"/statements?speaker={fx.heavy_speaker_slug}&limit=50"),
        Scenario(ITEM, "/statements/{id}", fx.max_statement_id),
        Scenario("kind, newest first", "/statements?kind=direct&sort=-published_at&limit=50"),
        Scenario(f"q={fx.q}", f"/statements?q={fx.q}&limit=50"),
        Scenario(f"deep page ({pages})", deep),
        Scenario("CSV, one speaker", f"/statements?speaker={fx.export_speaker_slug}&format=csv"),
    ]


def datasette_scenarios(base: str, db: str, fx: Fixture, pages: int, fts: bool) -> list[Scenario]:
    """Datasette's URLs for the same questions; ``q`` uses its FTS search when the index exists.

    The CSV export selects the speaker's statements through the same link table Verbatim
    reads (a joint statement counts for each of its speakers), so both send the same rows."""
    table = f"/{db}/statement"
    search = f"_search={fx.q}" if fts else f"text__contains={fx.q}"
    deep = deep_page_path(base, f"{table}.json?_size=10", pages, lambda page: page.get("next_url"))
    linked = urllib.parse.quote(
        f"id in (select statement_id from statement_speaker where speaker_id = {fx.export_speaker_id})")
    return [
        Scenario("by speaker", f"{table}.json?speaker_id={fx.heavy_speaker_id}&_size=50"),
        Scenario(ITEM, f"{table}/{{id}}.json", fx.max_statement_id),
        Scenario("kind, newest first", f"{table}.json?kind=direct&_sort_desc=published_at&_size=50"),
        Scenario(f"q={fx.q}", f"{table}.json?{search}&_size=50"),
        Scenario(f"deep page ({pages})", deep),
        Scenario("CSV, one speaker", f"{table}.csv?_where={linked}&_stream=on&_size=max"),
    ]


def uvicorn_env(url: str) -> dict[str, str]:
    env = dict(os.environ, VERBATIM_DATABASE_URL=url, PYTHONUNBUFFERED="1")
    env.pop("VERBATIM_API_KEYS", None)
    return env


def verbatim_command(port: int | str, workers: int, factory: str | None = None) -> list[str]:
    """``verbatim serve`` as users run it, or uvicorn on another app factory (a variant)."""
    verbatim = VENV_BIN / "verbatim"
    if factory:
        module_path, _, name = factory.rpartition("/")
        return [str(VENV_BIN / "python"), "-m", "uvicorn", "--factory", name, "--app-dir", module_path or ".",
                "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--no-access-log"]
    if verbatim.exists() and (ROOT / "app" / "cli.py").exists():
        return [str(verbatim), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    return [str(VENV_BIN / "python"), "-m", "uvicorn", "--factory", "app.main:create_app", "--host",
            "127.0.0.1", "--port", str(port), "--workers", str(workers), "--no-access-log"]


# --- the ceiling ---------------------------------------------------------------------------


def bare_app() -> Any:
    """FastAPI returning 50 fixed statement dicts, serialised per request like the API does."""
    import orjson
    from fastapi import FastAPI
    from starlette.responses import Response

    item = {
        "id": 4, "document_id": 1, "kind": "direct",
        "text": "We discussed issues related to energy security and the development of bilateral "
                "relations in the coming months.",
        "start_char": 866, "end_char": 980, "cue": "said", "cue_start": 985, "cue_end": 989,
        "speaker_mention": "he", "speaker_mention_start": 982, "speaker_mention_end": 984,
        "speaker": {"id": 1, "slug": "anna-novak", "name": "Anna Novak"},
        "confidence": 0.93, "paragraph": 4, "published_at": "2023-02-22T23:00:00Z",
        "url": "http://127.0.0.1/statements/4",
    }
    page = {"items": [dict(item, id=n) for n in range(1, 51)], "total": 50, "limit": 50, "next": None}
    app = FastAPI()

    @app.get("/statements")
    def statements() -> Response:
        return Response(orjson.dumps(page), media_type="application/json")

    return app


# --- orchestration -------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _cell(runs: Sequence[Result]) -> str:
    if not runs:
        return "—"
    return f"{median([r.requests_per_s for r in runs]):,.0f}"


def _latency(runs: Sequence[Result]) -> str:
    if not runs:
        return "—"
    return f"{median([r.p50_ms for r in runs]):.1f} / {median([r.p99_ms for r in runs]):.1f}"


def _cpu(runs: Sequence[Result]) -> str:
    """Server CPU per request (on PostgreSQL with the benchmark database's backends):
    steadier than req/s when other processes load the machine."""
    return f"{median([r.cpu_ms_per_request for r in runs]):.1f}" if runs else "—"


def markdown(results: Sequence[Result], title: str) -> str:
    """One row per scenario: Verbatim against Datasette on the same SQLite file, one process
    each, with the ratio of every interleaved pair; PostgreSQL (Verbatim only) beside."""
    by: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        by.setdefault((r.scenario, r.target), []).append(r)
    scenarios = list(dict.fromkeys(r.scenario for r in results))
    lines = [f"#### {title}", "",
             "| scenario | Verbatim req/s | Datasette req/s | ratio (each pair) | Verbatim p50 / p99 ms "
             "| Datasette p50 / p99 ms | CPU ms/req Verbatim / Datasette | PostgreSQL req/s "
             "| PostgreSQL p50 / p99 ms | PostgreSQL CPU ms/req | errors |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in scenarios:
        ours, theirs = by.get((name, VERBATIM), []), by.get((name, DATASETTE), [])
        pg = by.get((name, POSTGRES), [])
        bare = by.get((name, BARE), [])
        pairs = [a.requests_per_s / b.requests_per_s for a, b in zip(ours, theirs) if b.requests_per_s]
        ratio = " / ".join(f"{p:.2f}×" for p in pairs) or "—"
        errors = sum(r.errors for r in ours + theirs + pg + bare)
        if bare:
            lines.append(f"| {name} | {_cell(bare)} | — | — | {_latency(bare)} | — | {_cpu(bare)} | — | — "
                         f"| — | {errors} |")
            continue
        lines.append(f"| {name} | {_cell(ours)} | {_cell(theirs)} | {ratio} | {_latency(ours)} | "
                     f"{_latency(theirs)} | {_cpu(ours)} / {_cpu(theirs)} | {_cell(pg)} | {_latency(pg)} | {_cpu(pg)} "
                     f"| {errors} |")
    items, ceilings = by.get((ITEM, VERBATIM), []), by.get((CEILING, BARE), [])
    shares = [a.requests_per_s / b.requests_per_s for a, b in zip(items, ceilings) if b.requests_per_s]
    if shares:
        lines += ["", "Item by id against the bare ceiling, each interleaved round: "
                      + " / ".join(f"{share:.1%}" for share in shares) + "."]
    other = [r.foreign_cpu for r in results]
    lines += ["", f"Other processes used {median(other):.2f} cores (median; max {max(other):.2f}) "
                  "while these ran; req/s are medians of the interleaved rounds."]
    return "\n".join(lines)


VERBATIM, DATASETTE, POSTGRES, BARE = "Verbatim", "Datasette", "Verbatim (PostgreSQL)", "bare FastAPI"
ITEM, CEILING = "item by id", "bare ceiling (50 items)"


@dataclass
class Target:
    """A running server and the URL of each scenario on it."""

    name: str
    base: str
    pid: int
    scenarios: dict[str, Scenario]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("VERBATIM_DATABASE_URL"),
                        help="a SQLite database filled by bench/generate.py (Datasette serves the same file)")
    parser.add_argument("--postgres-url", default=None,
                        help="the same corpus on PostgreSQL: Verbatim figures beside (optional)")
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn workers of each Verbatim server (the headline is 1, like Datasette)")
    parser.add_argument("--targets", default="verbatim,datasette,postgres,bare",
                        help="which servers to run (postgres needs --postgres-url)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved A B A B rounds per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (the CPU is shared)")
    parser.add_argument("--duration", type=int, default=8, help="seconds measured per run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per run")
    parser.add_argument("--timeout", type=int, default=5, help="wrk per-request timeout, seconds")
    parser.add_argument("--max-wait", type=float, default=30,
                        help="seconds to wait for other processes to go quiet before each run")
    parser.add_argument("--pages", type=int, default=1000, help="page number of the deep-page scenario")
    parser.add_argument("--q", default="pipeline", help="the full-text filter term")
    parser.add_argument("--scenarios", default="", help="comma-separated name prefixes to keep")
    parser.add_argument("--factory", default=None,
                        help="measure a variant: DIR/module:create_app instead of `verbatim serve`")
    parser.add_argument("--label", default="", help="title of the table (default: the database)")
    parser.add_argument("--output", default=None, help="also write the markdown table to this file")
    parser.add_argument("--render", default=None, metavar="JSON",
                        help="print the markdown table of an earlier run's JSON file, and stop")
    args = parser.parse_args(argv)
    if args.render:
        saved = json.loads(Path(args.render).read_text())
        print(markdown([Result(**r) for r in saved["results"]], args.label or saved["label"]))
        return
    if not args.database_url or not args.database_url.startswith("sqlite"):
        parser.error("--database-url (or VERBATIM_DATABASE_URL) must name a SQLite file")
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk)")
    url: str = args.database_url
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    keep = [s.strip() for s in args.scenarios.split(",") if s.strip()]

    def chosen(scenarios: list[Scenario]) -> dict[str, Scenario]:
        return {s.name: s for s in scenarios if not keep or any(s.name.startswith(k) for k in keep)}

    if args.postgres_url:
        OUR_MARKERS.append(f" {urllib.parse.urlsplit(args.postgres_url).path.lstrip('/')} ")
    fx = inspect_database(url, args.q)
    path = Path(url.split("sqlite:///", 1)[1])
    label = args.label or f"{path.name}: {fx.statements:,} statements"
    print(f"{label}: heaviest speaker {fx.heavy_speaker_slug} ({fx.heavy_speaker_count:,}); "
          f"export speaker {fx.export_speaker_slug} ({fx.export_speaker_count:,})", file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    memory: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="verbatim-bench-") as tmp, ExitStack() as servers:
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_SCRIPT)
        running: list[Target] = []

        def start(name: str, command: list[str], env: dict[str, str], ready: str, log: str) -> tuple[str, int]:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            proc = servers.enter_context(server([c.replace("{port}", str(port)) for c in command], env,
                                                base + ready, OUT / log))
            time.sleep(1.0)  # every worker up, not just the first
            return base, proc.pid

        if "verbatim" in targets:
            base, pid = start(VERBATIM, verbatim_command("{port}", args.workers, args.factory), uvicorn_env(url),
                              "/statements?limit=1", "verbatim-server.log")
            running.append(Target(VERBATIM, base, pid, chosen(verbatim_scenarios(base, fx, args.pages))))
        if "datasette" in targets:
            # Facet suggestions cost ~2 s a page at 1M rows; an operator serving a big table
            # turns them off, so the peer is measured at its best.
            command = [str(DATASETTE_BIN), "serve", str(path), "--host", "127.0.0.1", "--port", "{port}",
                       "--setting", "suggest_facets", "off"]
            base, pid = start(DATASETTE, command, dict(os.environ), "/-/versions.json", "datasette-server.log")
            running.append(Target(DATASETTE, base, pid,
                                  chosen(datasette_scenarios(base, path.stem, fx, args.pages, has_fts(url)))))
        if "postgres" in targets and args.postgres_url:
            pg_fx = inspect_database(args.postgres_url, args.q)
            base, pid = start(POSTGRES, verbatim_command("{port}", args.workers, args.factory),
                              uvicorn_env(args.postgres_url), "/statements?limit=1", "verbatim-pg-server.log")
            running.append(Target(POSTGRES, base, pid, chosen(verbatim_scenarios(base, pg_fx, args.pages))))
        names_kept = {name for target in running for name in target.scenarios}
        if "bare" in targets:
            command = [str(VENV_BIN / "python"), "-m", "uvicorn", "--factory", "api:bare_app",
                       "--app-dir", str(ROOT / "bench"), "--host", "127.0.0.1", "--port", "{port}",
                       "--workers", str(args.workers), "--no-access-log", "--log-level", "warning"]
            base, pid = start(BARE, command, uvicorn_env(url), "/statements", "bare-server.log")
            # measured in the item's rounds (A B C A B C), so the item's share of the ceiling
            # compares runs under the same machine load
            ceiling = Scenario(CEILING, "/statements")
            running.append(Target(BARE, base, pid, {ITEM if ITEM in names_kept else CEILING: ceiling}))
        for name in list(dict.fromkeys(name for target in running for name in target.scenarios)):
            for _ in range(args.rounds):  # A B A B: both servers see the same machine load
                for target in running:
                    if name in target.scenarios:
                        results += measure(target.name, target.base, [target.scenarios[name]], args.workers,
                                           args, script, target.pid)
        for target in running:
            memory[target.name] = memory_report(target.pid)
    table = markdown(results, label)
    print(table)
    for name, processes in memory.items():
        for p in processes:
            print(f"RSS {name} pid {p['pid']}: {p['rss_mb']} MB spacy_loaded={p['spacy_loaded']} "
                  f"({p['cmd'][:70]})", file=sys.stderr)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60]
    (OUT / f"api-{slug}-{stamp}.md").write_text(table + "\n")
    if args.output:
        Path(args.output).write_text(table + "\n")
    (OUT / f"api-{slug}-{stamp}.json").write_text(json.dumps(
        {"label": label, "fixture": asdict(fx), "args": vars(args),
         "results": [asdict(r) for r in results], "memory": memory}, indent=2))


if __name__ == "__main__":
    main()
