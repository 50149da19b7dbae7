"""Text helpers every layer shares (no imports: extraction, storage and reading use them).

``comparison_key`` is the one case-insensitive form of names and phrases: the ``*_norm``
columns store it, and filters compare against it, so both sides must fold the same way.
"""

from __future__ import annotations


def collapse_whitespace(value: str) -> str:
    """Runs of whitespace (newlines included) as one space, none at the edges."""
    return " ".join(value.split())


def comparison_key(value: str) -> str:
    """Case-folded, whitespace-collapsed: "Ilham  ALIYEV" and "ilham aliyev" compare equal."""
    return collapse_whitespace(value).casefold()
