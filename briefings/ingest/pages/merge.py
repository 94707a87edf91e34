"""Filling one extract's gaps from another: readability-lxml keeps the article's container whole but
drops a paragraph kept in a sibling box (a lead or sub-title set apart, a paragraph after an ad);
trafilatura, reading the page differently, often keeps it.

A line of the other extract is added when it lies between lines both extracts share (or just before
the first of them, where a lead sits), reads like a sentence, is not link text, a caption or a table
cell, and is not already there. Lines after the last shared one are left out: that is where
trafilatura picks up teasers and related stories."""

from __future__ import annotations

import bisect
import re

MIN_ANCHOR_CHARS = 15   # a shorter shared line ("(END)", "VIDEO") could match anywhere
MIN_ADDED_CHARS = 25    # a shorter line is a label or a credit more often than text
MAX_LEAD_LINES = 3      # lines taken from before the first shared one
_SENTENCE_END = re.compile(r"(?:[.!?。…]|다|요)[\"'”’)\]]*$")


def _flat(text: str) -> str:
    return "".join(text.split())


def _sentence(line: str) -> bool:
    return len(line) >= MIN_ADDED_CHARS and not line.startswith("|") and bool(_SENTENCE_END.search(line))


def fill_gaps(base: list[str], other: list[str], avoid: set[str]) -> tuple[list[str], int]:
    """`base` with `other`'s sentence lines that fall in its gaps; also how many lines were added.

    `avoid`: lines known not to be body (link texts, captions)."""
    flats = [_flat(line) for line in base]
    starts, offset = [], 0
    for flat in flats:
        starts.append(offset)
        offset += len(flat)
    joined = "".join(flats)
    avoided = "\n".join(_flat(a) for a in avoid)
    place: list[int | None] = []  # for each line of `other`: the base line holding it, if any
    for line in other:
        flat = _flat(line)
        at = joined.find(flat) if len(flat) >= MIN_ANCHOR_CHARS else -1
        place.append(bisect.bisect_right(starts, at) - 1 if at >= 0 else None)
    anchored = [i for i, p in enumerate(place) if p is not None]
    if not anchored:
        return base, 0
    first, last = anchored[0], anchored[-1]
    inserts: dict[int, list[str]] = {}
    for i in range(max(0, first - MAX_LEAD_LINES), last):
        line = other[i]
        if place[i] is not None or not _sentence(line) or line in avoid or _flat(line) in avoided:
            continue
        if _flat(line) in joined:
            continue
        after = next(p for p in place[i + 1:] if p is not None)  # exists: i < last
        inserts.setdefault(after, []).append(line)
    lines: list[str] = []
    for n, line in enumerate(base):
        lines.extend(inserts.get(n, []))
        lines.append(line)
    return lines, sum(len(v) for v in inserts.values())
