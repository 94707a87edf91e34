"""Summaries at the length the product chooses, against lead baselines, on two labelled sets.

    make eval        # this area: tests.eval.summaries.run(EvalContext(DATA))

(a) science: ../shared/data/ko_sci_news_summaries.jsonl, 50 Naver IT/science articles (2016) with the
    sentences people marked (github.com/theeluwin/sci-news-sum-kr-50; MIT, non-commercial experiments).
(b) news: tests/eval/labels/summaries.jsonl, lines of the 2019 dev corpus with the indices of the
    sentences a good 2–3 sentence summary holds, in `split_stable` below (a split of the raw body that
    does not move when cleaning or the product's splitter change). The articles are built by the product.

Nobody is told the reference length: the product outputs what it chooses; lead-k takes as many
sentences as the product did, lead-budget fills the product's character budget, plain TextRank
takes the product's count. ROUGE-1/2/L F1 on kiwi morphemes (rouge-score's tokenizer drops Hangul).
Every figure is reported for the tuning half and the held-out half (corpus.held_out) separately;
for news, the held-out set is NEWS_HELD_OUT, labelled last and blind to the product's output (the
earlier sets' held-out parts were looked at while tuning, so they now count as tuning; when the
held-out file is absent only tuning figures are shown). The scorer's weights are fitted on the
NEWS_TUNING sets; the news CV section (tests/eval/summary_fit.py) re-fits them FOLDS times so each
tuning article is summarised by weights that never saw it.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from rouge_score import rouge_scorer

from briefings.analysis.korean import morphemes
from briefings.models import Article
from briefings.summarize import BUDGET, summarize_sentences
from tests.eval.corpus import DEV_CORPUS, SCI_SUMMARIES, EvalContext, held_out, load_labels, old_module

OLD_COMMIT = "873781b"  # the summariser before issue 8: TextRank, fixed sentence counts
METRICS = ("rouge1", "rouge2", "rougeL")
# News label sets in the order they were made: each later one was labelled blind to the product's
# output. The summariser's weights are fitted on the tuning sets; the held-out set is never tuned on.
NEWS_TUNING = ("summaries", "summaries_fresh", "summaries_fresh2")
NEWS_HELD_OUT = "summaries_fresh3"
_STABLE_BREAK = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"”’'])\s+|(?<=[가-힣][.!?])(?=[가-힣A-Za-z\"“‘'\[(<▶])")


# Datelines, bylines and e-mails glued to a labelled sentence are not what it says: they are taken
# out of the reference and of every system's output alike before scoring.
_JUNK = re.compile(r"[\[(【<][^\])】>]{0,40}(?:기자|특파원|=)[^\])】>]{0,20}[\])】>]"
                   r"|\S{1,10}\s?(?:기자|특파원)\s?=|[\w.+-]{1,64}@[\w-]{1,63}\.[\w.]{2,20}")


def unjunk(text: str) -> str:
    return _JUNK.sub(" ", text)


def split_stable(body: str) -> list[str]:
    """The labels' sentence numbering: cut after . ! ? before white space or a glued next sentence."""
    return [p for p in (x.strip() for x in _STABLE_BREAK.split(body)) if p]


class MorphemeTokenizer:
    """rouge-score's default tokenizer drops Hangul; this one yields kiwi morphemes."""

    def tokenize(self, text: str) -> list[str]:
        return list(_morphemes(text))


@lru_cache(maxsize=20000)
def _morphemes(text: str) -> tuple[str, ...]:
    return tuple(morphemes(text))


def plain_textrank(sentences: Sequence[str], k: int) -> list[str]:
    """Mihalcea & Tarau 2004: overlap / (log|Si| + log|Sj|), uniform PageRank, top k in order."""
    sets = [set(_morphemes(s)) for s in sentences]
    n = len(sets)
    if n == 0:
        return []
    w = [[len(sets[i] & sets[j]) / (math.log(len(sets[i])) + math.log(len(sets[j])))
          if i != j and len(sets[i]) > 1 and len(sets[j]) > 1 else 0.0 for j in range(n)] for i in range(n)]
    out = [sum(r) or 1.0 for r in w]
    s = [1.0 / n] * n
    for _ in range(50):
        s = [0.15 / n + 0.85 * sum(s[i] * w[i][j] / out[i] for i in range(n)) for j in range(n)]
    return [sentences[i] for i in sorted(sorted(range(n), key=lambda i: (-s[i], i))[:k])]


def lead_budget(sentences: Sequence[str], budget: int = BUDGET) -> list[str]:
    """Leading sentences while they fit the budget (the first always)."""
    out: list[str] = []
    for s in sentences:
        if out and sum(map(len, out)) + len(s) > budget:
            break
        out.append(s)
    return out


class Table:
    """Per system and half: summed ROUGE, lengths, and wins/losses against lead-3 on ROUGE-L."""

    def __init__(self) -> None:
        self.scorer = rouge_scorer.RougeScorer(list(METRICS), tokenizer=MorphemeTokenizer())
        self.rows: dict[tuple[str, str], list[dict[str, float]]] = {}

    def add(self, half: str, reference: str, outputs: dict[str, list[str]]) -> None:
        scored = {}
        reference = unjunk(reference)
        for name, sentences in outputs.items():
            text = " ".join(sentences)
            result = self.scorer.score(reference, unjunk(text))
            scored[name] = {m: 100 * result[m].fmeasure for m in METRICS}
            scored[name].update(chars=len(text), sentences=len(sentences))
        lead = scored["lead-3"]["rougeL"]
        for name, row in scored.items():
            row["win"] = float(row["rougeL"] > lead + 1e-9)
            row["loss"] = float(row["rougeL"] < lead - 1e-9)
            self.rows.setdefault((name, half), []).append(row)

    def figures(self) -> dict[str, dict[str, dict[str, float]]]:
        out: dict[str, dict[str, dict[str, float]]] = {}
        for (name, half), rows in self.rows.items():
            n = len(rows)
            cell = {m: round(sum(r[m] for r in rows) / n, 1) for m in METRICS}
            cell.update(mean_chars=round(sum(r["chars"] for r in rows) / n), max_chars=max(r["chars"] for r in rows),
                        mean_sentences=round(sum(r["sentences"] for r in rows) / n, 2),
                        wins=int(sum(r["win"] for r in rows)), losses=int(sum(r["loss"] for r in rows)), n=n)
            out.setdefault(half, {})[name] = cell
        return out


def _systems(sentences: Sequence[str], product: list[str], old: list[str] | None) -> dict[str, list[str]]:
    k = max(1, len(product))
    out = {"briefings": product, "lead-3": list(sentences[:3]), "lead-k": list(sentences[:k]),
           "lead-budget": lead_budget(sentences), "textrank (plain)": plain_textrank(sentences, k)}
    if old is not None:
        out["old summariser"] = old
    return out


def evaluate_science(rows: list[dict], old: ModuleType | None,
                     summarise: Callable[[list[str], str], list[str]] | None = None) -> dict:
    """Set (a): the product sees the sentences and the title, never the reference length."""
    summarise = summarise or (lambda sentences, title: summarize_sentences(sentences, title))
    table = Table()
    for row in rows:
        sentences = row["sentences"]
        reference = " ".join(sentences[i] for i in row["summary_idx"])
        old_out = old.summarize_sentences(sentences) if old is not None else None
        half = "held_out" if held_out(row["id"]) else "tuning"
        table.add(half, reference, _systems(sentences, summarise(sentences, row.get("title", "")), old_out))
    return table.figures()


def news_cases(ctx: EvalContext, name: str = "summaries") -> list[tuple[int, str, Article]]:
    """(line, reference text, the product's built article) for each labelled news line it keeps."""
    labels = load_labels(name)
    built = ctx.build_lines([label["line"] for label in labels])
    cases = []
    for label in labels:
        article = built[label["line"]].article if label["line"] in built else None
        if article is None:
            continue
        pieces = split_stable(ctx.dev_rows[label["line"]]["body"])
        reference = " ".join(pieces[i] for i in label["sentences"] if i < len(pieces))
        cases.append((label["line"], reference, article))
    return cases


def evaluate_news(cases: list[tuple[int, str, Article]], old: ModuleType | None,
                  summarise: Callable[[Article], list[str]] | None = None,
                  fresh: list[tuple[int, str, Article]] | None = None) -> dict:
    """Set (b): the product's summary of its own built article; baselines on the same cleaned body.

    `cases` are the tuning sets (all tuned on, so all count as tuning); `fresh`, when given, is a set
    labelled later, blind to the product and never tuned on: the held-out one."""
    table = Table()
    labelled = [("tuning", line, ref, a) for line, ref, a in cases]
    labelled += [("held_out", line, ref, a) for line, ref, a in fresh or []]
    for half, _line, reference, article in labelled:
        sentences = [s for p in article.body_paragraphs for s in p.sentences]
        product = summarise(article) if summarise else list(article.summary)
        old_out = old.summarize_article(article)[0] if old is not None else None
        table.add(half, reference, _systems(sentences, product, old_out))
    return table.figures()


def company_overlap(cases: list[tuple[int, str, Article]], old: ModuleType | None) -> dict[str, dict]:
    """Per-company summaries of multi-company articles: how often two companies get the same one."""
    from briefings.summarize import summarize_article

    systems: dict[str, Callable[[Article], dict[str, list[str]]]] = {"briefings": lambda a: summarize_article(a)[1]}
    if old is not None:
        systems["old summariser"] = lambda a: old.summarize_article(a)[1]
    out: dict[str, dict] = {}
    for name, per_company in systems.items():
        pairs = same = articles = 0
        for _, _, article in cases:
            per = per_company(article)
            if len(per) < 2:
                continue
            articles += 1
            keys = sorted(per)
            for i, a in enumerate(keys):
                for b in keys[i + 1:]:
                    pairs += 1
                    same += per[a] == per[b]
        out[name] = {"articles": articles, "company_pairs": pairs, "identical_pairs": same}
    return out


# What must never be in a stored summary, checked independently of the product's own cleaning rules.
_BOILERPLATE = {
    "e-mail": re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}\.[\w.]{2,20}"),
    "byline": re.compile(r"[가-힣]{2,4}\s?(?:기자|특파원)\s?(?:=|\]|】|\))"
                         r"|[\[【(][^\]】)]{0,20}(?:기자|특파원)[\]】)]"),
    "caption": re.compile(r"[\[(【]\s?(?:사진|그래픽|자료|영상)\s?[=:]|사진\s?제공\s?[=:]?"
                          r"|/(?:연합뉴스|뉴시스|뉴스1)\b"),
    "copyright": re.compile(r"ⓒ|©|무단\s?전재|재배포\s?금지|저작권자"),
    "promo": re.compile(r"^\s?[▶☞■]"),
}


def corpus_summaries(ctx: EvalContext) -> dict:
    """Every stored summary of the dev corpus (as ingest made it): length, and boilerplate by kind;
    against the first three sentences of the raw body (what a summary without cleaning would show)."""
    out: dict[str, dict] = {}
    raw_lead = {n: split_stable(row["body"])[:3] for n, row in ctx.dev_rows.items()}
    systems = {"briefings": {n: list(b.article.summary) for n, b in ctx.dev_built.items() if b.article},
               "raw lead-3": {n: raw_lead[n] for n, b in ctx.dev_built.items() if b.article}}
    for name, summaries in systems.items():
        kinds = {kind: 0 for kind in _BOILERPLATE}
        over = longest = dirty = 0
        for sentences in summaries.values():
            text = " ".join(sentences)
            longest = max(longest, len(text))
            over += len(text) > 400
            found = {kind for kind, pattern in _BOILERPLATE.items() if any(map(pattern.search, sentences))}
            for kind in found:
                kinds[kind] += 1
            dirty += bool(found)
        out[name] = {"summaries": len(summaries), "over_400": over, "longest": longest, **kinds,
                     "with_boilerplate": dirty}
    return out


def print_table(title: str, figures: dict) -> None:
    for half in ("tuning", "held_out"):
        rows = figures.get(half, {})
        if not rows:
            continue
        n = next(iter(rows.values()))["n"]
        print(f"{title}, {half} (n={n})")
        print(f"  {'system':<18} {'R-1':>5} {'R-2':>5} {'R-L':>5} {'chars':>6} {'max':>5} {'sents':>5} "
              f"{'W/L vs lead-3':>14}")
        for name, c in rows.items():
            print(f"  {name:<18} {c['rouge1']:>5} {c['rouge2']:>5} {c['rougeL']:>5} {c['mean_chars']:>6} "
                  f"{c['max_chars']:>5} {c['mean_sentences']:>5} {c['wins']:>7}/{c['losses']:<6}")


def run(ctx: EvalContext) -> dict:
    import json

    old = old_module(OLD_COMMIT, "briefings/summarize.py", "old_summarize")
    if old is None:
        print(f"(old summariser unavailable: git show {OLD_COMMIT} failed; that baseline is left out)")
    result: dict = {}
    if ctx.has(SCI_SUMMARIES):
        rows = [json.loads(line) for line in ctx.path(SCI_SUMMARIES).read_text(encoding="utf-8").splitlines()
                if line.strip()]
        result["science"] = evaluate_science(rows, old)
        print_table("science (human-marked sentences)", result["science"])
    if ctx.has(DEV_CORPUS) and load_labels("summaries"):
        cases = [case for name in NEWS_TUNING if load_labels(name) for case in news_cases(ctx, name)]
        fresh = news_cases(ctx, NEWS_HELD_OUT) if load_labels(NEWS_HELD_OUT) else None
        print(f"news: {len(cases)} tuning articles built from {', '.join(NEWS_TUNING)}"
              + (f"; held-out: {len(fresh)} of {len(load_labels(NEWS_HELD_OUT))} in {NEWS_HELD_OUT}" if fresh else ""))
        result["news"] = evaluate_news(cases, old, fresh=fresh)
        print_table(f"news (held_out = {NEWS_HELD_OUT}, labelled blind, never tuned on)"
                    if fresh else "news (tuning sets; the product's weights were fitted on these)", result["news"])
        from tests.eval.summary_fit import FOLDS, cross_validate

        result["news_cv"] = cross_validate(cases)
        print_table(f"news, {FOLDS}-fold cross-validation (weights re-fitted without each article's fold)",
                    {"tuning": result["news_cv"]})
        result["corpus"] = corpus_summaries(ctx)
        print("stored summaries of the whole dev corpus (summaries with each kind of boilerplate)")
        for name, c in result["corpus"].items():
            print(f"  {name:<12} n={c['summaries']}  over 400: {c['over_400']}  longest: {c['longest']}  "
                  f"with boilerplate: {c['with_boilerplate']} (" + ", ".join(f"{k} {c[k]}" for k in _BOILERPLATE) + ")")
        result["news_companies"] = company_overlap(cases, old)
        for name, c in result["news_companies"].items():
            print(f"per-company summaries, {name}: {c['identical_pairs']}/{c['company_pairs']} company pairs "
                  f"identical in {c['articles']} multi-company articles")
    return result


if __name__ == "__main__":
    from tests.eval.corpus import DEFAULT_DATA

    run(EvalContext(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA))
