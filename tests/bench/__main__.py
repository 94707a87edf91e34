"""Search benchmark: FTS-first look-ups against a LIKE-scan baseline, in the same run.

    make bench                      # 20,000 synthetic articles
    python -m tests.bench 200000    # any size

Builds a synthetic Korean archive directly through the store (no kiwi per article, so building is
fast), then times newest-first look-ups with and without company/date filters. Prints one JSON
object: p50/p99/max in milliseconds for briefings' search and for the naive scan, and the speed-up.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from briefings.models import Article, CompanyTag, Paragraph, PartialDate, Reporter, ThemeTag
from briefings.store import ArticleFilter, Phrase, SqliteStore, TextQuery

SYLLABLES = "가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후"
# A Zipf-like vocabulary: a few words on most articles, most words rare (as in real news).
WORDS = ["고객", "혁신", "네트워크", "5g", "ai", "esg", "사회공헌", "위성", "로봇", "품질"] + [
    a + b + c for a in SYLLABLES[:12] for b in SYLLABLES[12:24] for c in SYLLABLES[24:34]]
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]
COMPANIES = ["kt", "skt", "lgu"]
QUERIES = ["고객", "ai", "5g", "혁신 고객", "사회공헌", "위성 로봇", "esg", "품질", WORDS[500], WORDS[1200],
           f"{WORDS[40]} {WORDS[90]}", WORDS[-1]]


def synthetic(n: int, rng: random.Random) -> Article:
    words = rng.choices(WORDS, weights=WEIGHTS, k=60)
    day = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
    company = rng.choice(COMPANIES)
    return Article(
        id=f"{n:012x}", content_hash=f"{n:064x}", title=" ".join(words[:6]), title_derived=False,
        paragraphs=[Paragraph(0, "body", " ".join(words), [" ".join(words)])], reporter=Reporter(),
        byline=None, outlet="bench", outlet_domain=None, url=None,
        published=PartialDate(day.year, day.month, day.day), published_time=None, ingested_at="2026-01-01T00:00:00",
        source=f"bench:{n}", language="ko", companies=[CompanyTag(company, 1, [0], [], [])],
        themes=[ThemeTag("customer", 3.0, [])] if "고객" in words else [],
        terms=" ".join(words) + "\n" + " ".join(words))  # the morpheme stream, then the form stream


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str]) -> int:
    size = int(argv[0]) if argv else 20_000
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "bench.sqlite3")
        started = time.perf_counter()
        for n in range(size):
            store.add_article(synthetic(n, rng), f"bench:{n}", f"{n:064x}")
        build_s = time.perf_counter() - started
        filters = [ArticleFilter(), ArticleFilter(companies=("skt",)),
                   ArticleFilter(since=date(2020, 1, 1), until=date(2020, 12, 31)),
                   ArticleFilter(companies=("lgu",), since=date(2023, 6, 1))]
        ours, naive = [], []
        for query in QUERIES:
            # words typed apart; each synthetic word is one morpheme and its own form (as a prefix
            # from 3 characters, as briefings.search builds it)
            text_query = TextQuery(tuple(Phrase((w,), (w,), prefix=len(w) >= 3) for w in query.split()))
            for flt in filters:
                t = time.perf_counter()
                store.search(text_query, flt, 10, 0)
                ours.append((time.perf_counter() - t) * 1000)
                like = " AND ".join("a.doc LIKE ?" for _ in query.split())
                t = time.perf_counter()
                store.conn.execute(f"SELECT a.id FROM articles a WHERE {like} ORDER BY a.key DESC LIMIT 10",
                                   [f"%{w}%" for w in query.split()]).fetchall()
                naive.append((time.perf_counter() - t) * 1000)
        store.close()

    def figures(values: list[float]) -> dict[str, float]:
        return {"p50_ms": round(statistics.median(values), 2), "p99_ms": round(percentile(values, 0.99), 2),
                "max_ms": round(max(values), 2)}

    result = {"benchmark": "search", "articles": size, "queries": len(ours), "build_s": round(build_s, 1),
              "briefings": figures(ours), "baseline_like_scan": figures(naive),
              "speedup_p99": round(percentile(naive, 0.99) / max(percentile(ours, 0.99), 1e-6), 1)}
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
