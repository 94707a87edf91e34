"""1,000 channel digests with varied specs, composed through Archive.compose_digest (target ≤ 1 s total).

The specs are what a team's channels would hold: each group (company, theme, grid), windows from a
day to a year, all-time and since-last (after a delivery a day ago), one to three companies or
themes or none, include/exclude keywords now and then, Korean and English. Composed in one process
on one archive connection, as the bot's archive thread does. A run that would exceed its time budget
stops early and says so, with the total extrapolated from the specs it did compose.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from briefings.archive import Archive
from briefings.digest.spec import DigestSpec
from tests.bench import report
from tests.bench.generate import NOW

COMPANIES = ["KT", "SKT", "LGU+"]
THEMES = ["customer", "esg", "ai_dx", "awards", "network", "leadership", "new_business"]
WINDOWS = ["1d", "3d", "7d", "7d", "14d", "30d", "30d", "90d", "365d", "all", "since-last", "since-last"]
KEYWORDS = ["5G", "AI", "고객", "요금", "플랫폼", "투자"]


def specs(count: int, seed: int = 10) -> list[DigestSpec]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        group = rng.choice(["company", "company", "theme", "theme", "grid"])
        companies = rng.sample(COMPANIES, rng.choice([0, 1, 1, 2, 3]))
        themes = rng.sample(THEMES, rng.choice([0, 0, 1, 1, 2, 3]))
        include = rng.sample(KEYWORDS, 1) if rng.random() < 0.15 else []
        exclude = rng.sample(KEYWORDS, 1) if rng.random() < 0.1 else []
        out.append(DigestSpec(group=group, companies=companies, themes=themes, include_keywords=include,
                              exclude_keywords=[k for k in exclude if k not in include], window=rng.choice(WINDOWS),
                              max_stories=rng.choice([3, 5, 5, 10]), language=rng.choice(["ko", "ko", "en"])))
    return out


def run(config, db: str, count: int = 1000, budget_s: float = 600.0) -> dict:
    archive = Archive.open(config, db, clock=lambda: NOW)
    last_delivery = NOW - timedelta(days=1)
    times: list[float] = []
    by_window: dict[str, list[float]] = {}
    stories = 0
    started = time.perf_counter()
    try:
        todo = specs(count)
        for n, spec in enumerate(todo):
            if time.perf_counter() - started > budget_s:
                break
            t = time.perf_counter()
            digest = archive.compose_digest(spec, last_delivery if spec.window == "since-last" else None)
            seconds = time.perf_counter() - t
            times.append(seconds)
            by_window.setdefault(spec.window, []).append(seconds)
            stories += sum(len(s.stories) for s in digest.sections)
            if n and n % 100 == 0:
                report.progress(f"digests: {n}/{count} ({time.perf_counter() - started:.0f} s)")
    finally:
        archive.close()
    total = sum(times)
    done = len(times)
    estimated = total / done * count if done else None
    return {"specs": count, "composed": done, "complete": done == count,
            "total_s": round(total, 2), "total_s_for_all": round(estimated, 2) if estimated else None,
            "per_digest": report.timings_ms(times), "stories_shown": stories,
            "by_window_p50_ms": {w: report.timings_ms(v)["p50_ms"] for w, v in sorted(by_window.items())},
            "target_total_s": report.DIGESTS_TOTAL_S, "pass": report.verdict(estimated, report.DIGESTS_TOTAL_S)}


def print_table(result: dict, size: int) -> None:
    per = result["per_digest"]
    note = "" if result["complete"] else f"stopped after {result['composed']} (budget); total extrapolated"
    report.table(f"{result['specs']:,} channel digests over {size:,} articles (target ≤ {report.DIGESTS_TOTAL_S:.0f} s"
                 " in total)", ["total s", "p50 ms", "p95 ms", "p99 ms", "verdict", "note"],
                 [[result["total_s_for_all"], per.get("p50_ms"), per.get("p95_ms"), per.get("p99_ms"),
                   result["pass"], note]])
