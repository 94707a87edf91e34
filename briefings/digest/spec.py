"""A digest spec: what to include, how to group it, over which window. Loaded from YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from briefings.periods import EXAMPLES, relative_days

_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """An inclusive date range, or None bounds for "all"."""

    start: date | None
    end: date | None
    ingested_after: datetime | None = None  # since-last: articles archived after the last delivery...
    ingested_until: datetime | None = None  # ...and, for a scheduled digest, up to its slot

    def label(self) -> str:
        if self.start is None and self.end is None:
            return "all dates"
        return f"{self.start or '…'} – {self.end or '…'}"

    def date_bounds(self) -> tuple[date | None, date | None]:
        """The publication dates to read: a since-last window is decided by arrival alone, so an article
        that arrives late with an old date (or none) still reaches the next digest, once."""
        if self.ingested_after is not None:
            return None, None
        return self.start, self.end

    def previous(self) -> Period | None:
        if self.start is None or self.end is None:
            return None
        length = (self.end - self.start).days + 1
        return Period(self.start - timedelta(days=length), self.start - timedelta(days=1))


def parse_window(text: str) -> str:
    """Validate a window: 'all', 'since-last', '7d'/'last 7 days', or 'YYYY-MM-DD..YYYY-MM-DD'."""
    value = text.strip()
    if value in ("all", "since-last"):
        return value
    if days := relative_days(value):
        if days > MAX_WINDOW_DAYS:
            raise ValueError(f"window {value!r} is too long: at most {MAX_WINDOW_DAYS // 365} years")
        return value
    if m := _RANGE.match(value):
        start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        if end < start:
            raise ValueError(f"window ends before it starts: {value!r}")
        return value
    raise ValueError(f"unknown window {value!r}: use all, since-last, a length such as {EXAMPLES}, "
                     "or YYYY-MM-DD..YYYY-MM-DD")


MAX_WINDOW_DAYS = 100 * 365  # longer reaches before any news archive (and past the calendar's start)


def resolve_window(window: str, now: datetime, last_delivery: datetime | None, fallback_days: int = 1,
                   as_of: datetime | None = None) -> Period:
    """The window's dates in `now`'s timezone (the channel's, for a channel's digest).

    `since-last` is bounded by ingestion time, not by date: an article belongs to the first digest
    composed after it was archived, so consecutive digests neither overlap nor leave a gap. `as_of`
    (a scheduled slot) bounds what any window sees, so a digest recomposed after a restart is the same.
    """
    until = as_of
    if window == "all":
        return Period(None, None, None, until)
    today = now.date()
    if window == "since-last":
        after = last_delivery or now - timedelta(days=fallback_days)
        return Period(after.astimezone(now.tzinfo).date(), today, after, until)
    if days := relative_days(window):
        return Period(today - timedelta(days=days - 1), today, None, until)
    m = _RANGE.match(window)
    assert m, window  # validated at load
    return Period(date.fromisoformat(m[1]), date.fromisoformat(m[2]), None, until)


class DigestSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    group: Literal["theme", "company", "grid"] = "theme"
    companies: list[str] = []  # empty: every company in the taxonomy
    themes: list[str] = []  # empty: every theme
    include_keywords: list[str] = []  # an article must contain one of these (if any are given)
    exclude_keywords: list[str] = []  # an article containing any of these is left out
    window: str = "all"
    max_stories: int = Field(default=5, ge=1, le=50)
    language: Literal["ko", "en"] = "ko"
    title: str | None = None

    @field_validator("window")
    @classmethod
    def _window(cls, value: str) -> str:
        return parse_window(value)
