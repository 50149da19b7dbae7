"""Reading inputs without extraction: export records per second and memory, pages per second.

    python bench/inputs.py [--records 200000] [--pages 200]

Writes a JSONL export of ``--records`` generated records to a temporary folder, reads it
back through ``app.inputs.exports.read_export`` (and the counting pass the progress bar
uses), and reports the time and the process's peak RSS before and after: streaming means
the peak does not grow with the file. Then reads ``tests/data/inputs/harbour.html``
``--pages`` times with ``app.inputs.html.read_page``. Extraction, which dominates an
ingest, is measured by bench/ingest.py.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.inputs.exports import count_records, read_export  # noqa: E402
from app.inputs.html import read_page  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.jsonl"
        with export.open("w", encoding="utf-8") as handle:
            for i in range(args.records):
                text = f"Record {i}: the minister said that the plan would cost {i} million. " * 8
                handle.write(json.dumps({"text": text, "title": f"Plan {i}", "published_at": "2024-01-02"}) + "\n")
        before = peak_mb()
        started = time.perf_counter()
        read = sum(1 for _ in read_export(export))
        reading = time.perf_counter() - started
        started = time.perf_counter()
        counted = count_records(export)
        counting = time.perf_counter() - started
        print(f"export: {export.stat().st_size / 1e6:.0f} MB, {read} records in {reading:.1f} s "
              f"({read / reading:,.0f}/s); counting pass ({counted}) {counting:.1f} s; "
              f"peak RSS {before:.0f} MB before, {peak_mb():.0f} MB after")
    page = (ROOT / "tests" / "data" / "inputs" / "harbour.html").read_bytes()
    read_page(page)  # imports and warm-up
    started = time.perf_counter()
    for _ in range(args.pages):
        read_page(page)
    print(f"pages: {args.pages / (time.perf_counter() - started):.0f}/s ({len(page)} bytes each)")


if __name__ == "__main__":
    main()
