"""The bench's JSON document as Markdown tables (for the README's Performance section).

    python -m tests.bench --out bench.json && python -m tests.bench.markdown bench.json

Several documents (runs of different sections or sizes) are merged, later ones winning.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def commands_table(result: dict, backend: str) -> list[str]:
    lines = [f"Commands at {result['articles']:,} articles, {backend} (cold ≤ 500 ms, warm p99 ≤ 50 ms):", "",
             _row(["command", "cold", "warm p50", "warm p95", "warm p99", "n", "new args p50", "cold", "warm"]),
             _row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---", "---"])]
    errors: list[str] = []
    for r in result["commands"]:
        warm = r.get("warm", {})
        cold = f"> {r['cold_over_s']:.0f} s" if "cold_over_s" in r else _ms(r.get("cold_ms"))
        if r.get("error") and "cold_ms" not in r and "cold_over_s" not in r:
            cold = "error¹"
            errors.append(r["error"].strip().splitlines()[-1][:200])
        if "warm_over_s" in r:
            warm = {"p50_ms": None, "p95_ms": None, "p99_ms": r["warm_over_s"] * 1000, "n": warm.get("n", 0)}
        new = r.get("warm_new_arguments", {})
        lines.append(_row([f"`{r['command']}`", cold, _ms(warm.get("p50_ms")), _ms(warm.get("p95_ms")),
                           _ms(warm.get("p99_ms")), str(warm.get("n", 0)),
                           f"{_ms(new.get('p50_ms'))} ({new.get('n', 0)})", r["cold"], r["warm_p99"]]))
    for name, b in result.get("baseline", {}).items():
        lines.append(_row([f"baseline: {name}", "", _ms(b.get("p50_ms")), _ms(b.get("p95_ms")), _ms(b.get("p99_ms")),
                           str(b.get("n", 0)), "", "", ""]))
    if errors:
        lines += ["", f"¹ the bot stopped: {errors[0]}"]
    return [*lines, ""]


def render(doc: dict) -> str:
    out = []
    for m in doc.get("runs") or [doc["machine"]]:
        out.append(f"Measured {m['started'][:16].replace('T', ' ')} UTC at commit {m['commit']}, {m['cpus']} cores "
                   f"(load average {m.get('load_before', '?')} at the start, {m.get('load_after', '?')} at the end: "
                   f"shared with other jobs), Python {m['python']}.")
    out.append("")
    out += [_row(["archive", "build rate", "bytes per article"]), _row(["---", "---:", "---:"])]
    out += [_row([size, f"{b['articles_per_s']:,.0f} articles/s", f"{b['bytes_per_article']:,}"])
            for size, b in doc.get("build", {}).items()]
    out.append("")
    for backend, by_size in doc.get("commands", {}).items():
        for result in by_size.values():
            out += commands_table(result, "SQLite" if backend == "sqlite" else backend)
    for size, result in (doc.get("postgresql") or {}).items():
        if isinstance(result, dict) and "commands" in result:
            out += commands_table(result, "PostgreSQL")
        elif size == "skipped":
            out += [f"PostgreSQL: skipped ({result})", ""]
    if d := doc.get("digests"):
        per = d["per_digest"]
        out += [f"{d['specs']:,} channel digests over {d['articles']:,} articles: {d['total_s_for_all']} s in total "
                f"(target ≤ 1 s: {d['pass']}); per digest p50 {_ms(per.get('p50_ms'))}, p99 {_ms(per.get('p99_ms'))}"
                + ("" if d["complete"] else f" ({d['composed']} composed within the time budget, total extrapolated)")
                + ".", ""]
    if i := doc.get("ingest"):
        out += [f"Ingest of {i['files']} files ({i['source']}): {i['articles_per_s']} articles/s against "
                f"`Kiwi().tokenize` at {i['baseline_kiwi_articles_per_s']} articles/s on {i['baseline_processes']} "
                f"processes: {i['ratio']:.0%} (target ≥ 70 %: {i['pass']}).", ""]
    if s := doc.get("startup"):
        out += [f"Start-up to ready at {s['articles']:,} articles: {s['ready_s_median']} s (target ≤ 3 s: "
                f"{s['ready']}); peak RSS {s['peak_rss_mb']} MB after one of every command (target ≤ 600 MB: "
                f"{s['rss']}).", ""]
    return "\n".join(out)


def merge(into: dict, doc: dict) -> dict:
    for key, value in doc.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict) and key not in ("machine", "pool"):
            merge(into[key], value)
        else:
            into[key] = value
    return into


if __name__ == "__main__":
    merged: dict = {}
    for name in sys.argv[1:]:
        doc = json.loads(Path(name).read_text(encoding="utf-8"))
        merged.setdefault("runs", []).append(doc["machine"])
        merge(merged, doc)
    sys.stdout.write(render(merged) + "\n")
