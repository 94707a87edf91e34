"""Search on the dev corpus: precision and recall of the product against the search before issue 8.

The dev articles on every sixth line (252 of 284 survive ingest) are built through the product
(ctx.build_lines) and stored twice through the real SQLite store: once with the product's index
entries, once with the old ones (morphemes only, tests/eval/search_baseline.py). Each query runs on
both in the same run. Labels in tests/eval/labels/search.jsonl say, for each article either system
returned (and each article holding the query's letters with spaces removed, so a miss by both still
counts), whether it is relevant: it mentions what words typed together name (a compound in any
spacing or split), every word typed apart, a quoted phrase in order. Queries are split into a
tuning half and a held-out half by corpus.held_out(query); figures are micro-averaged over
(query, article) pairs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from briefings.models import Article
from briefings.search import article_terms, parse_query
from briefings.store import ArticleFilter, SqliteStore, TextQuery
from tests.eval.corpus import DEV_CORPUS, dev_taxonomy, held_out, load_labels
from tests.eval.search_baseline import old_query, old_terms

SAMPLE = sorted({*range(1, 1696, 6), 281})
QUERIES: list[str] = []
LIMIT = 1000


def _store(folder: Path, name: str, articles: dict[int, Article], terms) -> SqliteStore:
    store = SqliteStore(folder / f"{name}.sqlite3")
    for line, article in articles.items():
        article.terms = terms(article)
        store.add_article(article, f"dev:{line}", f"{line:064x}")
    return store


def _lines(store: SqliteStore, query: TextQuery, companies: list[str], by_id: dict[str, int]) -> set[int]:
    if not query.phrases and not companies:
        return set()
    page = store.search(query, ArticleFilter(companies=tuple(companies)), LIMIT, 0)
    return {by_id[h.article.id] for h in page.hits}


def answers(articles: dict[int, Article], queries: list[str]) -> dict[str, dict[str, set[int]]]:
    """For each query, the corpus lines each system returns."""
    taxonomy = dev_taxonomy()
    by_id = {a.id: line for line, a in articles.items()}
    out: dict[str, dict[str, set[int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        new = _store(Path(tmp), "product", articles, article_terms)
        old = _store(Path(tmp), "old", {k: _copy(a) for k, a in articles.items()}, old_terms)
        for q in queries:
            parsed = parse_query(q, taxonomy)
            old_q, old_companies = old_query(q, taxonomy)
            out[q] = {"product": _lines(new, parsed.query, parsed.companies, by_id),
                      "old": _lines(old, old_q, old_companies, by_id)}
        new.close()
        old.close()
    return out


def _copy(article: Article) -> Article:
    return Article.from_dict(article.to_dict())


def _score(pairs: list[tuple[bool, bool]]) -> tuple[float, float, int, int]:
    """(returned, relevant) pairs → precision, recall, returned count, relevant count."""
    returned = sum(r for r, _ in pairs)
    relevant = sum(v for _, v in pairs)
    hit = sum(r and v for r, v in pairs)
    return hit / max(returned, 1), hit / max(relevant, 1), returned, relevant


def run(ctx) -> dict:
    if not ctx.has(DEV_CORPUS):
        print(f"{DEV_CORPUS} not found; skipped")
        return {}
    labels = {(r["query"], r["line"]): bool(r["relevant"]) for r in load_labels("search")}
    queries = list(dict.fromkeys(q for q, _ in labels))
    built = ctx.build_lines(SAMPLE)
    articles = {line: b.article for line, b in built.items() if b.article is not None}
    results = answers(articles, queries)
    figures: dict[str, dict] = {}
    unjudged = 0
    print(f"articles {len(articles)}  queries {len(queries)}  labels {len(labels)}")
    print(f"{'half':<9} {'system':<8} {'precision':>9} {'recall':>7} {'returned':>9} {'relevant':>9}")
    for half in ("tuning", "held_out"):
        chosen = [q for q in queries if held_out(q) == (half == "held_out")]
        figures[half] = {"queries": len(chosen)}
        for system in ("product", "old"):
            pairs = []
            for q in chosen:
                judged = {line for (lq, line) in labels if lq == q}
                unjudged += len(results[q][system] - judged)
                for line in judged:
                    pairs.append((line in results[q][system], labels[(q, line)]))
            p, r, n_ret, n_rel = _score(pairs)
            figures[half][system] = {"precision": round(p, 3), "recall": round(r, 3)}
            print(f"{half:<9} {system:<8} {p:>9.3f} {r:>7.3f} {n_ret:>9} {n_rel:>9}")
    if unjudged:
        print(f"note: {unjudged} returned (query, article) pairs have no label and are left out")
    figures["unjudged"] = unjudged
    return figures
