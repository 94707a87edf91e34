"""One contract, two backends: every ArchiveStore method behaves the same on SQLite and on a real PostgreSQL.

Articles are built here with hand-written index terms (morpheme stream, newline, word-form stream), so
each search case states exactly what the index holds; tests/test_store_postgres.py compares the two
backends on the analysed seeds as well."""

from __future__ import annotations

import hashlib
import inspect
import re
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefings.models import Article, CompanyTag, Paragraph, PartialDate, Quote, Reporter, ThemeTag
from briefings.store import ArchiveStore, ArticleFilter, Phrase, SqliteStore, TextQuery, open_store
from briefings.store.postgres import PostgresStore

GAP = "\ue000"
ALL = ArticleFilter()
T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def make(n: int, terms: str = "", published: str | None = "2026-11-01", companies: tuple[str, ...] = (),
         themes: tuple[str, ...] = (), quotes: tuple[tuple[str, str, str], ...] = (),
         ingested_at: str = "2026-11-22T09:00:00+00:00", outlet: str | None = "연합뉴스", text: str = "") -> Article:
    digest = hashlib.sha256(f"article {n} {text}".encode()).hexdigest()
    return Article(
        id=digest[:12], content_hash=digest, title=f"기사 {n}", title_derived=False,
        paragraphs=[Paragraph(0, "body", text or f"본문 {n}", [text or f"본문 {n}"])], reporter=Reporter("기자", None),
        byline=None, outlet=outlet, outlet_domain=None, url=None,
        published=PartialDate.from_iso(published) if published else None, published_time=None,
        ingested_at=ingested_at, source=f"synthetic/{n}.txt", language="ko",
        companies=[CompanyTag(c, 2, [0], [], []) for c in companies],
        themes=[ThemeTag(t, 1.5, []) for t in themes],
        quotes=[Quote(s, "사장", c, q, 0, q) for s, c, q in quotes], summary=[f"요약 {n}"], terms=terms)


def add(store: ArchiveStore, *articles: Article) -> list[Article]:
    store.add_articles([(a, a.source, "raw-" + a.content_hash) for a in articles])
    return list(articles)


def ids(page_or_list) -> list[str]:
    hits = getattr(page_or_list, "hits", page_or_list)
    return [getattr(h, "article", h).id for h in hits]


# -- the interface itself ---------------------------------------------------------------------------
PROTOCOL = sorted(name for name, _ in inspect.getmembers(ArchiveStore, inspect.isfunction) if not name.startswith("_"))


@pytest.mark.parametrize("backend", [SqliteStore, PostgresStore], ids=lambda c: c.__name__)
def test_every_backend_implements_every_method_with_its_parameters(backend):
    for name in PROTOCOL:
        method = getattr(backend, name, None)
        assert callable(method), f"{backend.__name__} lacks {name}"
        expected = list(inspect.signature(getattr(ArchiveStore, name)).parameters)
        assert list(inspect.signature(method).parameters) == expected, (backend.__name__, name)


def test_this_suite_calls_every_method_of_the_interface():
    """A method added to ArchiveStore fails here until the contract tests it on both backends."""
    source = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_store_contract*.py"))
    untested = [name for name in PROTOCOL if not re.search(rf"\.{name}\(", source)]
    assert not untested, f"the contract suite never calls {untested}"


# -- adding, finding, duplicates --------------------------------------------------------------------
def test_added_article_comes_back_whole_by_id_and_by_unique_prefix(store):
    first, _second = add(store, make(1, companies=("kt",), quotes=(("김철수", "kt", "좋다"),)), make(2))
    assert store.get(first.id).to_dict() == first.to_dict()
    assert store.get(" " + first.id.upper() + " ").id == first.id
    assert store.get(first.id[:6]).id == first.id
    assert store.get(first.id[:3]) is None  # too short to be a prefix
    assert store.get("zzzz") is None and store.get("") is None
    for hostile in ["%", "____", first.id[:4] + "%", "'; DROP TABLE articles; --", "\x00abcd", "\\"]:
        assert store.get(hostile) is None
    assert store.count() == 2


def test_an_ambiguous_prefix_finds_nothing(store):
    one, two, three = (replace(make(n), id=i) for n, i in enumerate(["abcd00000001", "abcd00000002", "abce00000003"]))
    add(store, one, two, three)
    assert store.get("abcd") is None and store.get("abcd0000000") is None
    assert store.get("abce").id == three.id and store.get("ABCD00000002").id == two.id
    assert store.get("abc") is None  # shorter than 4: never a prefix look-up


def test_adding_an_archived_article_again_is_not_an_error_and_keeps_one_copy(store):
    article = make(1, terms="고객\n고객")
    add(store, article)
    store.add_article(article, "other/place.txt", "raw-other")
    again = make(1, terms="고객\n고객")
    store.add_articles([(again, "x/1", "raw-1"), (again, "x/2", "raw-2")])  # twice in one batch too
    assert store.count() == 1
    assert store.source_seen("other/place.txt") == ("raw-other", article.id)
    assert store.source_seen("x/2") == ("raw-2", article.id)
    assert store.stats()["sources"] == {"added": 1, "duplicate": 3}
    assert ids(store.search(TextQuery((Phrase(("고객",)),)), ALL, 10, 0)) == [article.id]


def test_two_writers_adding_the_same_articles_at_once_both_finish(store, tmp_path):
    """Two processes ingesting the same files: the second finds each article archived, no IntegrityError."""
    location = store.path if isinstance(store, SqliteStore) else store.url
    others = [open_store(location) for _ in range(2)]
    articles = [make(n, terms=f"단어{n}\n단어{n}") for n in range(30)]
    errors: list[BaseException] = []

    def write(target: ArchiveStore, order: list[Article]) -> None:
        try:
            for a in order:
                target.add_article(a, f"{id(target)}/{a.id}", "raw")
        except BaseException as exc:  # collected: a thread's exception would otherwise be lost
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(others[0], articles)),
               threading.Thread(target=write, args=(others[1], articles[::-1]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for other in others:
        other.close()
    assert errors == []
    assert store.count() == 30 and sorted(ids(store.articles(ALL))) == sorted(a.id for a in articles)
    assert sum(store.stats()["sources"].values()) == 60


def test_sources_and_content_look_ups(store):
    article = add(store, make(1))[0]
    assert store.source_seen(article.source) == ("raw-" + article.content_hash, article.id)
    assert store.source_seen("never/seen.txt") is None
    assert store.article_for_raw_hash("raw-" + article.content_hash) == article.id
    assert store.article_for_raw_hash("nope") is None
    assert store.article_for_content(article.content_hash) == article.id
    assert store.article_for_content("0" * 64) is None
    store.record_source("bad/file.txt", "raw-bad", None, "rejected")
    assert store.source_seen("bad/file.txt") == ("raw-bad", None)
    assert store.article_for_raw_hash("raw-bad") is None  # a source without an article is no duplicate
    store.record_source("bad/file.txt", "raw-bad2", article.id, "duplicate")
    assert store.source_seen("bad/file.txt") == ("raw-bad2", article.id)
    assert store.stats()["sources"] == {"added": 1, "duplicate": 1}


def test_supersede_moves_sources_and_removes_the_old_version(store):
    old, new = add(store, make(1, terms="옛날\n옛날", companies=("kt",), quotes=(("김", "kt", "말"),)),
                   make(2, terms="새로운\n새로운", companies=("kt",)))
    store.supersede(old.id, new.id)
    assert store.get(old.id) is None and store.count() == 1
    assert store.source_seen(old.source) == ("raw-" + old.content_hash, new.id)
    assert store.search(TextQuery((Phrase(("옛날",)),)), ALL, 10, 0).hits == []
    assert store.quotes("kt", None, 10) == [] and store.stats()["company"] == {"kt": 1}
    store.supersede("missing", new.id)  # nothing to remove: no error
    assert store.count() == 1


# -- search -----------------------------------------------------------------------------------------
@pytest.fixture
def texts(store):
    """A (dated 11-03), B (11-05), C (undated), D (hostile-looking tokens, 11-01)."""
    a = make(1, f"kt 광 케이블 망 구축 {GAP} 고객 만족\nkt 광케이블망 구축 {GAP} 고객만족", "2026-11-03",
             companies=("kt", "skt"), themes=("network",))
    b = make(2, f"고객 센터 kt 광케이블 {GAP} 만족\n고객센터 kt 광케이블 {GAP} 만족", "2026-11-05",
             companies=("kt",), themes=("cs",))
    c = make(3, "만족 고객 케이블 광\n만족 고객 케이블 광", None, companies=("skt",))
    d = make(4, "note a:b it's back\\slash 5g\nnote a:b it's back\\slash 5g", "2026-11-01")
    add(store, a, b, c, d)
    return a, b, c, d


def found(store, *phrases: Phrase, flt: ArticleFilter = ALL) -> list[str]:
    return ids(store.search(TextQuery(phrases), flt, 50, 0))


def test_morphemes_match_in_order_and_never_across_a_gap(store, texts):
    a, b, c, _ = texts
    assert found(store, Phrase(("고객", "만족"))) == [a.id]
    assert found(store, Phrase(("만족", "고객"))) == [c.id]
    assert found(store, Phrase(("구축", "고객"))) == []  # a sentence end stands between them
    assert found(store, Phrase(("고객",))) == [b.id, a.id, c.id]  # newest first, undated last
    assert found(store, Phrase(("KT",))) == [b.id, a.id]  # case folded


def test_forms_prefix_and_splits(store, texts):
    a, b, _c, _ = texts
    whole = ("광케이블",)
    assert found(store, Phrase(whole, whole, prefix=True)) == [b.id, a.id]  # 광케이블망 goes on from 광케이블
    assert found(store, Phrase(whole, whole)) == [b.id]
    assert found(store, Phrase(whole, (), splits=(("광", "케이블"),))) == [b.id, a.id]
    assert found(store, Phrase(("고객센터",), ("고객센터",))) == [b.id]
    assert found(store, Phrase(("없는말",), ("없는말",), prefix=True, splits=(("없는", "말"),))) == []


def test_phrases_are_all_required(store, texts):
    a, b, _c, _ = texts
    assert found(store, Phrase(("고객",)), Phrase(("kt",))) == [b.id, a.id]
    assert found(store, Phrase(("고객",)), Phrase(("없는말",))) == []


@pytest.mark.parametrize("token", ["&", "!", "'", "(", ")", "<->", "\\", "|", ":*", "*", '"', "-", "''", "\\'",
                                   "'); DROP TABLE articles; --", "&&!(", "NEAR", "OR"])
def test_hostile_tokens_are_only_text(store, texts, token):
    a, b, c, _d = texts
    alone = store.search(TextQuery((Phrase((token,), (token,), prefix=True, splits=((token, token),)),)), ALL, 10, 0)
    assert alone.hits == [] and not alone.has_more
    # next to a real word it takes nothing away, and the archive is intact afterwards
    assert found(store, Phrase((token,)), Phrase(("고객",))) in ([b.id, a.id, c.id], [])
    assert store.count() == 4


def test_tokens_with_punctuation_match_as_the_words_they_hold(store, texts):
    d = texts[3]
    for token in ["a:b", "it's", "back\\slash", "A:B", "5G"]:
        assert found(store, Phrase((token,))) == [d.id], token
    assert found(store, Phrase(("b:a",))) == []
    assert found(store, Phrase(("a", "b"))) == [d.id]
    assert found(store, Phrase(("note",), ("no",), prefix=True)) == [d.id]


def test_filters_companies_themes_and_dates(store, texts):
    a, b, c, d = texts
    word = Phrase(("고객",))
    assert found(store, word, flt=ArticleFilter(companies=("kt", "skt"))) == [a.id]
    assert found(store, word, flt=ArticleFilter(companies=("skt",))) == [a.id, c.id]
    assert found(store, word, flt=ArticleFilter(themes=("cs",))) == [b.id]
    assert found(store, word, flt=ArticleFilter(since=date(2026, 11, 4))) == [b.id]
    assert found(store, word, flt=ArticleFilter(until=date(2026, 11, 4))) == [a.id]  # undated never matches a bound
    assert found(store, word, flt=ArticleFilter(since=date(2026, 11, 3), until=date(2026, 11, 3))) == [a.id]
    assert ids(store.search(None, ArticleFilter(companies=("kt",)), 10, 0)) == [b.id, a.id]
    assert ids(store.search(TextQuery(()), ArticleFilter(), 10, 0)) == [b.id, a.id, d.id, c.id]
    assert ids(store.articles(ArticleFilter(since=date(2000, 1, 1)))) == [b.id, a.id, d.id]


def test_paging_newest_first(store):
    articles = add(store, *(make(n, "같은 말\n같은 말", f"2026-10-{n + 1:02d}") for n in range(5)))
    newest_first = [a.id for a in reversed(articles)]
    pages = [store.search(TextQuery((Phrase(("같은", "말")),)), ALL, 2, offset) for offset in (0, 2, 4)]
    assert [p.has_more for p in pages] == [True, True, False]
    assert [i for p in pages for i in ids(p)] == newest_first
    assert store.search(TextQuery((Phrase(("같은",)),)), ALL, 2, 10).hits == []
    same_day = add(store, *(make(10 + n, "같은 날\n같은 날", "2026-09-01") for n in range(3)))
    assert found(store, Phrase(("같은", "날"))) == [a.id for a in reversed(same_day)]  # later added, newer


def test_arrival_bounds_compare_moments_across_offsets(store):
    early = make(1, ingested_at="2026-11-22T17:59:59+09:00")  # 08:59:59 UTC
    at = make(2, ingested_at="2026-11-22T18:00:00+09:00")  # 09:00 UTC
    late = make(3, ingested_at="2026-11-22T10:00:00+00:00")
    add(store, early, at, late)
    assert set(ids(store.articles(ArticleFilter(ingested_after=T0)))) == {late.id}
    assert set(ids(store.articles(ArticleFilter(ingested_until=T0)))) == {early.id, at.id}
    seoul = T0.astimezone(datetime.fromisoformat("2026-01-01T00:00:00+09:00").tzinfo)
    assert set(ids(store.articles(ArticleFilter(ingested_after=seoul - timedelta(seconds=1), ingested_until=seoul)))
               ) == {at.id}
    assert set(ids(store.search(None, ArticleFilter(ingested_after=T0 - timedelta(hours=1)), 10, 0))) == {
        early.id, at.id, late.id}


def test_articles_quotes_stats_and_count(store):
    a, b, c = add(store, make(1, published="2016-05-01", companies=("kt",), themes=("esg",),
                              quotes=(("박정호", "skt", "첫째"), ("김", "kt", "둘째"))),
                  make(2, published="2026-01-02", companies=("kt", "skt"), outlet=None,
                       quotes=(("박정호", "skt", "셋째"),)),
                  make(3, published=None, companies=("skt",), themes=("esg", "ai")))
    assert ids(store.articles(ALL)) == [b.id, a.id, c.id]
    assert ids(store.articles(ALL, limit=2)) == [b.id, a.id]
    assert ids(store.articles(ArticleFilter(companies=("kt",), themes=("esg",)))) == [a.id]
    assert [(x.id, q["text"]) for x, q in store.quotes(None, "박정호", 10)] == [(b.id, "셋째"), (a.id, "첫째")]
    assert [q["text"] for _, q in store.quotes("skt", None, 10)] == ["셋째", "첫째"]
    assert [q for _, q in store.quotes("kt", "김", 1)] == [{"speaker": "김", "role": "사장", "company": "kt",
                                                          "text": "둘째"}]
    assert [q["text"] for _, q in store.quotes(None, None, 2)] == ["셋째", "첫째"]
    assert store.count() == 3
    stats = store.stats()
    assert {k: list(v.items()) for k, v in stats.items()} == {  # most first, then by name: the order counts
        "articles": [("total", 3)], "company": [("kt", 2), ("skt", 2)], "theme": [("esg", 2), ("ai", 1)],
        "outlet": [("연합뉴스", 2), ("unknown", 1)], "year": [("2016", 1), ("2026", 1), ("unknown", 1)],
        "sources": [("added", 3)]}


def _mark_stale(store: ArchiveStore, article_ids: list[str]) -> None:
    """What a migration that changes the term format does (store internals: test set-up only)."""
    if isinstance(store, SqliteStore):
        with store.transaction() as conn:
            conn.executemany("INSERT INTO search_stale SELECT key FROM articles WHERE id = ?",
                             [(i,) for i in article_ids])
    else:
        with store.transaction() as conn:
            conn.execute("INSERT INTO search_stale SELECT key FROM articles WHERE id = ANY(%s)", (article_ids,))


def test_stale_entries_are_listed_oldest_first_and_reindexed(store):
    old = add(store, *(make(n, "옛말\n옛말", f"2026-10-{n + 1:02d}") for n in range(4)))
    assert store.stale_search_rows(10) == []
    _mark_stale(store, [a.id for a in old[1:]])
    listed = store.stale_search_rows(2)
    assert ids(listed) == [old[1].id, old[2].id]
    store.reindex_search([(a.id, "새말 옛말\n새말옛말") for a in listed] + [("unknown00000", "x\nx")])
    assert ids(store.stale_search_rows(10)) == [old[3].id]
    assert found(store, Phrase(("새말", "옛말"))) == [old[2].id, old[1].id]
    assert found(store, Phrase(("새말옛말",), ("새말옛말",))) == [old[2].id, old[1].id]
    assert len(found(store, Phrase(("옛말",)))) == 4


def test_a_very_long_article_is_stored_and_its_words_found(store):
    """Past PostgreSQL's last tsvector position (16,383) and 256 positions per word: still stored, and a
    word that first appears late is still found."""
    filler = " ".join(["반복"] * 20_000 + ["끝말", "마지막"])
    article = add(store, make(1, f"{filler}\n{filler}"))[0]
    assert found(store, Phrase(("끝말",))) == [article.id]
    assert found(store, Phrase(("반복", "반복"))) == [article.id]
    assert found(store, Phrase(("끝말", "반복"))) == []  # 마지막 follows it


def test_an_article_of_a_quarter_million_different_words_is_stored(store):
    """More than a PostgreSQL tsvector can hold (1 MB): stored, its first words found."""
    words = [f"w{n:06d}x" for n in range(250_000)]
    article = add(store, make(1, " ".join(words) + "\nshort"))[0]
    assert store.get(article.id).id == article.id
    assert found(store, Phrase(("w000001x", "w000002x"))) == [article.id]


def test_control_characters_in_an_article_survive_the_round_trip(store):
    article = make(1, "제목 본문\n제목 본문", text="본문\x00에 NUL\x01")
    article.title = "제목\x00"
    article.quotes = [Quote("김\x00", None, "kt", "말\x00", 0, "말")]
    add(store, article)
    assert store.get(article.id).to_dict() == article.to_dict()
    assert found(store, Phrase(("제목", "본문"))) == [article.id]


# -- the delivery ledger, leases, state -------------------------------------------------------------
SLOT = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)


def test_ledger_claims_resumes_and_finishes(store):
    until = SLOT + timedelta(minutes=5)
    assert store.delivery_status("daily") is None and store.last_delivered("daily") is None
    assert store.begin_delivery("daily", SLOT, SLOT, "me", until) == "new"
    assert store.begin_delivery("daily", SLOT, SLOT, "peer", until) == "busy"
    assert store.begin_delivery("daily", SLOT, SLOT, "me", until) == "resume"  # our own claim (a restart)
    store.record_part("daily", SLOT, 0, "ref-0", SLOT)
    store.record_part("daily", SLOT, 1, "ref-1", SLOT)
    assert store.delivered_parts("daily", SLOT) == {0: "ref-0", 1: "ref-1"}
    assert store.delivery_status("daily") == {"slot": SLOT.isoformat(), "status": "posting", "finished_at": None,
                                              "error": None, "parts": 2}
    store.renew_claim("daily", SLOT, "me", SLOT + timedelta(minutes=20))
    later = SLOT + timedelta(minutes=10)  # past the first claim, inside the renewed one
    assert store.begin_delivery("daily", SLOT, later, "peer", later + timedelta(minutes=5)) == "busy"
    store.renew_claim("daily", SLOT, "peer", SLOT)  # not the holder: no effect
    assert store.begin_delivery("daily", SLOT, later, "peer", later) == "busy"
    store.finish_delivery("daily", SLOT, later)
    assert store.begin_delivery("daily", SLOT, later, "peer", later) == "done"
    assert store.last_delivered("daily") == SLOT and store.last_slot("daily") == SLOT
    assert store.delivery_status("daily")["status"] == "posted"


def test_a_lapsed_or_orphaned_claim_is_taken_over(store):
    store.begin_delivery("c", SLOT, SLOT, "elsewhere", SLOT + timedelta(minutes=5))
    assert store.begin_delivery("c", SLOT, SLOT + timedelta(minutes=4), "me", SLOT + timedelta(minutes=9)) == "busy"
    assert store.begin_delivery("c", SLOT, SLOT + timedelta(minutes=5), "me", SLOT + timedelta(minutes=10)) == "resume"
    other = SLOT + timedelta(days=1)
    store.begin_delivery("c", other, other, "dead:1", other + timedelta(hours=1))
    asked: list[str] = []

    def gone(owner: str) -> bool:
        asked.append(owner)
        return owner == "dead:1"

    assert store.begin_delivery("c", other, other, "me", other + timedelta(minutes=5), gone) == "resume"
    assert asked == ["dead:1"]
    assert store.begin_delivery("c", other, other, "third", other, lambda owner: False) == "busy"


def test_failed_and_cut_off_deliveries_are_retried(store):
    slots = [SLOT + timedelta(days=n) for n in range(4)]
    for slot in slots:
        store.begin_delivery("ch", slot, slot, "me", slot)
    store.finish_delivery("ch", slots[0], slots[0])
    store.fail_delivery("ch", slots[1], "HTTP 500 " + "x" * 600, slots[1])
    store.finish_delivery("ch", slots[3], slots[3])
    assert store.unfinished_deliveries("ch", slots[0]) == [slots[1], slots[2]]
    assert store.unfinished_deliveries("ch", slots[2]) == [slots[2]]
    assert store.unfinished_deliveries("other", slots[0]) == []
    assert store.begin_delivery("ch", slots[1], slots[1], "peer", slots[1]) == "resume"  # failed: anyone may retry
    store.fail_delivery("ch", slots[3] + timedelta(days=1), "never begun", slots[3])  # no row: nothing happens
    assert store.last_delivered("ch") == slots[3] and store.last_slot("ch") == slots[3]
    store.begin_delivery("ch", slots[3] + timedelta(days=1), slots[3], "me", slots[3])
    store.fail_delivery("ch", slots[3] + timedelta(days=1), "boom", slots[3])
    status = store.delivery_status("ch")
    assert status["status"] == "failed" and status["error"] == "boom" and status["parts"] == 0
    assert status["slot"] == (slots[3] + timedelta(days=1)).isoformat() and status["finished_at"]
    assert store.last_slot("ch") == slots[3] + timedelta(days=1)


def test_a_lease_has_one_live_holder(store):
    until = T0 + timedelta(seconds=30)
    assert store.hold_lease("scheduler", "a", T0, until)
    assert not store.hold_lease("scheduler", "b", T0 + timedelta(seconds=10), until)
    assert store.hold_lease("scheduler", "a", T0 + timedelta(seconds=20), T0 + timedelta(seconds=60))  # renewed
    assert not store.hold_lease("scheduler", "b", T0 + timedelta(seconds=45), T0 + timedelta(seconds=75))
    assert store.hold_lease("other-job", "b", T0, until)  # leases are independent
    assert store.hold_lease("scheduler", "b", T0 + timedelta(seconds=60), T0 + timedelta(seconds=90))  # lapsed
    assert not store.hold_lease("scheduler", "a", T0 + timedelta(seconds=61), T0 + timedelta(seconds=91))
    store.release_lease("scheduler", "a")  # not the holder: no effect
    assert not store.hold_lease("scheduler", "a", T0 + timedelta(seconds=62), T0 + timedelta(seconds=92))
    store.release_lease("scheduler", "b")
    assert store.hold_lease("scheduler", "a", T0 + timedelta(seconds=63), T0 + timedelta(seconds=93))
    asked: list[str] = []

    def gone(owner: str) -> bool:
        asked.append(owner)
        return owner == "a"

    assert not store.hold_lease("scheduler", "c", T0 + timedelta(seconds=64), T0 + timedelta(seconds=94),
                                lambda owner: False)
    assert store.hold_lease("scheduler", "c", T0 + timedelta(seconds=64), T0 + timedelta(seconds=94), gone)
    assert asked == ["a"]  # the holder's process is gone: taken at once, before the lapse
    assert not store.hold_lease("scheduler", "a", T0 + timedelta(seconds=65), T0 + timedelta(seconds=95), gone)
    naive = datetime(2026, 11, 22, 10, 0)  # naive moments are compared as they are given (UTC on PostgreSQL)
    assert store.hold_lease("naive", "a", naive, naive + timedelta(seconds=30))
    assert not store.hold_lease("naive", "b", naive + timedelta(seconds=29), naive + timedelta(seconds=59))
    assert store.hold_lease("naive", "b", naive + timedelta(seconds=30), naive + timedelta(seconds=60))


def test_state_is_kept_and_replaced(store):
    assert store.get_state("commands") is None
    store.set_state("commands", "v1", T0)
    store.set_state("commands", "v2", T0 + timedelta(hours=1))
    store.set_state("other", "", T0)
    assert store.get_state("commands") == "v2" and store.get_state("other") == ""


# -- the two backends side by side ------------------------------------------------------------------
ALPHABET = "가나다광케블ab5Zé\u0301İΣ:'&!()<->\\*\"-+_.·\u200b①\u0903"
TOKENS = st.text(alphabet=ALPHABET, min_size=1, max_size=4)
TERMS = st.one_of(TOKENS, st.just(GAP))  # the analyser's GAP stands alone between words


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(TERMS, min_size=1, max_size=8), min_size=1, max_size=4),
       picks=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 7), st.integers(1, 3), st.booleans()),
                      min_size=1, max_size=3),
       extra=st.lists(TOKENS, max_size=2))
def test_both_backends_find_the_same_articles_for_any_tokens(pg_server, texts, picks, extra):
    """Random terms with punctuation, marks and look-alikes: the same hits, in the same order, on both."""
    stores = [open_store(":memory:"), open_store(pg_server.clean_archive())]
    try:
        # (a GAP ends the morpheme stream: SQLite's one FTS column would otherwise let a phrase run on
        # from the last morpheme into the first form, which PostgreSQL's two vectors never do)
        articles = [make(n, " ".join(tokens) + f" {GAP}\n" + "".join(tokens), f"2026-10-{n + 1:02d}")
                    for n, tokens in enumerate(texts)]
        phrases = []
        for article_no, start, length, prefix in picks:  # words taken from an article, so some match
            tokens = texts[article_no % len(texts)]
            words = tuple(w for w in tokens[start % len(tokens): start % len(tokens) + length] if w != GAP) or ("가",)
            phrases.append(Phrase(words, ("".join(words),), prefix=prefix, splits=(words[::-1],)))
        phrases += [Phrase((token,)) for token in extra]
        answers = []
        for store in stores:
            add(store, *articles)
            answers.append([ids(store.search(TextQuery((phrase,)), ALL, 10, 0)) for phrase in phrases]
                           + [ids(store.search(TextQuery(tuple(phrases)), ALL, 10, 0))])
        assert answers[0] == answers[1]
    finally:
        for store in stores:
            store.close()
