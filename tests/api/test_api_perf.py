"""Performance-shaped regressions: things a benchmark found, pinned so they stay fixed."""

from __future__ import annotations

import subprocess
import sys


def test_reading_workers_do_not_import_spacy() -> None:
    """spaCy costs ~57 MB per worker; only extraction needs it, so app.main must not load it."""
    code = "import app.main, sys; assert 'spacy' not in sys.modules, 'spacy imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
