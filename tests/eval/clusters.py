"""Same-story clustering against labelled pairs: the product vs the old clustering, in one run.

Labels (tests/eval/labels/same_story.jsonl) are pairs of dev-corpus lines judged by reading:
one story told by two articles (any outlet) or not, including hard negatives (same company, same
day, another story; templated daily reports). Every system clusters the WHOLE built corpus and a
pair counts as merged when both lines land in one story, so precision includes merges made
through third articles. Baselines: the clustering before this change (greedy, Jaccard of
title+lead terms against each story's first article ≥ 0.5, newest first) and text resemblance
alone (MinHash ≥ 0.5 with no title/lead guard, clustered the same way as the product).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from briefings.digest.cluster import Features, cluster, within
from briefings.digest.fingerprint import resemblance
from briefings.models import Article
from tests.eval.corpus import EvalContext, held_out, load_labels


def old_cluster(articles: list[Article]) -> list[list[Article]]:
    """briefings/digest/compose.py at 873781b, re-implemented."""
    def key(a: Article) -> tuple:
        return (a.published.first_day().isoformat() if a.published else "", a.ingested_at)
    groups: list[tuple[set[str], list[Article]]] = []
    for article in sorted(articles, key=key, reverse=True):
        terms = set(article.story_terms)
        for seen, members in groups:
            if terms and len(terms & seen) / len(terms | seen) >= 0.5:
                members.append(article)
                break
        else:
            groups.append((terms, [article]))
    return [m for _, m in groups]


def text_only(a: Features, b: Features) -> bool:
    return within(a, b) and resemblance(a.slots, b.slots) >= 0.5


def _scores(labels: list[dict], story_of: dict[int, int]) -> dict[str, float]:
    tp = fp = fn = 0
    for row in labels:
        merged = story_of.get(row["line_a"], -1) == story_of.get(row["line_b"], -2)
        tp += merged and row["same"]
        fp += merged and not row["same"]
        fn += (not merged) and row["same"]
    return {"precision": round(100 * tp / (tp + fp), 1) if tp + fp else 0.0,
            "recall": round(100 * tp / (tp + fn), 1) if tp + fn else 0.0, "pairs": len(labels)}


def run(ctx: EvalContext) -> dict:
    labels = load_labels("same_story")
    built = ctx.dev_built  # the story count needs every article
    articles = [b.article for b in built.values() if b.article]
    line_of = {id(b.article): n for n, b in built.items() if b.article}
    systems: dict[str, Callable[[list[Article]], list[list[Article]]]] = {
        "product": cluster, "old (873781b)": old_cluster,
        "text only": lambda items: cluster(items, decide=text_only)}
    halves = {"tuning": [r for r in labels if not held_out((r["line_a"], r["line_b"]))],
              "held-out": [r for r in labels if held_out((r["line_a"], r["line_b"]))]}
    out: dict[str, dict] = {}
    print(f"{'system':<16}{'half':<10}{'P':>7}{'R':>7}{'pairs':>7}{'stories':>9}{'s':>7}")
    for name, fn in systems.items():
        started = time.perf_counter()
        groups = fn(articles)
        elapsed = time.perf_counter() - started
        story_of = {line_of[id(a)]: g for g, members in enumerate(groups) for a in members}
        out[name] = {"articles": len(articles), "stories": len(groups), "seconds": round(elapsed, 2)}
        for half, rows in halves.items():
            out[name][half] = _scores(rows, story_of)
            s = out[name][half]
            print(f"{name:<16}{half:<10}{s['precision']:>7}{s['recall']:>7}{s['pairs']:>7}{len(groups):>9}"
                  f"{elapsed:>7.2f}")
    return out
