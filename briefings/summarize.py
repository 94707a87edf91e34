"""Extractive summaries: TextRank over Korean morphemes with a mild lead prior.

Deterministic, no network, no model. Sentences are nodes; an edge weighs the morphemes two
sentences share, normalised by the logs of their sizes (Mihalcea & Tarau), which favours
sentences that carry the story over short fragments. PageRank is personalised towards the lead,
as Korean news front-loads the story. The top sentences come back in article order, skipping a
sentence that mostly repeats one already chosen. Only body sentences are candidates: bylines,
captions and sub-headings never are. Measured by `make eval` (see README).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from briefings.analysis.korean import index_terms, morphemes
from briefings.models import Article

DAMPING = 0.85
LEAD_PRIOR = 0.5  # personalisation ∝ 1 / (position + 1) ** LEAD_PRIOR; tuned by make eval
REDUNDANCY = 0.8  # share of the smaller sentence's morphemes that makes it a repeat
MIN_CHARS = 12
ITERATIONS = 50


def similarity(a: set[str], b: set[str]) -> float:
    if len(a) < 2 or len(b) < 2:
        return 0.0
    return len(a & b) / (math.log(len(a)) + math.log(len(b)))


def repeats(a: set[str], b: set[str]) -> bool:
    return len(a & b) / max(min(len(a), len(b)), 1) >= REDUNDANCY


def rank(token_sets: Sequence[set[str]]) -> list[float]:
    """Personalised PageRank score of each sentence."""
    n = len(token_sets)
    if n == 0:
        return []
    weights = [[similarity(token_sets[i], token_sets[j]) if i != j else 0.0 for j in range(n)] for i in range(n)]
    out_sums = [sum(row) or 1.0 for row in weights]
    prior = [1 / (i + 1) ** LEAD_PRIOR for i in range(n)]
    total = sum(prior)
    prior = [p / total for p in prior]
    scores = prior[:]
    for _ in range(ITERATIONS):
        scores = [(1 - DAMPING) * prior[j]
                  + DAMPING * sum(scores[i] * weights[i][j] / out_sums[i] for i in range(n)) for j in range(n)]
    return scores


def select(sentences: Sequence[str], k: int, token_lists: Sequence[list[str]] | None = None) -> list[int]:
    """Indices of the k sentences that carry the story, in article order."""
    if token_lists is None:
        token_lists = [morphemes(s) for s in sentences]
    sets = [set(t) for t in token_lists]
    scores = rank(sets)
    chosen: list[int] = []
    for i in sorted(range(len(sentences)), key=lambda i: (-scores[i], i)):
        if len(chosen) >= k:
            break
        if len(sentences[i]) < MIN_CHARS or not sets[i] or any(repeats(sets[i], sets[j]) for j in chosen):
            continue
        chosen.append(i)
    return sorted(chosen)


def summary_length(sentence_count: int) -> int:
    """2–3 sentences; short articles get fewer."""
    return 1 if sentence_count <= 3 else 2 if sentence_count <= 6 else 3


def summarize_sentences(sentences: Sequence[str], k: int | None = None) -> list[str]:
    k = summary_length(len(sentences)) if k is None else k
    return [sentences[i] for i in select(sentences, k)]


def summarize_article(article: Article) -> tuple[list[str], dict[str, list[str]]]:
    """The article's summary, and per company a summary of that company's own paragraphs."""
    body = article.body_paragraphs
    sentences = [s for p in body for s in p.sentences]
    summary = summarize_sentences(sentences)
    per_company: dict[str, list[str]] = {}
    if len(article.companies) > 1:
        for tag in article.companies:
            own = set(tag.paragraphs) | set(tag.inherited_paragraphs)
            mine = [s for p in body if p.index in own for s in p.sentences]
            if mine:
                per_company[tag.company] = summarize_sentences(mine, min(2, len(mine)))
    return summary, per_company


def story_terms(article: Article) -> list[str]:
    """What identifies the story an article tells: content words of its title and lead sentence.

    Computed once at ingest and kept with the article, so composing a digest never re-runs the
    analyser; particles and endings are left out, or any two Korean sentences would look alike.
    """
    return sorted(set(index_terms(" ".join([article.title, *article.summary[:1]]))))
