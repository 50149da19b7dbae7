"""Ingestion bad-file matrix: ``verbatim ingest FOLDER`` over broken and odd files.

Each bad file is reported by name with a reason, each odd-but-valid file is stored
correctly, and the rest of the batch is stored whatever its neighbours contain.
"""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from robust_db import violations

VERBATIM = str(Path(sys.executable).with_name("verbatim"))
GOOD = 'The minister said that the bridge will open in May. "It is ready," she added.'

# name -> (bytes, expected reason fragment, or None when the file must be stored)
FILES: dict[str, tuple[bytes, str | None]] = {
    "good.txt": (GOOD.encode(), None),
    "utf16_le_bom.txt": (codecs.BOM_UTF16_LE + "Officials said the talks ended.".encode("utf-16-le"), None),
    "utf16_be_bom.txt": (codecs.BOM_UTF16_BE + "Officials said the vote was delayed.".encode("utf-16-be"), None),
    "utf8_bom.txt": (codecs.BOM_UTF8 + "The mayor said that roads reopen Monday.".encode(), None),
    "crlf.txt": ('Line one.\r\n\r\n"We are ready," the coach said.\r\n'.encode(), None),
    "unbalanced_quotes.txt": ('The senator said "this will never end. Officials noted that it rained.\n\n'
                              'Then "another opening.'.encode(), None),
    "nested_quotes.txt": ('"She told me \'we will win\' yesterday," he said. \u201cHe said \u2018no\u2019 '
                          'twice,\u201d she recalled. \u00abNous verrons\u00bb, a dit le ministre.'.encode(), None),
    "apostrophes.txt": ("The country\u2019s leaders\u2019 plan, the minister said, is \u2018final\u2019.".encode(), None),
    "quotes_only.txt": ('"""" \u201c\u201d \u00ab\u00bb \'\''.encode(), None),
    "no_statements.txt": (b"The river is 300 kilometres long. It flows north through three provinces.", None),
    "odd_unicode.txt": ("\u202eThe envoy\u200b said that \U0001d400 talks \ufb01nished. \u0130stanbul.".encode(), None),
    "one_word.txt": (b"Hello", None),
    "invalid_utf8.txt": ("Le ministre a d\u00e9clar\u00e9".encode("latin-1"), "UTF-8"),
    "truncated_utf8.txt": ("caf\u00e9".encode()[:-1], "UTF-8"),
    "bad_utf16.txt": (codecs.BOM_UTF16_LE + b"\x00\xd8\x41\x00", "UTF-16"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    "nul_in_text.txt": (b"The minister said\x00 hello.", "binary"),
    "empty.txt": (b"", "empty"),
    "whitespace.txt": (" \n\t\r\n  \u3000".encode(), "whitespace"),
    "huge.txt": (b"", "too large"),  # written separately: 20 MB of text
}


def _write_batch(folder: Path) -> None:
    folder.mkdir()
    for name, (data, _) in FILES.items():
        (folder / name).write_bytes(data)
    sentence = b"The spokesman said that the committee will meet again next week. "
    with open(folder / "huge.txt", "wb") as handle:
        for _ in range(20 * 1024 * 1024 // len(sentence) + 1):
            handle.write(sentence)
    (folder / "not_text.md").write_text("ignored: not a .txt file")
    (folder / "dir.txt").mkdir()  # a directory with a .txt name is not a document


def test_bad_files_are_reported_and_the_rest_is_stored(database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    _write_batch(folder)
    env = {**os.environ, "VERBATIM_DATABASE_URL": database_url, "COLUMNS": "200"}
    run = subprocess.run([VERBATIM, "ingest", str(folder)], capture_output=True,
                         text=True, env=env, timeout=600, cwd=Path(__file__).resolve().parents[2])
    bad = {name: reason for name, (_, reason) in FILES.items() if reason}
    stored = {name for name, (_, reason) in FILES.items() if not reason}
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    skipped = {line.split(": ", 1)[0].split()[-1]: line.split(": ", 1)[1]
               for line in run.stderr.splitlines() if line.startswith("skipped ")}
    assert {Path(name).name for name in skipped} == set(bad), run.stderr
    for name, reason in skipped.items():
        assert bad[Path(name).name].lower() in reason.lower(), (name, reason)

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, source, text FROM document")).all()
        statements = connection.execute(
            text("SELECT s.start_char, s.end_char, s.text, d.text, s.fragments FROM statement s "
                 "JOIN document d ON d.id = s.document_id")).all()
        counts = dict(connection.execute(text("SELECT source, statement_count FROM document")).all())
    engine.dispose()
    assert {source for _, source, _ in rows} == stored
    texts = {source: body for _, source, body in rows}
    assert texts["utf16_le_bom.txt"] == "Officials said the talks ended."
    assert texts["utf16_be_bom.txt"] == "Officials said the vote was delayed."
    assert texts["utf8_bom.txt"].startswith("The mayor") and "\r" not in texts["crlf.txt"]
    assert counts["no_statements.txt"] == 0 and counts["good.txt"] >= 1
    for start, end, quoted, body, fragments in statements:
        if not fragments:
            assert body[start:end] == quoted  # spans index the stored text exactly
    assert not violations(database_url)

    again = subprocess.run([VERBATIM, "ingest", str(folder)], capture_output=True,
                           text=True, env=env, timeout=600, cwd=Path(__file__).resolve().parents[2])
    assert again.returncode == 1 and "Traceback" not in again.stderr
    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM document")).scalar_one() == len(stored)
    engine.dispose()
