"""Figures, targets and the human table: every section reports through these."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any

# The targets (issue 10, "Benchmarks" and "What to build").
WARM_P99_MS = 50.0
COLD_MS = 500.0
DIGESTS_TOTAL_S = 1.0
INGEST_RATIO = 0.70
READY_S = 3.0
PEAK_RSS_MB = 600.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty sample."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))]


def timings_ms(seconds: Sequence[float]) -> dict[str, float | int]:
    if not seconds:
        return {"n": 0}
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 0.5), 2), "p95_ms": round(percentile(ms, 0.95), 2),
            "p99_ms": round(percentile(ms, 0.99), 2), "max_ms": round(max(ms), 2)}


def verdict(value: float | None, target: float) -> str:
    """'pass' when a figure is within its target (lower is better), 'miss' when not or not measured."""
    return "pass" if value is not None and value <= target else "miss"


def at_least(value: float | None, target: float) -> str:
    return "pass" if value is not None and value >= target else "miss"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def table(title: str, header: list[str], rows: list[list[Any]], out=sys.stderr) -> None:
    """A plain aligned table on stderr (stdout carries the JSON document)."""
    cells = [header, *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    out.write(f"\n{title}\n")
    for n, row in enumerate(cells):
        out.write("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                   for i, (c, w) in enumerate(zip(row, widths, strict=True))) + "\n")
        if n == 0:
            out.write("  " + "  ".join("-" * w for w in widths) + "\n")
    out.flush()


def progress(text: str) -> None:
    sys.stderr.write(f"[bench] {text}\n")
    sys.stderr.flush()
