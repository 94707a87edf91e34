"""Start-up to ready and peak memory of a real bot process (targets: ≤ 3 s, ≤ 600 MB at 1M).

Ready is the first console prompt of `briefings run` (tests.bench.botproc): the archive opened and
migrated, the seeds checked, the analyser loaded and warmed, channels and scheduler set up — the
moment the console bot would answer. The process then answers one of every command (a day's use
in miniature) and its peak resident memory (VmHWM) is read before it quits.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from tests.bench import report
from tests.bench.commands import Case
from tests.bench.session import START_TIMEOUT_S, BotSession, Timeout


def run(db: str, config: Path, tour: list[Case], starts: int = 2, timeout_s: float = 30.0) -> dict:
    ready: list[float] = []
    answered: dict[str, float] = {}
    memory: dict[str, float] = {}
    errors: list[str] = []
    for n in range(starts):
        try:
            with BotSession(db, config, timeout=START_TIMEOUT_S) as bot:
                ready.append(bot.ready_s)
                memory = bot.memory()
                if n == starts - 1:  # the last start also does the tour
                    for case in tour:
                        seconds, _ = bot.ask(case.variants[0], timeout_s)
                        answered[case.label] = round(seconds * 1000, 1)
                        memory = bot.memory()  # read as it goes: a timeout kills the process
        except (Timeout, RuntimeError) as exc:
            errors.append(str(exc)[-300:])
    ready_s = round(statistics.median(ready), 3) if ready else None
    peak = memory.get("peak_rss_mb")
    return {"starts": starts, "ready_s_median": ready_s, "ready_s_all": [round(r, 3) for r in ready],
            "ready_target_s": report.READY_S, "ready": report.verdict(ready_s, report.READY_S),
            "peak_rss_mb": peak, "rss_after_tour_mb": memory.get("rss_mb"),
            "peak_rss_target_mb": report.PEAK_RSS_MB, "rss": report.verdict(peak, report.PEAK_RSS_MB),
            "tour_ms": answered, "errors": errors}


def print_table(result: dict, size: int, backend: str) -> None:
    report.table(f"Start-up and memory at {size:,} articles ({backend})",
                 ["ready s (median)", "target", "verdict", "peak RSS MB", "target", "verdict"],
                 [[result["ready_s_median"], result["ready_target_s"], result["ready"], result["peak_rss_mb"],
                   result["peak_rss_target_mb"], result["rss"]]])
