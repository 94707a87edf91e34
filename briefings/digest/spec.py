"""A digest spec: what to include, how to group it, over which window. Loaded from YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_LAST_N = re.compile(r"^(?:last\s+)?(\d{1,4})\s*(?:d|days?|일)$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """An inclusive date range, or None bounds for "all"."""

    start: date | None
    end: date | None

    def label(self) -> str:
        if self.start is None and self.end is None:
            return "all dates"
        return f"{self.start or '…'} – {self.end or '…'}"

    def previous(self) -> Period | None:
        if self.start is None or self.end is None:
            return None
        length = (self.end - self.start).days + 1
        return Period(self.start - timedelta(days=length), self.start - timedelta(days=1))


def parse_window(text: str) -> str:
    """Validate a window: 'all', 'since-last', '7d'/'last 7 days', or 'YYYY-MM-DD..YYYY-MM-DD'."""
    value = text.strip()
    if value in ("all", "since-last") or _LAST_N.match(value):
        return value
    if m := _RANGE.match(value):
        start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        if end < start:
            raise ValueError(f"window ends before it starts: {value!r}")
        return value
    raise ValueError(f"unknown window {value!r}: use all, since-last, 7d, 'last 7 days' or YYYY-MM-DD..YYYY-MM-DD")


def resolve_window(window: str, now: datetime, last_delivery: datetime | None, fallback_days: int = 1) -> Period:
    if window == "all":
        return Period(None, None)
    today = now.date()
    if window == "since-last":
        start = last_delivery.date() if last_delivery else today - timedelta(days=fallback_days)
        return Period(start, today)
    if m := _LAST_N.match(window):
        return Period(today - timedelta(days=int(m[1]) - 1), today)
    m = _RANGE.match(window)
    assert m, window  # validated at load
    return Period(date.fromisoformat(m[1]), date.fromisoformat(m[2]))


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
