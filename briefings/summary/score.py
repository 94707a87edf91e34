"""Title-free sentence scores (lead position, light centrality) for `select` and digest sections.

Article summaries are scored by briefings.summary.learned; this module keeps the older rule,
which callers without a title or features still use.

Korean news is written lead-first, so position dominates; overlap with the title lifts a later
sentence that restates the headline; a small TextRank term (Mihalcea & Tarau overlap, over the
capped candidate set only, never all sentences) breaks ties towards sentences the rest repeat.
The rule's weights were tuned on 161 labelled news articles (tests/eval/labels/summaries.jsonl and
summaries_fresh.jsonl) and checked once on a third set labelled blind, summaries_fresh2.jsonl. The
centrality term measured no gain on news once position and headline are in, so its weight is 0
(it is still used by section summaries in digests, through `centrality`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

CANDIDATES = 40  # only the first 40 usable sentences compete: keeps every step linear in the article
LEAD_DECAY = 1.4  # position prior 1 / (rank + 1) ** LEAD_DECAY
TITLE_WEIGHT = 0.3
CENTRALITY_WEIGHT = 0.0  # measured: no gain on news once position and title are in
REDUNDANCY = 0.65  # share of the smaller sentence's terms that makes it a repeat (content terms only)
DAMPING = 0.85
ITERATIONS = 30


def similarity(a: set[str], b: set[str]) -> float:
    if len(a) < 2 or len(b) < 2:
        return 0.0
    return len(a & b) / (math.log(len(a)) + math.log(len(b)))


def repeats(a: set[str], b: set[str]) -> bool:
    return len(a & b) / max(min(len(a), len(b)), 1) >= REDUNDANCY


def centrality(token_sets: Sequence[set[str]]) -> list[float]:
    """Plain PageRank over the (capped) candidates, scaled so the most central scores 1."""
    sets = list(token_sets[:CANDIDATES])
    n = len(sets)
    if n == 0:
        return []
    weights = [[similarity(sets[i], sets[j]) if i != j else 0.0 for j in range(n)] for i in range(n)]
    out_sums = [sum(row) or 1.0 for row in weights]
    scores = [1.0 / n] * n
    for _ in range(ITERATIONS):
        scores = [(1 - DAMPING) / n + DAMPING * sum(scores[i] * weights[i][j] / out_sums[i] for i in range(n))
                  for j in range(n)]
    top = max(scores) or 1.0
    return [s / top for s in scores] + [0.0] * (len(token_sets) - n)


def scores(token_sets: Sequence[set[str]], title: set[str], lead_decay: float = LEAD_DECAY,
           title_weight: float = TITLE_WEIGHT, centrality_weight: float = CENTRALITY_WEIGHT) -> list[float]:
    """One score per candidate (given in article order, already capped by the caller)."""
    central = centrality(token_sets) if centrality_weight else [0.0] * len(token_sets)
    out = []
    for rank, terms in enumerate(token_sets):
        overlap = len(terms & title) / len(title) if title else 0.0
        out.append(1 / (rank + 1) ** lead_decay + title_weight * overlap + centrality_weight * central[rank])
    return out
