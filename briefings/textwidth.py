"""Terminal display width: Hangul and other wide characters take two columns."""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int) -> str:
    """Left-justify `text` to `size` display columns."""
    return text + " " * max(size - width(text), 0)
