"""The analysed pool the synthetic archives are recombined from, built once with the real analyser.

Real-ish articles (the seeds, and the dev corpus when it is on the machine, read here at bench time
and never copied into the project) go through the real ArticleBuilder once, with the corpus's
companies renamed to the configured ones so the real tagger tags them. Each paragraph keeps its
own search-term streams and MinHash minima, so an article recombined from pieces gets the terms and
fingerprint the builder would give it without running kiwi again. A long tail of real nouns (every
noun kiwi finds in the corpus) comes with one analysed sentence each, to make rare words.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from briefings.analysis.korean import GAP, kiwi, search_terms
from briefings.analysis.taxonomy import load_taxonomy
from briefings.digest import fingerprint as fp
from briefings.ingest.build import ArticleBuilder
from briefings.ingest.readers import RawArticle
from briefings.models import Article

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
SEEDS = ROOT / "seeds"
_CORPUS_NAME = "data/ko_company_news_2019_dev.jsonl"  # ../shared beside the checkout (see its README)
DEV_CORPUS = Path(os.environ.get("BENCH_CORPUS") or next(
    (p for p in (ROOT.parent / "shared" / _CORPUS_NAME, Path("/work/shared") / _CORPUS_NAME) if p.exists()),
    ROOT.parent / "shared" / _CORPUS_NAME))
# Built archives are large (≈17 KB an article): kept outside the checkout, shared between checkouts.
CACHE = Path(os.environ.get("BENCH_CACHE") or ("/work/benchcache" if Path("/work").is_dir()
                                               else Path.home() / ".cache" / "briefings-bench"))
POOL_VERSION = 4  # 4: built articles keep summary_terms
POOL_ARTICLES = 600  # corpus articles analysed in full: "a few hundred", about a minute on one core
TAIL_NOUNS = 30_000  # the long tail of real nouns, each with one analysed sentence
TAIL_SENTENCE = "{}{} 관련한 내용도 함께 소개됐다."
# The corpus's companies become the configured ones (the real tagger then tags them); the rest stay.
RENAME = {"카카오": "KT", "네이버": "SK텔레콤", "삼성전자": "LG유플러스", "현대차": "KT", "넥슨": "SK텔레콤",
          "한화생명": "LG유플러스", "삼성화재": "KT", "현대중공업": "SK텔레콤", "NAVER": "SKT"}
KEEP_UNRENAMED = 7  # one corpus article in this many keeps its own companies (untagged here)


@dataclass
class Piece:
    """One analysed paragraph (or the title): its search streams and MinHash minima."""

    morphemes: list[str]
    forms: list[str]
    minima: list[int]


@dataclass
class PoolArticle:
    article: Article  # as the real builder made it (terms dropped: the pieces carry them)
    title: Piece
    paragraphs: list[Piece]


@dataclass
class Pool:
    articles: list[PoolArticle]
    outlets: list[str]
    tail: list[tuple[str, Piece]]  # noun, its analysed sentence; most frequent noun first
    tail_only: list[str]  # tail nouns no pool article contains: a query for them is truly rare
    speakers: list[str]  # quoted speakers, most quoted first
    key: str = ""
    stats: dict[str, object] = field(default_factory=dict)


def content_minima(morphemes: list[str]) -> list[int]:
    """Per MinHash slot, the minimum over this piece's content-morpheme bigrams (what
    briefings.digest.fingerprint takes the minimum of): slots of a union are minima of minima."""
    words = [m for m in morphemes if m != GAP]
    # bigrams only: a one-word piece is a bigram with its neighbours, which the generator adds
    hashes = [fp._hash(s) for s in fp.shingles(words)] if len(words) >= fp.SHINGLE else []
    if not hashes:
        return [fp._MASK + 1] * fp.SLOTS  # larger than any slot value: no effect on a minimum
    return [min(((a * h + b) % fp._PRIME) & fp._MASK for h in hashes) for a, b in fp._PERMUTATIONS]


def piece(text: str) -> Piece:
    morphemes, forms = search_terms(text)
    return Piece(morphemes, forms, content_minima(morphemes))


@dataclass(frozen=True)
class PoolSpec:
    corpus: Path | None = DEV_CORPUS  # None, or a missing file: the seeds alone
    articles: int = POOL_ARTICLES
    tail_nouns: int = TAIL_NOUNS

    @property
    def has_corpus(self) -> bool:
        return self.corpus is not None and self.corpus.exists()

    def key(self) -> str:
        digest = hashlib.sha256(f"pool{POOL_VERSION}:{self.articles}:{self.tail_nouns}".encode())
        for path in sorted(SEEDS.glob("*.txt")):
            digest.update(path.read_bytes())
        if self.has_corpus:
            digest.update(self.corpus.read_bytes())
        return digest.hexdigest()[:12]


def tail_sentence(noun: str) -> str:
    """The closing sentence naming a noun, with 과 after a final consonant and 와 after a vowel."""
    last = ord(noun[-1]) - 0xAC00
    return TAIL_SENTENCE.format(noun, "과" if 0 <= last < 11172 and last % 28 else "와")


def _rename(text: str, keep: bool) -> str:
    if keep:
        return text
    for old, new in RENAME.items():
        text = text.replace(old, new)
    return text


def _raw_articles(spec: PoolSpec) -> tuple[list[RawArticle], list[str], list[str]]:
    """The seeds as files, a deterministic sample of the corpus renamed; and every corpus body."""
    raws = [RawArticle(str(p.name), p.read_text(encoding="utf-8").splitlines(), p.name, "txt")
            for p in sorted(SEEDS.glob("*.txt"))]
    outlets: list[str] = []
    bodies: list[str] = []
    if spec.has_corpus:
        rows = [json.loads(line) for line in spec.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
        bodies = [r["body"] for r in rows]
        outlets = [r["outlet"] for r in rows if r.get("outlet")]
        sample = random.Random(POOL_VERSION).sample(range(len(rows)), min(spec.articles, len(rows)))
        for n, i in enumerate(sorted(sample)):
            row, keep = rows[i], n % KEEP_UNRENAMED == 0
            raws.append(RawArticle(f"corpus:{i}", _rename(row["body"], keep).splitlines(), f"corpus:{i}", "json",
                                   title=_rename(row.get("title") or "", keep) or None,
                                   published=row.get("published"), outlet=row.get("outlet")))
    return raws, outlets, bodies


def _tail_nouns(texts: list[str]) -> list[str]:
    """Every Hangul noun kiwi finds in these texts, most frequent first (ties by the noun)."""
    counts: Counter[str] = Counter()
    analyser = kiwi()
    for tokens in analyser.tokenize(texts):
        for tok in tokens:
            form = tok.form
            if tok.tag in ("NNG", "NNP") and len(form) >= 2 and all("가" <= ch <= "힣" for ch in form):
                counts[form] += 1
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def build_pool(spec: PoolSpec, progress: bool = True) -> Pool:
    started = time.perf_counter()
    taxonomy = load_taxonomy(CONFIG)
    builder = ArticleBuilder.from_config(CONFIG, taxonomy)
    raws, outlets, bodies = _raw_articles(spec)
    articles: list[PoolArticle] = []
    when = datetime(2026, 1, 1, 9, 0, 0)
    for n, raw in enumerate(raws):
        try:
            article = builder.build(raw, when)
        except Exception:  # rejected by the cleaner (too short, …): the pool simply goes without it
            continue
        article.terms = ""
        articles.append(PoolArticle(article, piece(article.title), [piece(p.text) for p in article.paragraphs]))
        if progress and n % 100 == 0:
            sys.stderr.write(f"  pool: analysed {n}/{len(raws)} articles ({time.perf_counter() - started:.0f} s)\n")
    texts = bodies or ["\n".join(p.text for p in a.article.paragraphs) for a in articles]
    nouns = _tail_nouns(texts)[:spec.tail_nouns]
    in_pool = {m for a in articles for p in [a.title, *a.paragraphs] for m in p.morphemes}
    tail = []
    for noun in nouns:
        analysed = piece(tail_sentence(noun))
        if noun in analysed.morphemes:  # kiwi kept it whole in the sentence: searchable as typed
            tail.append((noun, analysed))
    speakers = Counter(q.speaker for a in articles for q in a.article.quotes if q.speaker)
    pool = Pool(articles, sorted(set(outlets)) or ["연합뉴스", "뉴스1", "뉴시스"], tail,
                [w for w, _ in tail if w not in in_pool], [s for s, _ in speakers.most_common()])
    pool.stats = {
        "articles": len(articles), "tail_nouns": len(tail), "seconds": round(time.perf_counter() - started, 1),
        "companies": dict(Counter(c.company for a in articles for c in a.article.companies)),
        "themes": dict(Counter(t.theme for a in articles for t in a.article.themes)),
        "quotes": sum(len(a.article.quotes) for a in articles), "corpus": spec.has_corpus}
    return pool


def load_pool(spec: PoolSpec = PoolSpec(), cache: Path = CACHE, progress: bool = True) -> Pool:
    """The pool, from the cache when it was built from the same seeds, corpus and version."""
    key = spec.key()
    path = cache / f"pool-{key}.pickle"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    if progress:
        sys.stderr.write(f"building the analysed pool once ({path})\n")
    pool = build_pool(spec, progress)
    pool.key = key
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with tmp.open("wb") as fh:
        pickle.dump(pool, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return pool
