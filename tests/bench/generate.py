"""Deterministic synthetic archives: analysed pool pieces recombined into Articles, no kiwi per article.

An article is one pool article (text, tags, quotes, summary as the real builder made them), often
followed by a paragraph or two of another pool article about one of its companies (tags, quotes and
evidence moved with them), and a closing sentence naming two nouns of a Zipf-distributed long tail
of real nouns, so some words are on thousands of articles and some on a handful. Dates spread over
ten years (fewer on weekends), outlets are Zipf-weighted, and each article arrives a few hours after
it was published. Terms, fingerprint and story terms are what the builder would compute, assembled
from the pieces (the smoke test checks the fingerprint against briefings' own function).

Archives are cached in /work/benchcache by size, generator version and pool, so re-runs are instant.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from briefings.analysis.korean import GAP
from briefings.digest import fingerprint as fp
from briefings.models import Article, CompanyTag, Evidence, Paragraph, PartialDate
from briefings.store import open_store
from tests.bench.pool import CACHE, Piece, Pool, PoolArticle, PoolSpec, load_pool, tail_sentence

GENERATOR_VERSION = 2  # 2: summary sentences' morphemes kept (Article.summary_terms)
SEED = 20261204
FIRST_DAY = date(2016, 12, 2)
DAYS = 3652  # ten years, to 2026-12-01
SEOUL = ZoneInfo("Asia/Seoul")
# The bench's clock: the day after the newest article, so `since=90d` means the same at every run.
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=SEOUL)
BATCH = 2000  # articles per store.add_articles call (one transaction each)
EXTRA_SHARE = 0.5  # articles that borrow paragraphs of another article about one of their companies
_NO_MINIMUM = fp._MASK + 1


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def size_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def _shift_evidence(evidence: list[Evidence], moved: dict[int, int]) -> list[Evidence]:
    return [replace(e, paragraph=moved[e.paragraph]) for e in evidence if e.paragraph in moved]


class Generator:
    """Article n of an archive is the same for every run with the same pool and seed."""

    def __init__(self, pool: Pool, seed: int = SEED):
        self.pool = pool
        self.rng = random.Random(seed)
        self.tail_cum = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(pool.tail))))
        self.outlet_cum = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(pool.outlets))))
        self.by_company: dict[str, list[int]] = {}
        for i, item in enumerate(pool.articles):
            for tag in item.article.companies:
                self.by_company.setdefault(tag.company, []).append(i)

    def _day(self) -> date:
        while True:
            day = FIRST_DAY + timedelta(days=self.rng.randrange(DAYS))
            if day.weekday() < 5 or self.rng.random() < 0.4:
                return day

    def _extra(self, base: PoolArticle, offset: int) -> tuple[list[tuple[Paragraph, Piece]], PoolArticle | None,
                                                               dict[int, int]]:
        """Up to two body paragraphs of another article sharing a company, renumbered from `offset`."""
        if not base.article.companies or self.rng.random() >= EXTRA_SHARE:
            return [], None, {}
        company = self.rng.choice(base.article.companies).company
        other = self.pool.articles[self.rng.choice(self.by_company[company])]
        if other is base:
            return [], None, {}
        body = [i for i, p in enumerate(other.article.paragraphs) if p.kind == "body"][1:]
        if not body:
            return [], None, {}
        start = self.rng.randrange(len(body))
        chosen = body[start:start + self.rng.choice((1, 2))]
        moved = {old: offset + k for k, old in enumerate(chosen)}
        paras = [(replace(other.article.paragraphs[old], index=new), other.paragraphs[old])
                 for old, new in moved.items()]
        return paras, other, moved

    def _tail(self, index: int) -> tuple[Paragraph, list[Piece]]:
        """The closing paragraph: two sentences, each naming a noun of the long tail."""
        picks = self.rng.choices(self.pool.tail, cum_weights=self.tail_cum, k=2)
        sentences = [tail_sentence(noun) for noun, _ in picks]
        return Paragraph(index, "body", " ".join(sentences), sentences), [pc for _, pc in picks]

    def article(self, n: int) -> Article:
        rng = self.rng
        base = self.pool.articles[rng.randrange(len(self.pool.articles))]
        src = base.article
        paragraphs = list(src.paragraphs)
        pieces = [base.title, *base.paragraphs]
        extra, other, moved = self._extra(base, len(paragraphs))
        paragraphs += [p for p, _ in extra]
        pieces += [pc for _, pc in extra]
        tail_para, tail_pieces = self._tail(len(paragraphs))
        paragraphs.append(tail_para)
        pieces += tail_pieces

        companies = {t.company: t for t in src.companies}
        themes = {t.theme: t for t in src.themes}
        people, quotes = list(src.people), list(src.quotes)
        if other is not None:
            for tag in other.article.companies:
                evidence = _shift_evidence(tag.evidence, moved)
                if not evidence:
                    continue
                mine = companies.get(tag.company)
                paras = sorted({e.paragraph for e in evidence})
                if mine is None:
                    companies[tag.company] = CompanyTag(tag.company, len(evidence), paras, [], evidence, 0.1)
                else:
                    companies[tag.company] = replace(mine, mentions=mine.mentions + len(evidence),
                                                     paragraphs=sorted({*mine.paragraphs, *paras}),
                                                     evidence=[*mine.evidence, *evidence])
            for tag in other.article.themes:
                evidence = _shift_evidence(tag.evidence, moved)
                if evidence and tag.theme in themes:
                    mine = themes[tag.theme]
                    themes[tag.theme] = replace(mine, score=mine.score + sum(e.weight for e in evidence),
                                                evidence=[*mine.evidence, *evidence])
            people += [replace(p, paragraph=moved[p.paragraph]) for p in other.article.people if p.paragraph in moved]
            quotes += [replace(q, paragraph=moved[q.paragraph]) for q in other.article.quotes if q.paragraph in moved]

        morphemes: list[str] = []
        forms: list[str] = []
        for pc in pieces:
            if not pc.morphemes:
                continue
            if morphemes and morphemes[-1] != GAP:
                morphemes.append(GAP)
                forms.append(GAP)
            morphemes += pc.morphemes
            forms += pc.forms
        day = self._day()
        hour, minute, second = rng.randrange(6, 23), rng.randrange(60), rng.randrange(60)
        arrived = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SEOUL)
        arrived += timedelta(minutes=rng.randrange(10, 240))
        digest = hashlib.sha256(f"briefings-bench:{GENERATOR_VERSION}:{SEED}:{n}".encode()).hexdigest()
        outlet = rng.choices(self.pool.outlets, cum_weights=self.outlet_cum)[0]
        return Article(
            id=digest[:12], content_hash=digest, title=src.title, title_derived=src.title_derived,
            paragraphs=paragraphs, reporter=src.reporter, byline=src.byline, outlet=outlet, outlet_domain=None,
            url=f"https://news.example/{digest[:16]}", published=PartialDate(day.year, day.month, day.day),
            published_time=f"{hour:02d}:{minute:02d}", ingested_at=arrived.isoformat(timespec="seconds"),
            source=f"bench:{n}", language=src.language, companies=list(companies.values()),
            themes=list(themes.values()), people=people, quotes=quotes, summary=list(src.summary),
            company_summaries=dict(src.company_summaries), removed=[], story_terms=list(src.story_terms),
            summary_terms=list(src.summary_terms),
            fingerprint=_fingerprint(pieces), terms=" ".join(morphemes) + "\n" + " ".join(forms))


def _fingerprint(pieces: list[Piece]) -> str:
    """briefings.digest.fingerprint over the joined stream: the pieces' minima, and the bigrams that
    straddle two pieces (a union's MinHash slot is the minimum of its parts')."""
    slots = [min(values) for values in zip(*(pc.minima for pc in pieces), strict=True)]
    words = [[m for m in pc.morphemes if m != GAP] for pc in pieces]
    words = [w for w in words if w]
    for left, right in itertools.pairwise(words):
        h = fp._hash(f"{left[-1]} {right[0]}")
        slots = [min(s, ((a * h + b) % fp._PRIME) & fp._MASK) for s, (a, b) in zip(slots, fp._PERMUTATIONS,
                                                                                    strict=True)]
    if all(s == _NO_MINIMUM for s in slots):
        return ""
    return "".join(f"{v:08x}" for v in slots)


def generate(pool: Pool, size: int, seed: int = SEED):
    """Articles 0..size-1, in order."""
    gen = Generator(pool, seed)
    for n in range(size):
        yield gen.article(n)


def write_archive(target: str | Path, pool: Pool, size: int, progress: bool = True) -> dict[str, float]:
    """Write `size` generated articles through the store, one transaction per batch."""
    store = open_store(target)
    started = time.perf_counter()
    gen_s = 0.0
    try:
        batch: list[tuple[Article, str, str]] = []
        articles = generate(pool, size)
        for n in range(size):
            t = time.perf_counter()
            article = next(articles)
            gen_s += time.perf_counter() - t
            batch.append((article, article.source, article.content_hash))
            if len(batch) == BATCH or n == size - 1:
                store.add_articles(batch)
                batch = []
                if progress and (n + 1) % (BATCH * 25) == 0:
                    rate = (n + 1) / (time.perf_counter() - started)
                    sys.stderr.write(f"  built {n + 1:,}/{size:,} ({rate:,.0f} articles/s, "
                                     f"~{(size - n - 1) / rate / 60:.0f} min left)\n")
    finally:
        store.close()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 1), "articles_per_s": round(size / seconds, 1),
            "generate_share": round(gen_s / seconds, 3)}


def _current(path: Path) -> bool:
    """Opened (so migrated) by this checkout's store, with no search entries left to re-analyse."""
    store = open_store(path)
    try:
        return not store.stale_search_rows(1)
    finally:
        store.close()


def cached_archive(size: int, pool: Pool | None = None, cache: Path = CACHE, progress: bool = True
                   ) -> tuple[Path, dict]:
    """The SQLite archive of this size (built once, then reused), and its build figures."""
    pool = pool or load_pool(PoolSpec(), cache, progress)
    name = f"sqlite-{size_label(size)}-g{GENERATOR_VERSION}-p{pool.key}"
    path, meta_path = cache / f"{name}.sqlite3", cache / f"{name}.json"
    if path.exists() and meta_path.exists():
        if _current(path):
            return path, json.loads(meta_path.read_text())
        sys.stderr.write(f"{path}: a migration marked its search entries for re-analysis (hours at this size):"
                         " building it again instead\n")
        path.unlink()
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{name}.partial{os.getpid()}.sqlite3"
    if progress:
        sys.stderr.write(f"building the {size:,}-article archive once: {path}\n")
    figures = write_archive(partial, pool, size, progress)
    if Path(f"{partial}-wal").exists():  # closing the last connection checkpoints and removes it
        raise RuntimeError(f"{partial}-wal left behind: the archive is not complete in one file")
    meta = {"articles": size, "generator": GENERATOR_VERSION, "pool": pool.key, **figures,
            "bytes": partial.stat().st_size, "bytes_per_article": round(partial.stat().st_size / size)}
    partial.replace(path)
    meta_path.write_text(json.dumps(meta))
    return path, meta


def main(argv: list[str]) -> int:
    """`python -m tests.bench.generate 10k 100k 1M`: build (or find) the cached archives."""
    for text in argv or ["10k"]:
        path, meta = cached_archive(parse_size(text))
        sys.stdout.write(json.dumps({"path": str(path), **meta}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
