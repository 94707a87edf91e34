"""Counts kept at ingest equal a count over the articles themselves; slim reads; no silent caps.

Articles here are built directly (no analyser) from a seeded random generator, so every window,
batch and supersede case is checked against a plain Python count over the same articles. The counts
and slim reads themselves are checked on both backends with these articles in tests/test_store_contract_counts.py;
here: what only SQLite has (the backfill of an older archive, the id-prefix range) and the digests built on them.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from briefings.digest import compose
from briefings.digest.compose import Composer
from briefings.digest.spec import DigestSpec
from briefings.models import Article, CompanyTag, Evidence, Paragraph, PartialDate, Quote, Reporter, ThemeTag
from briefings.store import ArticleFilter, SqliteStore
from tests.conftest import open_archive

COMPANIES = ["kt", "skt", "lgu"]
THEMES = ["customer", "esg", "ai_dx", "network"]
OUTLETS = ["연합", "뉴스일", None]
START = date(2026, 9, 1)
KST = datetime.now().astimezone().tzinfo


def make(n: int, rng: random.Random, day: date | None = None) -> Article:
    companies = rng.sample(COMPANIES, k=rng.choice([0, 1, 1, 2, 3]))
    themes = rng.sample(THEMES, k=rng.choice([0, 1, 2]))
    day = day or START + timedelta(days=rng.randrange(60))
    dated = rng.random() > 0.05
    arrived = datetime(day.year, day.month, day.day, rng.randrange(24), tzinfo=UTC) + timedelta(days=rng.randrange(3))
    words = [f"낱말{rng.randrange(40)}" for _ in range(6)]
    sentences = [" ".join(words) + "다.", "둘째 문장이다.", "셋째 문장이다."]
    return Article(
        id=f"{n:04x}{rng.getrandbits(48):012x}", content_hash=f"{n:064x}", title=" ".join(words[:3]),
        title_derived=False, paragraphs=[Paragraph(0, "body", " ".join(sentences), sentences)],
        reporter=Reporter(), byline=None, outlet=rng.choice(OUTLETS), outlet_domain=None, url=None,
        published=PartialDate(day.year, day.month, day.day) if dated else None, published_time=None,
        ingested_at=arrived.isoformat(), source=f"t:{n}", language="ko",
        companies=[CompanyTag(c, 1, [0], [], [Evidence(c, c.upper(), 0, 0, 2)], salience=0.5,
                              about=rng.random() < 0.5) for c in companies],
        themes=[ThemeTag(t, 3.0, [], companies=rng.sample(companies, k=1) if companies and rng.random() < 0.5
                         else []) for t in themes],
        quotes=[Quote("홍길동", "대표", companies[0] if companies else None, "말했다", 0, "")] if rng.random() < 0.3
        else [],
        summary=sentences[:1], story_terms=sorted(set(words[:3])), fingerprint=f"{n:08x}" * 64,
        terms=" ".join(words) + "\n" + " ".join(words))


def grid_count(articles: list[Article]) -> Counter:
    out: Counter = Counter()
    for a in articles:
        for tag in a.themes:
            for c in tag.companies or a.company_ids:
                out[(c, tag.theme)] += 1
    return out


def arrived_utc(a: Article) -> datetime:
    return datetime.fromisoformat(a.ingested_at).astimezone(UTC)


def in_window(a: Article, flt: ArticleFilter) -> bool:
    day = a.published.first_day() if a.published else None
    if (flt.since or flt.until) and day is None:
        return False
    if (flt.since and day < flt.since) or (flt.until and day > flt.until):
        return False
    if flt.ingested_after and arrived_utc(a) <= flt.ingested_after:
        return False
    return not (flt.ingested_until and arrived_utc(a) > flt.ingested_until)


WINDOWS = [
    ArticleFilter(),
    ArticleFilter(since=START + timedelta(days=10), until=START + timedelta(days=20)),
    ArticleFilter(since=START + timedelta(days=30)),
    ArticleFilter(until=START + timedelta(days=5)),
    ArticleFilter(since=START, until=START + timedelta(days=40),
                  ingested_until=datetime(2026, 10, 1, tzinfo=UTC)),  # as the archive stood then
    ArticleFilter(ingested_after=datetime(2026, 10, 15, 12, tzinfo=UTC)),  # since-last
    ArticleFilter(ingested_after=datetime(2026, 10, 1, tzinfo=UTC), ingested_until=datetime(2026, 10, 9, tzinfo=UTC)),
]


@pytest.fixture
def filled(tmp_path: Path) -> tuple[SqliteStore, list[Article]]:
    """One store written three ways (one by one, in batches, and with supersedes) and what it holds."""
    rng = random.Random(11)
    store = SqliteStore(tmp_path / "agg.sqlite3")
    articles = [make(n, rng) for n in range(300)]
    for a in articles[:40]:
        store.add_article(a, a.source, a.content_hash)
    store.add_articles([(a, a.source, a.content_hash) for a in articles[40:200]])
    store.add_articles([(a, a.source, a.content_hash) for a in articles[200:]])
    kept = list(articles)
    for n, old in enumerate(articles[::17]):  # updated at their sources: the new version replaces the old
        new = make(1000 + n, rng)
        store.add_article(new, new.source, new.content_hash)
        store.supersede(old.id, new.id)
        kept.remove(old)
        kept.append(new)
    yield store, kept
    store.close()


def test_an_archive_written_before_the_aggregates_is_backfilled_when_it_opens(tmp_path):
    rng = random.Random(5)
    db = tmp_path / "old.sqlite3"
    store = SqliteStore(db)
    articles = [make(n, rng) for n in range(80)]
    store.add_articles([(a, a.source, a.content_hash) for a in articles])
    store.close()
    conn = sqlite3.connect(db)  # what migration 0007 left: no kept counts, no slim column, no about
    for trigger in ("article_added", "article_removed", "source_added", "source_changed", "source_removed",
                    "company_added", "company_removed", "theme_added", "theme_removed"):
        conn.execute(f"DROP TRIGGER {trigger}")
    for table in ("article_grid", "grid_days", "tag_days", "source_counts", "archive_changes",
                  "leases"):  # and 0009's, which runs again after it
        conn.execute(f"DROP TABLE {table}")
    conn.executescript("DROP INDEX articles_unslim; ALTER TABLE articles DROP COLUMN slim;"
                       " ALTER TABLE article_companies DROP COLUMN about; PRAGMA user_version = 7;")
    conn.close()
    store = SqliteStore(db)
    try:
        for flt in WINDOWS:
            expected = grid_count([a for a in articles if in_window(a, flt)])
            assert store.grid_counts(flt) == {k: v for k, v in expected.items() if v}
        assert store.stats()["company"] == dict(Counter(c for a in articles for c in a.company_ids))
        start, end = datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
        assert store.arrival_count("kt", start, end) == sum(
            1 for a in articles if any(t.company == "kt" and t.about for t in a.companies))
        assert store.conn.execute("SELECT count(*) FROM articles WHERE slim IS NULL").fetchone()[0] == 0
    finally:
        store.close()


def test_the_grid_is_exact_past_the_pool_and_the_digest_says_stories_come_from_the_newest(tmp_path, monkeypatch):
    archive = open_archive(tmp_path / "grid.sqlite3")
    rng = random.Random(9)
    articles = [make(n, rng, day=date(2026, 11, 1) + timedelta(days=n % 20)) for n in range(120)]
    archive.store.add_articles([(a, a.source, a.content_hash) for a in articles])
    monkeypatch.setattr(compose, "MAX_ARTICLES", 10)  # far fewer than the window holds
    digest = archive.compose_digest(DigestSpec(group="grid", window="30d"))
    expected = grid_count([a for a in articles if a.published])  # all dated ones fall in the window
    assert expected[("kt", "esg")] > 10
    for company, row in digest.grid.cells.items():
        for theme, cell in row.items():
            assert cell.count == expected[(company, theme)]
    assert any("only the newest 10 articles" in n and "counts cover the whole window" in n for n in digest.notes)
    monkeypatch.setattr(compose, "MAX_ARTICLES", 1000)  # a pool that holds everything: no note
    assert not any("newest" in n for n in archive.compose_digest(DigestSpec(group="grid", window="30d")).notes)
    archive.close()


def test_sections_keep_their_members_whatever_the_pool_leaves_to_others(tmp_path):
    archive = open_archive(tmp_path / "pool.sqlite3")
    rng = random.Random(4)
    articles = [make(n, rng, day=date(2026, 11, 1) + timedelta(days=n % 20)) for n in range(60)]
    archive.store.add_articles([(a, a.source, a.content_hash) for a in articles])
    articles = [a for a in articles if a.published]  # undated ones are outside any dated window
    spec = archive.check_spec(DigestSpec(group="company", window="30d", max_stories=50))
    big = Composer(archive.store, archive.taxonomy, pool=1000).compose(spec, datetime(2026, 11, 22, 9))
    for section in big.sections:  # every article of a company is in its section, none of another's
        members = {i for story in section.stories for i in story.article_ids}
        assert members == {a.id for a in articles if section.key in a.company_ids}
    small = Composer(archive.store, archive.taxonomy, pool=5).compose(spec, datetime(2026, 11, 22, 9))
    assert all(sum(len(s.article_ids) for s in section.stories) <= 5 for section in small.sections)
    assert any("only the newest 5 articles" in n for n in small.notes)
    archive.close()


def test_an_article_is_found_by_a_prefix_of_its_id_as_an_index_range(filled):
    store, articles = filled
    target = articles[5]
    assert store.get(target.id[:12]).id == target.id
    assert store.get(target.id.upper()).id == target.id
    plan = " ".join(str(r[-1]) for r in store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT doc FROM articles WHERE id >= ? AND id < ? LIMIT 2", ("ab", "ac")))
    assert "USING INDEX" in plan and "SCAN" not in plan
    rng = random.Random(1)
    twins = [make(n, rng) for n in (0x7000, 0x7001)]
    twins[0].id, twins[1].id = "fffe00000000aaaa", "fffe00000000aaab"
    store.add_articles([(a, a.source, a.content_hash) for a in twins])
    assert store.get("fffe0000") is None  # two articles start so: not unique
    assert store.get("fffe00000000aaab").id == "fffe00000000aaab"
    assert store.get("zzzz") is None


def test_a_repeated_chat_digest_is_kept_until_the_archive_changes(tmp_path):
    from briefings.commands import CommandContext, Commands

    archive = open_archive(tmp_path / "cache.sqlite3")
    rng = random.Random(2)
    archive.store.add_articles([(a, a.source, a.content_hash) for a in (make(n, rng) for n in range(30))])
    commands = Commands(CommandContext(archive))
    first = commands.run_text("grid 90d").digest
    first.notes.append("a caller's change")
    again = commands.run_text("grid 90d").digest
    assert commands.cache_hits == 1 and "a caller's change" not in again.notes
    assert again.grid.cells == first.grid.cells
    extra = make(99, rng, day=date(2026, 11, 20))
    archive.store.add_article(extra, extra.source, extra.content_hash)
    changed = commands.run_text("grid 90d").digest
    assert commands.cache_hits == 0  # composed afresh: the archive moved on
    assert sum(c.count for row in changed.grid.cells.values() for c in row.values()) == sum(
        c.count for row in first.grid.cells.values() for c in row.values()) + len(
        [1 for t in extra.themes for _ in (t.companies or extra.company_ids)])
    archive.close()


def test_a_brief_past_its_pool_says_so_beside_its_quotes(tmp_path, monkeypatch):
    from briefings import commands as chat

    archive = open_archive(tmp_path / "brief.sqlite3")
    rng = random.Random(8)
    articles = [make(n, rng, day=date(2026, 11, 1) + timedelta(days=n % 20)) for n in range(80)]
    archive.store.add_articles([(a, a.source, a.content_hash) for a in articles])
    monkeypatch.setattr(chat, "CHAT_POOL", 5)  # one section: the whole budget
    monkeypatch.setattr(compose, "MIN_POOL", 1)
    notes = chat.Commands(chat.CommandContext(archive)).run_text("brief KT").digest.notes
    assert any("홍길동" in n for n in notes) and any("only the newest 5 articles" in n for n in notes)
    monkeypatch.setattr(chat, "CHAT_POOL", 500)
    notes = chat.Commands(chat.CommandContext(archive)).run_text("brief KT").digest.notes
    assert not any("newest" in n for n in notes)
    archive.close()


def test_keywords_narrow_a_company_digest_read_in_full(tmp_path):
    archive = open_archive(tmp_path / "kw.sqlite3")
    rng = random.Random(6)
    articles = [make(n, rng, day=date(2026, 11, 1) + timedelta(days=n % 20)) for n in range(60)]
    archive.store.add_articles([(a, a.source, a.content_hash) for a in articles])
    word = "낱말7"
    spec = DigestSpec(group="company", companies=["KT"], include_keywords=[word], window="30d", max_stories=50)
    digest = archive.compose_digest(spec)
    shown = {i for section in digest.sections for story in section.stories for i in story.article_ids}
    assert shown and shown == {a.id for a in articles if a.published and "kt" in a.company_ids
                               and word in a.paragraphs[0].text}
    archive.close()
