"""`make bench`: one JSON document on stdout (figures, baselines, targets, pass/miss), a table on stderr.

    python -m tests.bench                       # 100k and 1M (archives built once, cached)
    python -m tests.bench --sizes 10k           # a quick run
    python -m tests.bench --sections commands,digests --sizes 100k

Sections: build (synthetic archives: rate, size), commands (every chat command cold and warm, with
a LIKE-scan and a Python-count baseline), digests (1,000 channel digests over the 100k archive, or
the largest size asked for below it), ingest (briefings ingest against kiwipiepy on the same texts),
startup (ready time and peak RSS at the largest size), postgresql (the command timings again on
PostgreSQL, when the store can open a postgresql:// URL and pgserver is installed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.bench import commands, digests, ingest, report, startup
from tests.bench.generate import cached_archive, parse_size, size_label
from tests.bench.pool import CACHE, ROOT, PoolSpec, load_pool
from tests.bench.session import bench_config

SECTIONS = ("build", "commands", "digests", "ingest", "startup", "postgresql")


def _machine() -> dict:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "commit": commit.stdout.strip() or None,
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "load_before": round(os.getloadavg()[0], 1)}  # the machine may be shared: say how busy it was


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M", help="archive sizes, e.g. 10k,100k,1M (default 100k,1M)")
    parser.add_argument("--sections", default=",".join(SECTIONS), help=f"any of {', '.join(SECTIONS)}")
    parser.add_argument("--reps", type=int, default=30, help="warm answers per command, at most")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds of warm answers per command, at most")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds one answer may take before the "
                                                                     "bot is killed and the row marked")
    parser.add_argument("--digests", type=int, default=1000, help="channel digests to compose")
    parser.add_argument("--digest-budget", type=float, default=120.0, help="seconds for them, at most")
    parser.add_argument("--ingest-files", type=int, default=300)
    parser.add_argument("--pg-size", default="100k", help="archive size loaded into PostgreSQL")
    parser.add_argument("--out", type=Path, help="also write the JSON document here")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    sizes = sorted(parse_size(s) for s in args.sizes.split(",") if s.strip())
    sections = {s.strip() for s in args.sections.split(",") if s.strip()}
    unknown = sections - set(SECTIONS)
    if unknown:
        sys.stderr.write(f"unknown section(s): {', '.join(sorted(unknown))}; known: {', '.join(SECTIONS)}\n")
        return 2
    started = time.perf_counter()
    doc: dict = {"benchmark": "briefings", "machine": _machine(), "sizes": [size_label(s) for s in sizes]}
    spec = PoolSpec()
    pool = load_pool(spec)
    doc["pool"] = pool.stats
    config = bench_config(Path(tempfile.mkdtemp(prefix="bench-config-")) / "config")
    archives = {}
    for size in sizes:
        report.progress(f"archive of {size:,} articles")
        archives[size] = cached_archive(size, pool, CACHE)
    doc["build"] = {size_label(s): {**meta, "path": str(path), "bytes_now": path.stat().st_size}
                    for s, (path, meta) in archives.items()}
    report.table("Synthetic archives (SQLite, built once and cached)",
                 ["articles", "build art/s", "bytes/article", "build s"],
                 [[s, m.get("articles_per_s"), m.get("bytes_per_article"), m.get("seconds")]
                  for s, (_, m) in archives.items()])
    def save() -> None:  # after every section: a run cut short still leaves its figures
        if args.out:
            args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    largest = sizes[-1]

    def run_commands() -> None:
        doc["commands"] = {"sqlite": {}}
        for size in reversed(sizes):  # the largest first: it is the one the targets are about
            path = archives[size][0]
            result = commands.run(pool, size, str(path), config, reps=args.reps, budget_s=args.budget,
                                  timeout_s=args.timeout, sqlite_file=path)
            doc["commands"]["sqlite"][size_label(size)] = result
            commands.print_table(result, "SQLite")
            save()

    def run_startup() -> None:
        report.progress(f"start-up and memory at {largest:,}")
        rows = doc.get("commands", {}).get("sqlite", {}).get(size_label(largest), {}).get("commands", [])
        slow = {r["command"] for r in rows if "cold_over_s" in r or "warm_over_s" in r}
        tour = [c for c in commands.cases(pool, largest) if c.label not in slow]  # a timeout would kill the bot
        result = startup.run(str(archives[largest][0]), config, tour, timeout_s=args.timeout)
        result["tour_left_out"] = sorted(slow)
        result["peak_rss_mb_any_command_session"] = max((r.get("peak_rss_mb", 0) for r in rows), default=None)
        readies = sorted(r["ready_s"] for r in rows if "ready_s" in r)
        result["ready_s_command_sessions_median"] = readies[len(readies) // 2] if readies else None
        doc["startup"] = {"articles": largest, **result}
        startup.print_table(doc["startup"], largest, "SQLite")

    def run_digests() -> None:
        size = max([s for s in sizes if s <= 100_000] or sizes[:1])
        report.progress(f"{args.digests} channel digests over {size:,}")
        result = digests.run(config, str(archives[size][0]), args.digests, args.digest_budget)
        doc["digests"] = {"articles": size, **result}
        digests.print_table(result, size)

    def run_ingest() -> None:
        report.progress(f"ingest of {args.ingest_files} files")
        doc["ingest"] = ingest.run(pool, spec, config, args.ingest_files)
        ingest.print_table(doc["ingest"])

    def run_postgresql() -> None:
        from tests.bench import backends

        doc["postgresql"] = backends.run(pool, parse_size(args.pg_size), config, reps=args.reps,
                                         budget_s=args.budget, timeout_s=args.timeout)

    runners = {"commands": run_commands, "startup": run_startup, "digests": run_digests, "ingest": run_ingest,
               "postgresql": run_postgresql}
    for name, section in runners.items():
        if name not in sections:
            continue
        try:
            section()
        except Exception as exc:  # one section failing must not lose the others' figures
            report.progress(f"{name} failed: {exc!r}")
            doc.setdefault("errors", {})[name] = repr(exc)[:500]
        save()
    doc["seconds"] = round(time.perf_counter() - started, 1)
    doc["machine"]["load_after"] = round(os.getloadavg()[0], 1)
    save()
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
