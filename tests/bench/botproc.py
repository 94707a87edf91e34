"""A real bot process for the benchmarks: `briefings run --console` with the bench's clock.

    python -m tests.bench.botproc --config DIR --db PATH_OR_URL

This is bot.app.run_bot itself (seeds ingested, analyser warmed, channels loaded, scheduler and
console adapter started), with no chat credentials, so commands typed on stdin are answered on
stdout exactly as at `make run`. The only difference is the clock: it starts at the bench's NOW
(the day after the synthetic archive's newest article) and runs at real speed, so `since=90d`
covers the same articles at every run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from datetime import UTC, datetime, timedelta

from bot.app import run_bot
from bot.credentials import Credentials
from tests.bench.generate import NOW


def bench_clock():
    start, origin = time.monotonic(), NOW.astimezone(UTC)

    def now() -> datetime:
        return origin + timedelta(seconds=time.monotonic() - start)

    return now


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tests.bench.botproc")
    parser.add_argument("--config", required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    return asyncio.run(run_bot(args.config, args.db, force_console=True, creds=Credentials.from_env({}),
                               clock=bench_clock()))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
