"""Tagging on the dev corpus: is an article `about` a company, and are its theme tags right?

Labels (tests/eval/labels/companies.jsonl, themes.jsonl) were judged by reading the articles.
Companies: the product's `about` against "any mention = about" and "named in the headline = about".
Themes: the product's whole-word, supporting-aware matching against the old rule (any substring of
any keyword counts, any keyword can tag alone), both over the same taxonomy and the same built text.
Every figure is given for the tuning half and the held-out half (tests.eval.corpus.held_out).
"""

from __future__ import annotations

from collections.abc import Callable

from briefings.analysis.taxonomy import Finder, Taxonomy
from briefings.models import Article
from tests.eval.corpus import DEV_CORPUS, dev_taxonomy, held_out, load_labels

HALVES = (("tuning", False), ("held-out", True))


def substring_themes(taxonomy: Taxonomy, article: Article) -> set[str]:
    """The rule before whole-word matching: every substring hit of every keyword counts."""
    texts = [article.title, *(p.text for p in article.paragraphs if p.kind != "caption")]
    tagged = set()
    for theme in taxonomy.spec.themes:
        score = 0.0
        for keyword in theme.keywords:
            finder = Finder([keyword.term])
            count = sum(len(finder.find(text)) for text in texts)
            score += keyword.weight * min(count, keyword.max_count)
        if score >= theme.threshold:
            tagged.add(theme.id)
    return tagged


def _pr(pairs: list[tuple[bool, bool]]) -> tuple[float | None, float | None, int]:
    """Precision and recall of predictions against truth, from (predicted, true) pairs."""
    tp = sum(p and t for p, t in pairs)
    predicted = sum(p for p, _ in pairs)
    positive = sum(t for _, t in pairs)
    precision = tp / predicted if predicted else None
    recall = tp / positive if positive else None
    return precision, recall, len(pairs)


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _table(title: str, rows: dict[str, Callable[[dict], bool]], labels: list[dict], truth: str,
           key: Callable[[dict], object]) -> dict:
    print(title)
    print(f"  {'rule':<28}{'half':<10}{'precision':>10}{'recall':>9}{'n':>6}")
    out: dict[str, dict] = {}
    for name, predict in rows.items():
        for half, is_held in HALVES:
            part = [lab for lab in labels if held_out(key(lab)) == is_held]
            precision, recall, n = _pr([(predict(lab), lab[truth]) for lab in part])
            print(f"  {name:<28}{half:<10}{_fmt(precision):>10}{_fmt(recall):>9}{n:>6}")
            out.setdefault(name, {})[half] = {"precision": precision, "recall": recall, "n": n}
    return out


def company_figures(labels: list[dict], articles: dict[int, Article], taxonomy: Taxonomy) -> dict:
    usable = [lab for lab in labels if articles.get(lab["line"]) is not None]

    def tag(lab: dict):
        return next((t for t in articles[lab["line"]].companies if t.company == lab["company"]), None)

    def in_title(lab: dict) -> bool:
        return bool(taxonomy.company_finders[lab["company"]].find(articles[lab["line"]].title))

    rows = {
        "product about": lambda lab: bool((t := tag(lab)) and t.about),
        "baseline: any mention": lambda lab: tag(lab) is not None,
        "baseline: title mention": in_title,
    }
    return _table("company `about` (is the article about the company?)", rows, usable, "about",
                  lambda lab: (lab["line"], lab["company"]))


def theme_figures(labels: list[dict], articles: dict[int, Article], taxonomy: Taxonomy) -> dict:
    usable = [lab for lab in labels if articles.get(lab["line"]) is not None]
    old = {line: substring_themes(taxonomy, a) for line, a in articles.items() if a is not None}
    rows = {
        "product (whole words)": lambda lab: lab["theme"] in articles[lab["line"]].theme_ids,
        "baseline: substrings": lambda lab: lab["theme"] in old[lab["line"]],
    }
    # recall here is pooled: of the labelled correct tags (found by either rule), how many a rule finds
    return _table("theme tags (labelled tags of either rule; recall pooled over both)", rows, usable,
                  "correct", lambda lab: (lab["line"], lab["theme"]))


def run(ctx) -> dict:
    if not ctx.has(DEV_CORPUS):
        print(f"{DEV_CORPUS} not found; skipped")
        return {}
    companies, themes = load_labels("companies"), load_labels("themes")
    built = ctx.build_lines({lab["line"] for lab in [*companies, *themes]})
    articles = {line: b.article for line, b in built.items()}
    taxonomy = dev_taxonomy()
    return {"companies": company_figures(companies, articles, taxonomy),
            "themes": theme_figures(themes, articles, taxonomy)}
