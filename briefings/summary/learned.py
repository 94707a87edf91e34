"""A small logistic scorer over general sentence features: is this sentence in a good summary?

Korean news is lead-first, so position carries most of the weight; the rest are shapes any news
sentence has (length, numbers and amounts, a report verb such as 밝혔다, quote marks, the headline's
words, the article's main company, repeating the lead; opening a paragraph measured no gain). The
weights are plain constants fitted by tests/eval/summary_fit.py on 241 labelled news articles
(5-fold cross-validated there against lead-3); no model file, no extra dependency.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_REPORT = re.compile(r"(?:밝혔|말했|강조했|설명했|전했|덧붙였|발표했|예상했|전망했|분석했)다")
_DIGIT = re.compile(r"\d")
_AMOUNT = re.compile(r"\d[\d,.]{0,12}\s?(?:%|억|조|만|원|달러|배|명|개|건|곳|대)")
_QUOTE = re.compile(r"[\"“”‘’']")

FEATURES = ("lead_prior", "first", "second", "third", "relative_position", "rank_capped", "length",
            "short", "title_overlap", "digit", "amount", "report_verb", "quote", "names_company",
            "lead_overlap")
# Fitted by `python -m tests.eval.summary_fit /work/shared/data` (all 241 labelled articles).
WEIGHTS = (1.154, -0.202, 0.508, 0.552, -0.366, -2.670, -0.783, -0.195, 2.224, 0.582, 0.341, 0.193, 0.123, 0.157,
           0.139)
BIAS = -0.681


def feature_row(rank: int, n: int, text: str, words: set[str] | None, title: set[str], lead: set[str],
                names: set[str]) -> list[float]:
    """One candidate's row, in FEATURES order. Without its `words` (not analysed yet) the two
    features that need them are 0 and `bound` says how much they can add."""
    overlap = len(words & title) / len(title) if title and words is not None else 0.0
    lead_overlap = 1.0 if rank == 0 else len(words & lead) / max(len(words), 1) if words is not None else 0.0
    return [1 / (rank + 1) ** 1.4, float(rank == 0), float(rank == 1), float(rank == 2),
            rank / max(n - 1, 1), min(rank, 10) / 10, len(text) / 100, float(len(text) < 40), overlap,
            float(bool(_DIGIT.search(text))), float(bool(_AMOUNT.search(text))),
            float(bool(_REPORT.search(text))), float(bool(_QUOTE.search(text))),
            float(any(name in text for name in names)), lead_overlap]


_TITLE, _LEAD = FEATURES.index("title_overlap"), FEATURES.index("lead_overlap")


def bound(row: list[float], rank: int, has_title: bool, weights: Sequence[float] = WEIGHTS,
          bias: float = BIAS) -> float:
    """An upper bound on `logit` of a row made without the candidate's words: both word overlaps lie
    in 0..1, so each adds at most its weight when positive (a little slack covers float rounding)."""
    extra = max(weights[_TITLE], 0.0) if has_title else 0.0
    if rank:
        extra += max(weights[_LEAD], 0.0)
    return logit(row, weights, bias) + extra + 1e-9


def features(texts: Sequence[str], terms: Sequence[set[str]], title: set[str],
             names: set[str]) -> list[list[float]]:
    """One row per candidate (article order, already capped), in FEATURES order."""
    n = len(texts)
    lead = terms[0] if n else set()
    return [feature_row(rank, n, text, words, title, lead, names)
            for rank, (text, words) in enumerate(zip(texts, terms, strict=True))]


def logit(row: Sequence[float], weights: Sequence[float] = WEIGHTS, bias: float = BIAS) -> float:
    return bias + sum(w * x for w, x in zip(weights, row, strict=True))


def probability(score: float) -> float:
    return 1 / (1 + math.exp(-max(min(score, 50.0), -50.0)))
