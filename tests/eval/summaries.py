"""Score the summariser against human-marked Korean summaries (ROUGE F1 on kiwi morphemes).

    make eval        # or: python -m tests.eval.summaries [PATH]

Reads ../shared/data/ko_sci_news_summaries.jsonl (50 Naver IT/science articles, 2016, from
github.com/theeluwin/sci-news-sum-kr-50; MIT, non-commercial experiments only). The data is not
redistributed with this project; where the file is absent the command says so and exits 0.

Every system picks as many sentences as the reference marks (k = len(summary_idx)), except lead-3,
which is the first three sentences as its name says. Printed: a table and one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from rouge_score import rouge_scorer

from briefings.analysis.korean import morphemes
from briefings.summarize import select

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ko_sci_news_summaries.jsonl"


class MorphemeTokenizer:
    """rouge-score's default tokenizer drops Hangul; this one yields kiwi morphemes."""

    def tokenize(self, text: str) -> list[str]:
        return morphemes(text)


def plain_textrank(token_lists: list[list[str]], k: int) -> list[int]:
    """Mihalcea & Tarau 2004: overlap / (log|Si| + log|Sj|), uniform PageRank."""
    import math
    n = len(token_lists)
    sets = [set(t) for t in token_lists]
    w = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i != j and len(sets[i]) > 1 and len(sets[j]) > 1:
                w[i][j] = len(sets[i] & sets[j]) / (math.log(len(sets[i])) + math.log(len(sets[j])))
    out = [sum(r) or 1.0 for r in w]
    s = [1.0 / n] * n
    for _ in range(50):
        s = [0.15 / n + 0.85 * sum(s[i] * w[i][j] / out[i] for i in range(n)) for j in range(n)]
    return sorted(sorted(range(n), key=lambda i: (-s[i], i))[:k])


def evaluate(path: Path) -> dict[str, dict[str, float]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=MorphemeTokenizer())
    tok = MorphemeTokenizer()
    systems = {"lead-3": [], "textrank (plain)": [], "briefings": []}
    elapsed = 0.0
    for row in rows:
        sentences = row["sentences"]
        k = len(row["summary_idx"])
        reference = " ".join(sentences[i] for i in row["summary_idx"])
        token_lists = [tok.tokenize(s) for s in sentences]
        started = time.perf_counter()
        ours = select(sentences, k, token_lists)  # analysis (tokenising) is timed apart from ranking
        elapsed += time.perf_counter() - started
        picks = {"lead-3": list(range(min(3, len(sentences)))), "textrank (plain)": plain_textrank(token_lists, k),
                 "briefings": ours}
        for name, idx in picks.items():
            scores = scorer.score(reference, " ".join(sentences[i] for i in idx))
            systems[name].append({m: s.fmeasure for m, s in scores.items()})
    table = {name: {m: round(100 * sum(r[m] for r in res) / len(res), 1) for m in ("rouge1", "rouge2", "rougeL")}
             for name, res in systems.items()}
    table["briefings"]["ms_per_article"] = round(1000 * elapsed / len(rows), 2)
    return table


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT_DATA
    if not path.exists():
        print(f"evaluation data not found at {path}: it is not shipped with briefings (its licence is "
              "non-commercial); place ko_sci_news_summaries.jsonl there to run the evaluation.")
        return 0
    table = evaluate(path)
    print(f"{'system':<20} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8}")
    for name, row in table.items():
        print(f"{name:<20} {row['rouge1']:>8} {row['rouge2']:>8} {row['rougeL']:>8}")
    print(json.dumps({"summaries": table, "target_rougeL": 58.6}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def run(ctx) -> dict:
    from tests.eval.corpus import SCI_SUMMARIES
    table = evaluate(ctx.path(SCI_SUMMARIES))
    for name, row in table.items():
        print(f"{name:<20} {row['rouge1']:>8} {row['rouge2']:>8} {row['rougeL']:>8}")
    return table
