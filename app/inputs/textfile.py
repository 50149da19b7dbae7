"""Reading one document file strictly: the decoded text, or a one-line reason why not.

Kept apart from :mod:`app.ingest` so that ``verbatim extract`` reads files without
importing the database layer (which would add seconds to every start-up).
"""

from __future__ import annotations

import codecs
from pathlib import Path

from app.inputs.errors import InputError

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class BadFileError(InputError):
    """A file that cannot be ingested; the message is the one-line reason."""


def decode_text(data: bytes) -> str:
    """Decode strictly: UTF-8, or UTF-8/16/32 with a BOM; reject binary, non-UTF-8 and blank."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise BadFileError(f"invalid {encoding.upper()} after its byte-order mark ({exc.reason})") from exc
            break
    else:
        if b"\x00" in data:
            raise BadFileError("binary file (contains NUL bytes)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadFileError(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from exc
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise BadFileError("binary file (contains NUL characters)")
    if not text:
        raise BadFileError("empty file")
    if not text.strip():
        raise BadFileError("file contains only whitespace")
    return text


def read_document(path: Path, max_bytes: int | None = None) -> str:
    """The decoded text; files over ``max_bytes`` are refused before being read (a 20 MB
    file would hold the extractor for many minutes and exceed what the API accepts)."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise BadFileError(
                f"too large: {size} bytes, the limit is {max_bytes} (VERBATIM_MAX_DOCUMENT_BYTES)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise BadFileError(exc.strerror or str(exc)) from exc
    return decode_text(data)
