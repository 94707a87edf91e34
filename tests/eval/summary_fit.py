"""Fit the summary scorer's weights (briefings.summary.learned) and cross-validate them against lead-3.

    PYTHONPATH=. python -m tests.eval.summary_fit /work/shared/data   # prints CV figures and the constants

Training data: the news tuning sets (tests.eval.summaries.NEWS_TUNING). A candidate sentence (the
product's own candidates of its own built article) counts as positive when at least POSITIVE of its
morphemes are in the labelled reference. Logistic regression with an L2 penalty, fitted by Newton's
method in plain Python (standardised features; one weight per feature). Cross-validation: FOLDS folds by a stable
hash of the corpus line; each fold's articles are summarised with weights fitted on the other folds only,
and scored with the same Table as the evaluation (product vs lead-3, lead-k, lead-budget).
"""

from __future__ import annotations

import hashlib
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from briefings.analysis.korean import index_terms
from briefings.models import Article
from briefings.summarize import _body, _candidates, choose, main_companies
from briefings.summary.learned import FEATURES, features
from tests.eval.summaries import _morphemes, _systems, news_cases, unjunk

FOLDS = 5
# Share of a candidate's morphemes found in the reference that makes it a reference sentence
# (CV: 0.85–1.0 alike, 0.8 a point worse).
POSITIVE = 0.9
L2 = 10.0  # chosen by CV among 1, 10, 50 (flat between 1 and 10; 50 under-fits)
NEWTON_STEPS = 25

Case = tuple[int, str, Article]


def fold_of(line: int) -> int:
    return hashlib.sha256(str(line).encode()).digest()[0] % FOLDS


def rows_and_labels(case: Case) -> tuple[list[list[float]], list[float]]:
    _, reference, article = case
    cands = _candidates(_body(article))
    ref = set(_morphemes(unjunk(reference)))
    rows = features([c.text for c in cands], [c.terms for c in cands], set(index_terms(article.title)),
                    set(main_companies(article)))
    labels = []
    for c in cands:
        words = _morphemes(c.text)
        labels.append(float(sum(w in ref for w in words) / max(len(words), 1) >= POSITIVE))
    return rows, labels


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a is small and positive definite)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            if f:
                m[r] = [x - f * y for x, y in zip(m[r], m[c], strict=True)]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) / m[r][r]
    return x


def fit(rows: Sequence[Sequence[float]], labels: Sequence[float], l2: float = L2) -> tuple[list[float], float]:
    """L2-penalised logistic regression; returns (weights, bias) on the raw feature scale."""
    d = len(rows[0])
    mean = [sum(r[j] for r in rows) / len(rows) for j in range(d)]
    sd = [math.sqrt(sum((r[j] - mean[j]) ** 2 for r in rows) / len(rows)) or 1.0 for j in range(d)]
    z = [[(r[j] - mean[j]) / sd[j] for j in range(d)] + [1.0] for r in rows]
    w = [0.0] * (d + 1)
    for _ in range(NEWTON_STEPS):
        grad = [l2 * w[j] if j < d else 0.0 for j in range(d + 1)]
        hess = [[(l2 if i == j and i < d else 0.0) for j in range(d + 1)] for i in range(d + 1)]
        for x, y in zip(z, labels, strict=True):
            s = sum(a * b for a, b in zip(w, x, strict=True))
            p = 1 / (1 + math.exp(-max(min(s, 50.0), -50.0)))
            q = p * (1 - p)
            for i in range(d + 1):
                grad[i] += (p - y) * x[i]
                qi = q * x[i]
                row = hess[i]
                for j in range(i, d + 1):
                    row[j] += qi * x[j]
        for i in range(d + 1):
            for j in range(i):
                hess[i][j] = hess[j][i]
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    weights = [w[j] / sd[j] for j in range(d)]
    return weights, w[d] - sum(weights[j] * mean[j] for j in range(d))


def summarise(article: Article, weights: Sequence[float], bias: float) -> list[str]:
    title = set(index_terms(article.title))
    return [c.text for c in choose(_candidates(_body(article)), title, names=main_companies(article),
                                   weights=weights, bias=bias)]


def cross_validate(cases: Sequence[Case]) -> dict:
    """Every article summarised by weights fitted without its fold; figures as the evaluation's Table."""
    from tests.eval.summaries import Table

    data = [(case, *rows_and_labels(case)) for case in cases]
    table = Table()
    for f in range(FOLDS):
        train = [(r, y) for case, rows, labels in data if fold_of(case[0]) != f
                 for r, y in zip(rows, labels, strict=True)]
        weights, bias = fit([r for r, _ in train], [y for _, y in train])
        for (line, reference, article), _, _ in data:
            if fold_of(line) == f:
                sentences = [s for p in article.body_paragraphs for s in p.sentences]
                outputs = _systems(sentences, summarise(article, weights, bias), None)
                outputs.pop("textrank (plain)")
                table.add("cross-validated", reference, outputs)
    return table.figures()["cross-validated"]


def main(data: Path) -> None:
    from tests.eval.corpus import EvalContext
    from tests.eval.summaries import NEWS_TUNING, print_table

    ctx = EvalContext(data)
    cases = [case for name in NEWS_TUNING for case in news_cases(ctx, name)]
    print_table(f"news, {FOLDS}-fold CV over {len(cases)} articles", {"tuning": cross_validate(cases)})
    rows, labels = [], []
    for case in cases:
        r, y = rows_and_labels(case)
        rows += r
        labels += y
    weights, bias = fit(rows, labels)
    print(f"# fitted on {len(cases)} articles, {len(rows)} candidates, {int(sum(labels))} positive")
    print("WEIGHTS = (" + ", ".join(f"{w:.3f}" for w in weights) + ")")
    print(f"BIAS = {bias:.3f}")
    for name, w in zip(FEATURES, weights, strict=True):
        print(f"#   {name:<18} {w:+.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/data"))
