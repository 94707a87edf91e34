"""The one grammar for a length of time, shared by every command and config field that takes one:
`news since=2w`, `grid 2w`, `window: 14d` and `last 14 days` all read the same way."""

from __future__ import annotations

import re

_UNITS = {"d": 1, "day": 1, "days": 1, "일": 1, "w": 7, "week": 7, "weeks": 7, "주": 7,
          "m": 30, "month": 30, "months": 30, "개월": 30, "달": 30, "y": 365, "year": 365, "years": 365, "년": 365}
_RELATIVE = re.compile(r"^(?:last\s+)?(\d{1,6})\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")$",
                       re.IGNORECASE)
EXAMPLES = "7d, 2w, 3m, 1y (or 7일, 2주, 3개월, 1년, 'last 7 days')"


def relative_days(text: str) -> int | None:
    """Days in '7d', '2w', '3m', '1y', '2주', 'last 7 days'; None if the text is not such a length."""
    m = _RELATIVE.match(text.strip())
    return int(m[1]) * _UNITS[m[2].lower()] if m else None
