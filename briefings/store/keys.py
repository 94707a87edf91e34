"""Article keys: (days since 1900-01-01 << 20) | sequence, so newest first is ORDER BY key DESC."""

from __future__ import annotations

from datetime import date, timedelta

from briefings.store.base import ArticleFilter

EPOCH = date(1900, 1, 1)
SEQ_BITS = 20
MAX_SEQ = (1 << SEQ_BITS) - 1


def day_number(day: date) -> int:
    return (day - EPOCH).days + 1


def day_of(number: int) -> date | None:
    """The date of a day number (None for 0, the undated articles' day)."""
    return EPOCH + timedelta(days=number - 1) if number > 0 else None


def key_range(flt: ArticleFilter) -> tuple[int, int]:
    """The article-key range a date filter allows (undated articles sit at day 0)."""
    low = day_number(flt.since) << SEQ_BITS if flt.since else 0
    high = (day_number(flt.until) << SEQ_BITS) | MAX_SEQ if flt.until else (1 << 62)
    if flt.since or flt.until:
        low = max(low, 1 << SEQ_BITS)
    return low, high
