"""Ingest on the dev corpus: how many articles the product rejects, and why."""

from __future__ import annotations

from collections import Counter

from tests.eval.corpus import DEV_CORPUS


def run(ctx) -> dict:
    if not ctx.has(DEV_CORPUS):
        print(f"{DEV_CORPUS} not found; skipped")
        return {}
    built = ctx.dev_built
    rejected = [b for b in built.values() if b.article is None]
    long_rejected = [b for b in rejected if len(ctx.dev_rows[b.line].get("body", "")) >= 200]
    reasons = Counter(b.rejected.split(" (")[0] for b in rejected)
    print(f"articles {len(built)}  rejected {len(rejected)}  rejected with 200+ chars of body {len(long_rejected)}")
    for reason, n in reasons.most_common():
        print(f"  {n:>5}  {reason}")
    return {"articles": len(built), "rejected": len(rejected), "rejected_200_plus": len(long_rejected)}
