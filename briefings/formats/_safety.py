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


# Markup pairs our own templates add: *bold*, _italic_, ~strike~, `code`, and Slack's <url|text>.
# A delimiter counts only at a word's edge, so `ai_dx` or `2*3` in the text stay as they are.
_PAIRS = re.compile(r"(?<![\w*_~`])([*_~])(?=\S)([^\n]*?\S)\1(?![\w*_~`])|`([^`\n]+)`")
_SLACK_LINK = re.compile(r"<(https?://[^|>\s]+)\|([^>]*)>")


def plain(text: str) -> str:
    """The text without the markup our own templates add, for plain-text fallbacks and headers."""
    text = _SLACK_LINK.sub(lambda m: m.group(2), text)
    for _ in range(3):  # nested pairs (*_x_*) unwrap one level per pass
        text = _PAIRS.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(3), text)
    return text

