"""Text safety shared by formats: no mention can fire, nothing exceeds a platform limit."""

from __future__ import annotations

import re
import unicodedata

ZWSP = "\u200b"
TRUNCATION_MARK = "… (잘림)"
_MASS_MENTION = re.compile(r"@(everyone|here|channel)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def defuse_mentions(text: str) -> str:
    """'@everyone' → '@\u200beveryone': shown the same, never a ping."""
    return _MASS_MENTION.sub(lambda m: "@" + ZWSP + m.group(1), text)


def clean_text(text: str) -> str:
    return _CONTROL.sub("", unicodedata.normalize("NFC", text))


def truncate(text: str, limit: int, mark: str = TRUNCATION_MARK) -> str:
    """Cut to `limit` characters on a word boundary where one is near, ending with a marker."""
    if len(text) <= limit:
        return text
    room = limit - len(mark)
    cut = text[:room]
    space = cut.rfind(" ")
    if space > room * 0.8:
        cut = cut[:space]
    return cut.rstrip() + mark


def plain(text: str) -> str:
    """Strip the markup our own templates add, for plain-text fallbacks."""
    return re.sub(r"[*_`]", "", text)

