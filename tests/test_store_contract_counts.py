"""The contract, continued: kept counts and slim reads answer alike on SQLite and PostgreSQL, and equal a
plain Python count over the same articles (the generator and windows of tests/test_aggregates.py)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from briefings.models import Article
from briefings.store import ArchiveStore, ArticleFilter
from briefings.store.base import Subset
from tests.test_aggregates import COMPANIES, KST, START, WINDOWS, arrived_utc, grid_count, in_window, make


@pytest.fixture
def filled(store) -> tuple[ArchiveStore, list[Article]]:
    """One store written three ways (one by one, in batches, with supersedes) and what it holds."""
    rng = random.Random(11)
    articles = [make(n, rng) for n in range(200)]
    for a in articles[:30]:
        store.add_article(a, a.source, a.content_hash)
    store.add_articles([(a, a.source, a.content_hash) for a in articles[30:120]])
    store.add_articles([(a, a.source, a.content_hash) for a in articles[120:]])
    kept = list(articles)
    for n, old in enumerate(articles[::17]):  # updated at their sources: the new version replaces the old
        new = make(1000 + n, rng)
        store.add_article(new, new.source, new.content_hash)
        store.supersede(old.id, new.id)
        kept.remove(old)
        kept.append(new)
    return store, kept


def test_grid_counts_equal_a_count_over_the_articles(filled):
    store, articles = filled
    for flt in WINDOWS:
        expected = grid_count([a for a in articles if in_window(a, flt)])
        assert store.grid_counts(flt) == {k: v for k, v in expected.items() if v}, flt
    assert sum(store.grid_counts(ArticleFilter()).values()) > 100
    with pytest.raises(ValueError):
        store.grid_counts(ArticleFilter(companies=("kt",)))


def test_day_counts_arrivals_stats_and_count(filled):
    store, articles = filled
    since, until = START + timedelta(days=5), START + timedelta(days=50)
    for kind, tag in [("company", "kt"), ("company", "lgu"), ("theme", "esg"), ("theme", "network")]:
        expected = Counter(a.published.first_day() for a in articles if a.published
                           and since <= a.published.first_day() <= until
                           and tag in (a.company_ids if kind == "company" else a.theme_ids))
        assert store.day_counts(kind, tag, since, until) == dict(expected)
    assert store.day_counts("company", "nobody", since, until) == {}
    start, end = datetime(2026, 9, 20, tzinfo=UTC), datetime(2026, 10, 2, 6, tzinfo=UTC)
    for company in COMPANIES:
        expected = sum(1 for a in articles if start < arrived_utc(a) <= end
                       and any(t.company == company and t.about for t in a.companies))
        assert store.arrival_count(company, start.astimezone(KST), end) == expected
    stats = store.stats()
    assert stats["articles"] == {"total": len(articles)} and store.count() == len(articles)
    assert stats["company"] == dict(Counter(c for a in articles for c in a.company_ids))
    assert stats["theme"] == dict(Counter(t for a in articles for t in a.theme_ids))
    assert stats["outlet"] == dict(Counter(a.outlet or "unknown" for a in articles))
    assert stats["year"] == dict(Counter(f"{a.published.year:04d}" if a.published else "unknown" for a in articles))
    assert stats["sources"] == {"added": 200 + len(articles[::17])}


def test_the_data_version_moves_with_every_change_of_articles(store):
    rng = random.Random(3)
    first, second = make(1, rng), make(2, rng)
    seen = [store.data_version()]
    store.add_article(first, "a", "a")
    seen.append(store.data_version())
    store.add_article(second, "b", "b")
    seen.append(store.data_version())
    store.supersede(first.id, second.id)
    seen.append(store.data_version())
    store.record_source("c", "c", None, "rejected")  # not an article: the same articles, the same version
    seen.append(store.data_version())
    assert len(set(seen)) == 4 and seen[-1] == seen[-2]


def test_slim_reads_carry_what_stories_need_and_no_text(filled):
    store, articles = filled
    by_id = {a.id: a for a in articles}
    subset = Subset(ArticleFilter(companies=("kt",)), any_themes=("esg", "network"))
    slim = store.slim_articles(subset, 500)
    expected = {a.id for a in articles if "kt" in a.company_ids and {"esg", "network"} & set(a.theme_ids)}
    assert slim and {a.id for a in slim} == expected
    days = [a.published.first_day() if a.published else date.min for a in slim]
    assert days == sorted(days, reverse=True)  # newest first, undated last
    for a in slim:
        full = by_id[a.id]
        assert (a.title, a.summary, a.story_terms, a.fingerprint, a.company_ids, a.theme_ids) == (
            full.title, full.summary, full.story_terms, full.fingerprint, full.company_ids, full.theme_ids)
        assert a.paragraphs[0].text == "" and len(a.paragraphs[0].sentences) == 3 and not a.quotes
    assert [a.id for a in store.slim_articles(subset, 4)] == [a.id for a in slim[:4]]
    assert store.slim_articles(subset, 0) == []
    other = store.slim_articles(Subset(ArticleFilter(), no_theme=True), 1000)
    assert {a.id for a in other} == {a.id for a in articles if not a.themes}
    full = store.slim_articles(subset, 3, full=True)
    assert [a.paragraphs for a in full] == [by_id[a.id].paragraphs for a in full]
    window = ArticleFilter(since=START + timedelta(days=10), ingested_after=datetime(2026, 9, 25, tzinfo=UTC))
    arrived = store.slim_articles(Subset(window, any_companies=("skt", "lgu")), 1000)
    assert {a.id for a in arrived} == {a.id for a in articles if in_window(a, window)
                                      and {"skt", "lgu"} & set(a.company_ids)}


def test_both_backends_give_the_same_slim_rows_and_counts(pg_url, tmp_path):
    """Side by side, every method of this part in the same order of rows."""
    from briefings.store import open_store
    rng = random.Random(8)
    articles = [make(n, rng) for n in range(120)]
    stores = [open_store(tmp_path / "side.sqlite3"), open_store(pg_url)]
    try:
        answers = []
        for store in stores:
            store.add_articles([(a, a.source, a.content_hash) for a in articles])
            subsets = [Subset(flt) for flt in WINDOWS] + [
                Subset(ArticleFilter(themes=("esg",)), any_companies=("kt", "lgu")),
                Subset(ArticleFilter(since=START + timedelta(days=20)), no_theme=True)]
            answers.append(([[a.to_dict() for a in store.slim_articles(s, 25)] for s in subsets],
                            [store.grid_counts(flt) for flt in WINDOWS], store.stats(),
                            store.day_counts("theme", "ai_dx", START, START + timedelta(days=60))))
        assert answers[0] == answers[1]
    finally:
        for store in stores:
            store.close()


def test_stores_of_one_archive_hand_out_the_same_parsed_rows(store):
    """The bot's readers are stores of one archive: they share parsed slim rows (and so clustering's
    kept features), and a change moves every reader on to the new rows."""
    from briefings.store import open_store

    rng = random.Random(5)
    articles = [make(n, rng) for n in range(20)]
    store.add_articles([(a, a.source, a.content_hash) for a in articles])
    where = getattr(store, "path", None) or store.url
    other = open_store(where)
    try:
        everything = Subset(ArticleFilter())
        mine, theirs = store.slim_articles(everything, 50), other.slim_articles(everything, 50)
        assert [a.id for a in mine] == [a.id for a in theirs] and len(mine) == 20
        assert all(a is b for a, b in zip(mine, theirs, strict=True))
        late = make(99, rng)
        other.add_article(late, late.source, late.content_hash)
        assert late.id in {a.id for a in store.slim_articles(everything, 50)}
    finally:
        other.close()


def test_a_new_archive_file_at_the_same_place_is_not_served_the_old_rows(tmp_path):
    from briefings.store import open_store

    path = tmp_path / "again.sqlite3"
    # as many articles on the same days: the new file's keys and version equal the old file's
    first = [make(n, random.Random(n), day=START) for n in range(5)]
    second = [make(100 + n, random.Random(n), day=START) for n in range(5)]
    seen = []
    for articles in (first, second):
        store = open_store(path)
        store.add_articles([(a, a.source, a.content_hash) for a in articles])
        seen.append((store.data_version(), {a.id for a in store.slim_articles(Subset(ArticleFilter()), 50)}))
        store.close()
        for leftover in tmp_path.glob("again.sqlite3*"):
            leftover.unlink()
    assert seen[0][0] == seen[1][0] and seen[0][1] == {a.id for a in first}
    assert seen[1][1] == {a.id for a in second}
