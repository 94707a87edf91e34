"""Read-pool benchmark: how long a quick command waits while a slow one runs, one archive thread
(the baseline, `readers=0`) against the read pool, in the same run.

    python -m tests.bench.read_pool [ARTICLES] [--cache DIR]

Builds (once, cached in DIR, default a temporary folder) a synthetic archive through the store. For
each mode it starts a `grid` over most of the archive (the slow command) and, while it runs, answers
`news 고객 KT since=90d` and `help` one after the other, through the same Answerer the chat adapters
use. Prints one JSON object: the slow command's time, and p50/p99/max of the quick ones' latency.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.answering import Answerer
from bot.workers import ArchiveWorker
from briefings.analysis.korean import warm_analyser
from briefings.archive import Archive
from briefings.commands import CommandContext, Commands
from briefings.store import open_store
from tests.bench.__main__ import percentile, synthetic

CONFIG = Path(__file__).resolve().parents[2] / "config"
# Slow: a grid over most of the ten synthetic years, about 3 s at 20k articles on a 2-core machine.
# Each round asks for a different window: a repeated question would be answered from the kept digests.
SLOW = [f"grid {days}d" for days in range(3650, 3350, -50)]
QUICK = ["news 고객 KT since=90d", "help"]
BATCH = 2000


def build(path: Path, size: int) -> float:
    """The archive at `path`, built unless it is there already; returns seconds spent building."""
    if path.exists():
        return 0.0
    started, rng = time.perf_counter(), random.Random(7)
    partial = path.with_suffix(".partial")
    store = open_store(partial)
    for first in range(0, size, BATCH):
        store.add_articles([(synthetic(n, rng), f"bench:{n}", f"{n:064x}")
                            for n in range(first, min(size, first + BATCH))])
    store.close()
    partial.rename(path)  # only a finished archive is ever reused
    return time.perf_counter() - started


async def measure(db: Path, readers: int) -> dict[str, object]:
    worker = ArchiveWorker(lambda: Archive.open(CONFIG, db), readers=readers)
    try:
        commands = await worker.write(lambda a: Commands(CommandContext(a, {})))
        answerer = Answerer(worker, commands)

        async def nothing() -> None:
            return None

        async def timed(text: str) -> float:
            t = time.perf_counter()
            await answerer.run_text(text, nothing)
            return time.perf_counter() - t

        for text in QUICK:  # each reader's first call (cold caches) is not what is compared
            await asyncio.gather(*(timed(text) for _ in range(max(readers, 1))))
        slow_s, waits = [], []
        for slow_text in SLOW:  # each mode has its own Commands, so its own (empty) kept digests
            slow = asyncio.ensure_future(timed(slow_text))
            await asyncio.sleep(0)  # the slow command is submitted first, as when a user typed it first
            for text in QUICK:
                waits.append(await timed(text))
            slow_s.append(await slow)
    finally:
        worker.close()
    return {"readers": readers, "slow_first_s": round(slow_s[0], 3),
            "slow_median_s": round(statistics.median(slow_s), 3),
            "quick_while_slow_ms": {"p50": round(statistics.median(waits) * 1000, 1),
                                    "p99": round(percentile(waits, 0.99) * 1000, 1),
                                    "max": round(max(waits) * 1000, 1)}}


def main(argv: list[str]) -> int:
    size = int(next((a for a in argv if a.isdecimal()), "20000"))
    cache = Path(argv[argv.index("--cache") + 1]) if "--cache" in argv else None
    with tempfile.TemporaryDirectory() as tmp:
        db = (cache or Path(tmp)) / f"read_pool_{size}.sqlite3"
        db.parent.mkdir(parents=True, exist_ok=True)
        build_s = build(db, size)
        warm_analyser()  # the bot warms it at start
        baseline = asyncio.run(measure(db, 0))
        pool = asyncio.run(measure(db, 3))
    result = {"benchmark": "read_pool", "articles": size, "build_s": round(build_s, 1), "slow": SLOW[0],
              "quick": QUICK, "baseline_one_thread": baseline, "read_pool": pool,
              "speedup_p99": round(baseline["quick_while_slow_ms"]["p99"]  # type: ignore[index]
                                   / max(pool["quick_while_slow_ms"]["p99"], 0.1), 1)}  # type: ignore[index]
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
