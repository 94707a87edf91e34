"""Every chat command through the console adapter of a real bot process, cold and warm.

Cold: the first answer of a fresh `briefings run` process (seeds checked, analyser warmed, channels
loaded: what the bot does before its first prompt). Warm: then, in that process, the command again
with varied arguments until `reps` answers or `budget_s` seconds. Baselines in the same run, read
from the same file with sqlite3 (bench code, not product code): a LIKE scan for search and a
Python count over every tag row for the grid. `stats` is a CLI command, timed as `briefings stats`.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from tests.bench import report
from tests.bench.generate import GENERATOR_VERSION, NOW, SEED
from tests.bench.pool import ROOT, Pool
from tests.bench.session import START_TIMEOUT_S, BotSession, Timeout, channel_names


@dataclass
class Case:
    label: str  # the row: the command as the issue names it
    variants: list[str]  # the first is the cold call; warm calls cycle through all of them


def article_ids(size: int, count: int) -> list[str]:
    """Ids of generated articles spread over the archive (the generator's own id rule)."""
    step = max(1, size // count)
    return [hashlib.sha256(f"briefings-bench:{GENERATOR_VERSION}:{SEED}:{n}".encode()).hexdigest()[:12]
            for n in range(0, size, step)][:count]


COMPANIES = ["KT", "SKT", "LGU+"]
THEMES = ["esg", "ai_dx", "awards", "network", "customer", "new_business", "leadership"]
WORDS = ["고객", "5G", "요금제", "인공지능", "플랫폼", "데이터", "투자", "서비스", "콘텐츠", "네트워크",
         "클라우드", "로봇", "보안", "실적", "매출", "게임", "금융", "결제", "광고", "모빌리티", "\"디지털 전환\"",
         "협력", "출시", "개발"]
SINCE = ["since=90d", "since=30d", "since=1y", "", "since=7d", "since=2y"]


def _mix(*lists: list[str], count: int = 40) -> list[str]:
    """`count` combinations of the lists' items, in a fixed order, each once."""
    out: list[str] = []
    for n in range(count * 7):
        words = [lst[(n // (1 + k * 3)) % len(lst)] for k, lst in enumerate(lists)]
        text = " ".join(w for w in words if w)
        if text not in out:
            out.append(text)
        if len(out) == count:
            break
    return out


def _unique(first: str, rest: Iterable[str]) -> list[str]:
    return list(dict.fromkeys([first, *rest]))


def cases(pool: Pool, size: int) -> list[Case]:
    """The rows, each with arguments enough for its warm answers to be new to the bot where the
    command allows (there are only three companies to brief; grid and help have one answer)."""
    speakers = pool.speakers[:30] or ["박정호"]
    # nouns from the far end of the tail (each on ~a dozen articles at 1M), spread over the alphabet
    rare = (pool.tail_only[-3000::100] or [w for w, _ in pool.tail[-30:]])[:30]
    channels = channel_names()
    return [
        Case("brief KT", ["brief KT", "brief SKT", "brief LGU+"]),
        Case("brief SKT ai_dx", ["brief SKT ai_dx", *(f"brief {c} {t}" for t in THEMES for c in COMPANIES)]),
        Case("news 고객 KT since=90d", _unique("news 고객 KT since=90d",
                                              (f"news {q}" for q in _mix(WORDS, [*COMPANIES, ""], SINCE)))),
        Case(f"news {rare[0]} (rare)", [f"news {w}" for w in rare]),
        Case("theme esg", ["theme esg", *(f"theme {t} {c}".strip() for c in ["", *COMPANIES] for t in THEMES)][1:]),
        Case("grid", ["grid", "grid all"]),
        Case("grid 30d", ["grid 30d", *(f"grid {n}d" for n in range(1, 61, 2))]),
        Case(f"quotes {speakers[0]}", [f"quotes {s}" for s in speakers] + [f"quotes {c}" for c in COMPANIES]),
        Case("why <prefix>", [f"why {i[:8]}" for i in article_ids(size, 40)]),
        Case(f"digest {channels[0]}", [f"digest {c}" for c in channels]),
        Case("help", ["help"]),
        Case("trend KT 90d", _unique("trend KT 90d", (f"trend {q}" for q in _mix(
            [*COMPANIES, *THEMES, "KT SKT", "SKT LGU+"], ["90d", "30d", "1y", "2y", "180d"], count=30)))),
    ]


def time_case(case: Case, db: str, config: Path, reps: int, budget_s: float, timeout_s: float) -> dict:
    """Cold and warm figures of one command, each from a fresh bot process."""
    row: dict = {"command": case.label}
    try:
        with BotSession(db, config, timeout=START_TIMEOUT_S) as bot:
            row["ready_s"] = round(bot.ready_s, 3)
            cold, answer = bot.ask(case.variants[0], timeout_s)
            row["cold_ms"] = round(cold * 1000, 1)
            row["answer_chars"] = len(answer)
            warm: list[float] = []
            fresh: list[float] = []  # arguments this process had not been asked before (no cached answer)
            seen = {case.variants[0]}
            started = time.perf_counter()
            n = 0
            while n < reps and (time.perf_counter() - started < budget_s or n < 1):
                line = case.variants[(n + 1) % len(case.variants)]
                seconds, _ = bot.ask(line, timeout_s)
                warm.append(seconds)
                if line not in seen:
                    fresh.append(seconds)
                    seen.add(line)
                n += 1
            row["warm"] = report.timings_ms(warm)
            row["warm_new_arguments"] = report.timings_ms(fresh)
            row.update(bot.memory())
    except Timeout as exc:
        row["error"] = f"timeout: {exc}"
        if "ready_s" in row:  # killed while answering: slower than this
            row["cold_over_s" if "cold_ms" not in row else "warm_over_s"] = timeout_s
    except RuntimeError as exc:
        row["error"] = str(exc)[-300:]
    row["cold_target_ms"], row["warm_p99_target_ms"] = report.COLD_MS, report.WARM_P99_MS
    row["cold"] = report.verdict(row.get("cold_ms"), report.COLD_MS)
    row["warm_p99"] = report.verdict(row.get("warm", {}).get("p99_ms"), report.WARM_P99_MS)
    return row


def time_stats(db: str, config: Path, reps: int, timeout_s: float) -> dict:
    """`briefings stats` as a fresh process (cold, process start included), then store.stats() warm."""
    from briefings.archive import Archive

    cmd = [sys.executable, "-m", "bot.cli", "stats", "--json", "--config", str(config), "--db", db]
    started = time.perf_counter()
    try:
        subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=timeout_s, check=True)
        cold_ms = round((time.perf_counter() - started) * 1000, 1)
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError) as exc:
        return {"command": "stats (CLI)", "error": repr(exc)[:300], "cold": "miss", "warm_p99": "miss"}
    archive = Archive.open(config, db)
    try:
        warm = []
        for _ in range(reps):
            t = time.perf_counter()
            archive.store.stats()
            warm.append(time.perf_counter() - t)
    finally:
        archive.close()
    return {"command": "stats (CLI)", "cold_ms": cold_ms, "cold_includes": "process start and imports",
            "warm": report.timings_ms(warm), "cold": report.verdict(cold_ms, report.COLD_MS),
            "warm_p99": report.verdict(report.timings_ms(warm)["p99_ms"], report.WARM_P99_MS)}


def _timed(fn, reps: int, budget_s: float) -> tuple[dict, object]:
    times, result, started = [], None, time.perf_counter()
    for n in range(reps):
        if n and time.perf_counter() - started > budget_s:
            break
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return report.timings_ms(times), result


def baselines(db_path: Path, rare: str, reps: int = 3, budget_s: float = 30.0) -> dict:
    """Naive readers of the same file: LIKE over the stored documents, and the grid counted in Python."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    since = (NOW - timedelta(days=90)).date().isoformat()

    def like(words: list[str], since_day: str | None) -> list:
        where = " AND ".join(["doc LIKE ?"] * len(words) + (["published >= ?"] if since_day else []))
        params = [f"%{w}%" for w in words] + ([since_day] if since_day else [])
        return conn.execute(f"SELECT id FROM articles WHERE {where} ORDER BY key DESC LIMIT 5", params).fetchall()

    def python_grid() -> int:
        companies: dict[int, list[str]] = defaultdict(list)
        for key, company in conn.execute("SELECT article_key, company_id FROM article_companies"):
            companies[key].append(company)
        cells: Counter[tuple[str, str]] = Counter()
        for key, theme in conn.execute("SELECT article_key, theme_id FROM article_themes"):
            for company in companies.get(key, ()):
                cells[company, theme] += 1
        return sum(cells.values())

    try:
        common, _ = _timed(lambda: like(["고객", "KT"], since), reps, budget_s)
        scan, found = _timed(lambda: like([rare], None), reps, budget_s)
        grid, total = _timed(python_grid, reps, budget_s)
    finally:
        conn.close()
    return {"like_scan 고객 KT since=90d": common, f"like_scan {rare} (rare)": {**scan, "hits": len(found)},
            "python_grid_count": {**grid, "cells_total": total}}


def run(pool: Pool, size: int, db: str, config: Path, *, reps: int = 30, budget_s: float = 10.0,
        timeout_s: float = 30.0, sqlite_file: Path | None = None) -> dict:
    rows = []
    for case in cases(pool, size):
        report.progress(f"{size:,}: {case.label}")
        rows.append(time_case(case, db, config, reps, budget_s, timeout_s))
    rows.append(time_stats(db, config, min(reps, 5), timeout_s))
    out: dict = {"articles": size, "commands": rows}
    if sqlite_file is not None:
        report.progress(f"{size:,}: baselines (LIKE scan, Python grid count)")
        out["baseline"] = baselines(sqlite_file, cases(pool, size)[3].variants[0].split()[1])
    return out


def print_table(result: dict, backend: str) -> None:
    rows = []
    for r in result["commands"]:
        warm = r.get("warm", {})
        new = r.get("warm_new_arguments", {})
        rows.append([r["command"], r.get("cold_ms"), warm.get("p50_ms"), warm.get("p95_ms"), warm.get("p99_ms"),
                     warm.get("n"), new.get("p50_ms"), new.get("n"), f"{r['cold']}/{r['warm_p99']}",
                     r.get("error", "")[:40]])
    for name, b in result.get("baseline", {}).items():
        rows.append([f"baseline: {name}", None, b.get("p50_ms"), b.get("p95_ms"), b.get("p99_ms"), b.get("n"),
                     None, None, "", ""])
    report.table(f"Commands at {result['articles']:,} articles ({backend}; targets: cold ≤ {report.COLD_MS:.0f} ms,"
                 f" warm p99 ≤ {report.WARM_P99_MS:.0f} ms)",
                 ["command", "cold ms", "p50", "p95", "p99", "n", "new-args p50", "n", "cold/warm", "note"], rows)
