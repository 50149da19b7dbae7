"""The one error every input reader raises for input it cannot use."""

from __future__ import annotations


class InputError(ValueError):
    """A file, record, page or URL that cannot be ingested; the message is the one-line reason."""
