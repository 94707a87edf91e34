"""`briefings ingest` throughput against kiwipiepy's own tokenising of the same texts (target ≥ 70 %).

N article files are written to a temporary folder (from the dev corpus when it is on the machine,
else from generated articles; deleted afterwards, never in the project), then ingested by the real
CLI in a fresh process into a fresh archive. Process start and the analyser's load are a fixed cost,
measured by ingesting a handful of files the same way and taken off, so the rate is the marginal one.
The baseline tokenises the same titles and bodies with `Kiwi().tokenize` in as many processes as the
ingest is given (`--workers`, one per core by default), the model loaded before the clock starts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from tests.bench import report
from tests.bench.generate import generate
from tests.bench.pool import ROOT, Pool, PoolSpec

FIXED_COST_FILES = 5


def texts_for(count: int, pool: Pool, spec: PoolSpec) -> list[dict[str, str]]:
    if spec.has_corpus:
        rows = [json.loads(line) for line in spec.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = [r for r in rows if isinstance(r.get("body"), str) and r["body"].strip()]
        step = max(1, len(rows) // count)
        rows = rows[::step][:count]
        return [{k: r[k] for k in ("title", "body", "published", "outlet") if r.get(k)} for r in rows]
    return [{"title": a.title, "body": "\n".join(p.text for p in a.paragraphs), "published": a.published.iso(),
             "outlet": a.outlet or ""} for a in generate(pool, count, seed=77)]


def _write(folder: Path, items: list[dict[str, str]]) -> None:
    folder.mkdir(parents=True)
    for n, item in enumerate(items):
        (folder / f"{n:06d}.json").write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")


def _ingest_seconds(folder: Path, db: Path, config: Path, processes: int, timeout_s: float) -> tuple[float, dict]:
    cmd = [sys.executable, "-m", "bot.cli", "ingest", str(folder), "--db", str(db), "--config", str(config), "--json",
           "--workers", str(processes)]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=timeout_s, text=True)
    seconds = time.perf_counter() - started
    try:
        counts = json.loads(done.stdout)["counts"]
    except (ValueError, KeyError):
        counts = {"error": (done.stderr or done.stdout)[-300:]}
    return seconds, counts


def _kiwi_shard(texts: list[str]) -> float:
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    kiwi.tokenize("준비 완료.")
    started = time.perf_counter()
    for text in texts:
        kiwi.tokenize(text)
    return time.perf_counter() - started


def kiwi_rate(texts: list[str], processes: int) -> float:
    shards = [texts[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as executor:
        seconds = list(executor.map(_kiwi_shard, shards))
    return len(texts) / max(seconds)


def run(pool: Pool, spec: PoolSpec, config: Path, count: int = 300, processes: int | None = None,
        timeout_s: float = 1800.0) -> dict:
    processes = processes or os.cpu_count() or 1
    items = texts_for(count, pool, spec)
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        _write(work / "small", items[:FIXED_COST_FILES])
        _write(work / "all", items)
        fixed_s, _ = _ingest_seconds(work / "small", work / "small.sqlite3", config, processes, timeout_s)
        total_s, counts = _ingest_seconds(work / "all", work / "all.sqlite3", config, processes, timeout_s)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report.progress(f"ingest: {len(items)} files in {total_s:.1f} s; kiwi baseline on {processes} process(es)")
    baseline = kiwi_rate([f"{i.get('title', '')}\n{i['body']}" for i in items], processes)
    marginal = (len(items) - FIXED_COST_FILES) / max(total_s - fixed_s, 1e-9)
    ratio = marginal / baseline
    return {"files": len(items), "source": "dev corpus" if spec.has_corpus else "generated", "counts": counts,
            "wall_s": round(total_s, 2), "fixed_cost_s": round(fixed_s, 2),
            "articles_per_s": round(marginal, 1), "articles_per_s_wall": round(len(items) / total_s, 1),
            "baseline_kiwi_articles_per_s": round(baseline, 1), "baseline_processes": processes,
            "ratio": round(ratio, 3), "target_ratio": report.INGEST_RATIO,
            "pass": report.at_least(ratio, report.INGEST_RATIO)}


def print_table(result: dict) -> None:
    report.table(f"Ingest of {result['files']} files ({result['source']}) against Kiwi().tokenize on "
                 f"{result['baseline_processes']} process(es) (target ≥ {report.INGEST_RATIO:.0%})",
                 ["ingest art/s", "kiwi art/s", "ratio", "verdict", "wall s"],
                 [[result["articles_per_s"], result["baseline_kiwi_articles_per_s"], f"{result['ratio']:.0%}",
                   result["pass"], result["wall_s"]]])
