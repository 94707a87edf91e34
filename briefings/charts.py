"""Trend charts: article counts per day, week or month for companies and themes, as a PNG.

Drawn with matplotlib's Agg backend (no screen) in NanumGothic, the font koreanize-matplotlib ships
(SIL Open Font Licence), so Hangul never turns into boxes. Sized and coloured to be read on a
phone; the same data always gives the same bytes (no timestamp or version in the file).
"""

from __future__ import annotations

import io
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from briefings.archive import Archive, QueryError
from briefings.digest.model import Grid
from briefings.periods import relative_days

WIDTH, HEIGHT, DPI = 8.0, 4.5, 100  # 800 × 450 px
# matplotlib's settings are process-wide (rc_context changes them for everyone): one drawing at a time
_DRAWING = threading.Lock()
COLOURS = ("#1f5fbf", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0b7285")  # high contrast, colour-blind safe
MAX_SERIES = len(COLOURS)


@dataclass
class Trend:
    title: str
    unit: str  # day, week or month
    buckets: list[date]  # the first day of each bucket
    series: dict[str, list[int]]  # label -> count per bucket

    def as_text(self) -> str:
        """The numbers behind the chart: its text fallback."""
        lines = [f"{self.title} ({self.unit})"]
        for label, counts in self.series.items():
            lines.append(f"{label}: total {sum(counts)}, last {counts[-1] if counts else 0}, peak {max(counts or [0])}")
        return "\n".join(lines)


def _bucket(day: date, unit: str) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def trend(archive: Archive, names: list[str], period: str, today: date) -> Trend:
    """Counts per bucket for each company or theme named, over `period` (e.g. 30d, 2w, 1y) ending today."""
    if not names:
        raise QueryError("회사나 테마를 하나 이상 지정하세요 / name at least one company or theme")
    if len(names) > MAX_SERIES:
        raise QueryError(f"한 번에 {MAX_SERIES}개까지 / at most {MAX_SERIES} companies or themes at once")
    days = relative_days(period)
    if not days or days > 10 * 365:
        raise QueryError(f"기간 {period!r}: give a length such as 30d, 12w, 1y (at most 10 years)")
    unit = "day" if days <= 60 else "week" if days <= 2 * 365 else "month"
    start = today - timedelta(days=days - 1)
    buckets = sorted({_bucket(start + timedelta(days=n), unit) for n in range(days)})
    series: dict[str, list[int]] = {}
    for name in names:
        company = archive.taxonomy.resolve_company(name)
        theme = None if company else archive.taxonomy.resolve_theme(name)
        if not company and not theme:
            raise QueryError(f"알 수 없는 회사·테마 {name!r} / unknown company or theme")
        days_counted = archive.store.day_counts("company" if company else "theme", company or theme or "", start, today)
        counts: Counter[date] = Counter()
        for day, n in days_counted.items():  # kept per day at ingest: no article is read
            counts[_bucket(day, unit)] += n
        label = archive.taxonomy.company_name(company) if company else archive.taxonomy.theme_label(theme or "")
        series[label] = [counts.get(b, 0) for b in buckets]
    return Trend(f"기사 수 추이 / articles per {unit}", unit, buckets, series)


@cache  # the font file is read and registered once per process, not at every chart
def _font():
    import importlib.util

    from matplotlib import font_manager

    # The package is only where the font files live; importing it would restyle matplotlib globally.
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or spec.origin is None:
        raise RuntimeError("koreanize-matplotlib (a dependency) is not installed: it ships the Korean font")
    path = Path(spec.origin).parent / "fonts" / "NanumGothic.ttf"
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path))


def render_png(chart: Trend) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure

    font = _font()
    with _DRAWING, plt.rc_context({"font.family": font.get_name(), "axes.unicode_minus": False,
                                   "svg.hashsalt": "briefings"}):
        figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
        axes = figure.add_subplot()
        for colour, (label, counts) in zip(COLOURS, chart.series.items(), strict=False):
            axes.plot(chart.buckets, counts, label=label, color=colour, linewidth=2.2, marker="o" if len(counts) <= 31
                      else None, markersize=3)
        axes.set_title(chart.title, fontsize=14)
        axes.set_ylabel("기사 수 / articles", fontsize=11)
        axes.grid(True, color="#dddddd")
        axes.set_ylim(bottom=0)
        axes.legend(loc="upper left", fontsize=11, frameon=True)
        figure.autofmt_xdate()
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", metadata={"Software": None})  # no version: same data, same bytes
    return out.getvalue()


def render_grid_png(grid: Grid, title: str) -> bytes:
    """The company × theme grid of a digest as a heat map with its counts written in each cell."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure

    font = _font()
    rows = [label for _, label in grid.companies]
    cols = [label for _, label in grid.themes]
    values = [[grid.cells[c][t].count for t, _ in grid.themes] for c, _ in grid.companies]
    with _DRAWING, plt.rc_context({"font.family": font.get_name(), "axes.unicode_minus": False}):
        figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
        axes = figure.add_subplot()
        axes.imshow(values, cmap="Blues", aspect="auto")
        axes.set_xticks(range(len(cols)), cols, rotation=30, ha="right", fontsize=10)
        axes.set_yticks(range(len(rows)), rows, fontsize=11)
        top = max((v for row in values for v in row), default=0)
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                axes.text(j, i, str(value), ha="center", va="center", fontsize=11,
                          color="white" if top and value > top * 0.6 else "#222222")
        axes.set_title(title, fontsize=14)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
