"""Full-text search over morphemes: short Korean words, aliases, Latin terms, phrases, filters, hostile input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from briefings.analysis.korean import GAP, index_terms, search_terms, word_forms
from briefings.analysis.taxonomy import load_taxonomy
from briefings.archive import QueryError
from briefings.search import Phrase, TextQuery, parse_query
from briefings.store import ArticleFilter, SqliteStore
from briefings.store.sqlite import fts_match
from tests.conftest import CONFIG, SEED_IDS, by_source, open_archive


def ids(result) -> list[str]:
    return [h.article.id for h in result.page.hits]


def seed_id(archive, key: str) -> str:
    return by_source(archive, SEED_IDS[key]).id


@pytest.mark.parametrize("word", ["고객", "혁신", "기부", "봉사"])
def test_two_syllable_korean_words_are_found(seeded, word):
    hits = seeded.search(word).page.hits
    assert hits
    for hit in hits:
        assert word in hit.article.title + " ".join(p.text for p in hit.article.paragraphs)


def test_particles_do_not_hide_a_word(seeded):
    # "서포터즈를", "서포터즈는" in the text; the query's particle is ignored too
    assert ids(seeded.search("서포터즈가")) == [seed_id(seeded, "kt_supporters")]


@pytest.mark.parametrize("alias", ["SKT", "SK텔레콤", "sk텔레콤", "에스케이텔레콤"])
def test_company_in_any_alias_form(seeded, alias):
    assert ids(seeded.search(alias)) == [seed_id(seeded, "new_year")]


@pytest.mark.parametrize("alias", ["LGU+", "lg유플러스", "LG U+"])
def test_lg_uplus_aliases(seeded, alias):
    assert ids(seeded.search(alias)) == [seed_id(seeded, "new_year")]


@pytest.mark.parametrize(("term", "expected"), [
    ("AI", {"kt_award", "new_year"}), ("5G", {"kt_award"}), ("ESG", {"new_year"}), ("IPTV", {"kt_jeonbuk", "kt_ksqi"}),
])
def test_latin_terms(seeded, term, expected):
    assert set(ids(seeded.search(term))) == {seed_id(seeded, k) for k in expected}


def test_phrase_needs_the_words_together(seeded):
    phrase = set(ids(seeded.search('"정보 격차"')))
    assert phrase == {seed_id(seeded, "kt_supporters")}
    loose = set(ids(seeded.search("고객 센터")))
    tight = set(ids(seeded.search('"고객센터"')))
    assert tight <= loose and seed_id(seeded, "kt_ksqi") in tight


def test_filters_and_newest_first(seeded):
    assert ids(seeded.search("고객", companies=["LG유플러스"])) == [seed_id(seeded, "new_year")]
    assert set(ids(seeded.search("고객", themes=["esg"]))) == {
        by_source(seeded, SEED_IDS[k]).id for k in SEED_IDS if "esg" in by_source(seeded, SEED_IDS[k]).theme_ids}
    dated = seeded.search("고객", since="2016-01-01", until="2016-12-31")
    assert ids(dated) == [seed_id(seeded, "kt_jeonbuk")]  # the only seed that states its date
    assert ids(seeded.search("고객", since="2017")) == []
    all_hits = ids(seeded.search("KT"))
    assert all_hits[0] == seed_id(seeded, "kt_jeonbuk")  # dated articles before undated ones


def test_paging(seeded):
    first = seeded.search("KT", limit=2)
    second = seeded.search("KT", limit=2, offset=2)
    assert first.page.has_more and len(first.page.hits) == 2
    assert not set(ids(first)) & set(ids(second))


@pytest.mark.parametrize("query", [
    '"', '""', '"고객', "*", "고객*", "NEAR(고객 혁신)", "고객 AND", "OR", "NOT 고객", "(", ")", "title:고객",
    "고객:", "\x00\x01\x1b[31m", "^고객", "-고객", "'; DROP TABLE articles; --", "고객 " * 2500, "ㅋ" * 5000,
    "🙂", "   ",
])
def test_hostile_queries_never_error(seeded, query):
    result = seeded.search(query)
    assert isinstance(result.page.hits, list)
    assert seeded.store.count() == 5


def test_operator_words_are_plain_words(seeded):
    assert ids(seeded.search("NOT 고객")) == []  # "not" is a word no seed contains
    assert ids(seeded.search("고객*")) == ids(seeded.search("고객"))


def test_unknown_filters_are_clear_errors(seeded):
    with pytest.raises(QueryError, match="unknown company 'KTX'"):
        seeded.search("고객", companies=["KTX"])
    with pytest.raises(QueryError, match="unknown theme"):
        seeded.search("고객", themes=["weather"])
    with pytest.raises(QueryError, match="cannot read the date"):
        seeded.search("고객", since="yesterday-ish")


# -- words typed together, apart and quoted; splits kiwi makes only in context --------------------
# Synthetic news-like sentences (written for these tests). kiwi splits 광케이블 into 광 + 케이블 in
# these sentences, but keeps it whole when it is typed alone.
SYNTHETIC = {
    "split_cable": ("도서 지역 통신망 확대", "정부는 도서 지역까지 광케이블 기반 통신망을 넓히기로 했다. "
                    "새로 까는 광케이블 기반 설비는 속도가 빠르다."),
    "compound": ("편집국 소식 안내", "편집국은 오늘의 주요기사를 모아 news 메일로 보낸다. "
                 "목록은 매일 아침 새로 정리한다."),
    "scattered": ("앱 업데이트 공개", "이번 업데이트의 주요 개선 사항은 검색 속도다. "
                  "회사는 서비스 기사 교육도 news 채널에서 알리기로 했다."),
    "spaced": ("뉴스레터 개편", "구독자는 이제 주요 기사만 골라 읽을 수 있다. 발송 시각은 오전 일곱 시로 바뀐다."),
    "new_product": ("가전 신제품 공개", "회사는 오늘 신제품 세 종을 공개했다. 판매는 다음 달부터 시작된다."),
    "product": ("가전 판매 증가", "지난해 내놓은 제품의 판매가 크게 늘었다. 회사는 생산 설비를 넓힌다."),
    "gapped": ("모바일 시장 동향", "신작이 쏟아지는 모바일 게임 나름의 업계 기준이 생겼다. 출시가 늘어난 게임. "
               "업계는 변화를 반긴다."),
    "game_industry": ("게임업계 채용 확대", "게임업계가 하반기 채용을 늘린다. 신입 개발자 수요가 많다."),
}


def write_synthetic(folder: Path) -> Path:
    path = folder / "synthetic.jsonl"
    rows = [{"title": title, "body": body, "published": f"2024-03-0{n + 1}", "outlet": "테스트일보"}
            for n, (title, body) in enumerate(SYNTHETIC.values())]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def synthetic(tmp_path: Path):
    archive = open_archive(tmp_path / "synthetic.sqlite3")
    report = archive.ingest([write_synthetic(tmp_path)])
    assert report.counts["added"] == len(SYNTHETIC), report.items
    keys = {title: key for key, (title, _) in SYNTHETIC.items()}
    found = {keys[a.title]: a.id for a in archive.store.articles(archive.make_filter())}
    yield archive, found
    archive.close()


def names(found: dict[str, str], result) -> set[str]:
    by_id = {v: k for k, v in found.items()}
    return {by_id[h.article.id] for h in result.page.hits}


def test_one_word_matches_as_the_phrase_of_its_morphemes(synthetic):
    archive, found = synthetic
    # 주요 … 기사 far apart is not 주요기사; written together or side by side it is
    assert names(found, archive.search("주요기사")) == {"compound", "spaced"}
    assert names(found, archive.search("news 주요기사")) == {"compound"}


def test_words_typed_apart_match_anywhere(synthetic):
    archive, found = synthetic
    assert names(found, archive.search("주요 기사")) == {"compound", "scattered", "spaced"}
    assert names(found, archive.search("news 기사")) == {"compound", "scattered"}


def test_quoted_phrase_needs_its_words_in_order(synthetic):
    archive, found = synthetic
    assert names(found, archive.search('"주요 기사"')) == {"compound", "spaced"}
    assert names(found, archive.search('"기사 주요"')) == set()
    assert names(found, archive.search('"광케이블 기반"')) == {"split_cable"}


def test_a_word_kiwi_splits_only_in_context_is_found(synthetic):
    archive, found = synthetic
    assert word_forms("광케이블")[0].morphemes == ("광케이블",)  # whole when typed alone
    assert names(found, archive.search("광케이블")) == {"split_cable"}
    assert names(found, archive.search("광케이블을")) == {"split_cable"}
    assert names(found, archive.search("광 케이블")) == {"split_cable"}


def test_words_across_a_function_word_or_a_sentence_end_are_not_side_by_side(synthetic):
    archive, found = synthetic
    assert names(found, archive.search("게임업계")) == {"game_industry"}
    assert names(found, archive.search('"게임 업계"')) == {"game_industry"}
    assert names(found, archive.search("게임 업계")) == {"gapped", "game_industry"}
    morphemes, forms = search_terms("모바일 게임 나름의 업계. 게임. 업계")
    assert morphemes == ["모바일", "게임", GAP, "업계", GAP, "게임", GAP, "업계"]
    assert forms == ["모바일", "게임", GAP, "업계", GAP, "게임", GAP, "업계"]


def test_a_noun_prefix_is_part_of_the_word(synthetic):
    archive, found = synthetic
    assert names(found, archive.search("신제품")) == {"new_product"}  # not every 제품
    assert names(found, archive.search("제품")) == {"new_product", "product"}


@pytest.mark.parametrize("token", ['"', '""', "*", "a*b", "NEAR(x", "OR", "AND", "NOT", "(", ")", "col:x",
                                  "^x", "-", "'", "x\"y", "{a b}", ":", "+", "🙂"])
def test_fts_special_characters_are_plain_text(synthetic, token):
    archive, _ = synthetic
    query = TextQuery((Phrase((token, "기사"), (token + "기사",), prefix=True), Phrase((token,))))
    match = fts_match(query)
    page = archive.store.search(query, archive.make_filter(), 10, 0)
    assert isinstance(page.hits, list)
    assert match is None or match.count('"') % 2 == 0


def test_a_query_whose_words_the_index_cannot_hold_finds_nothing(synthetic):
    archive, _ = synthetic
    assert archive.store.search(TextQuery((Phrase(("*",), ("*",)),)), archive.make_filter(), 10, 0).hits == []


def test_an_archive_in_the_old_term_format_is_reindexed_on_open(tmp_path):
    db = tmp_path / "old.sqlite3"
    archive = open_archive(db)
    archive.ingest([write_synthetic(tmp_path)])
    articles = archive.store.articles(archive.make_filter())
    archive.close()
    # Turn it into what the previous release wrote: morphemes only, schema version 3, no stale list.
    conn = sqlite3.connect(db)
    for article in articles:
        old = " ".join(index_terms("\n".join([article.title, *(p.text for p in article.paragraphs)])))
        key = conn.execute("SELECT key FROM articles WHERE id = ?", (article.id,)).fetchone()[0]
        conn.execute("UPDATE article_fts SET terms = ? WHERE rowid = ?", (old, key))
    conn.execute("DROP TABLE search_stale")
    conn.execute("DROP INDEX articles_ingested_utc")  # and without what later migrations added
    conn.execute("ALTER TABLE articles DROP COLUMN ingested_utc")
    for trigger in ("article_added", "article_removed", "source_added", "source_changed", "source_removed",
                    "company_added", "company_removed", "theme_added", "theme_removed"):  # and 0008's
        conn.execute(f"DROP TRIGGER {trigger}")
    for table in ("article_grid", "grid_days", "tag_days", "source_counts", "archive_changes", "leases"):
        conn.execute(f"DROP TABLE {table}")
    conn.executescript("DROP INDEX articles_unslim; ALTER TABLE articles DROP COLUMN slim;"
                       " ALTER TABLE article_companies DROP COLUMN about;")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    query = parse_query("신제품", load_taxonomy(CONFIG)).query
    store = SqliteStore(db)  # migrates, but only the archive re-analyses
    assert store.search(query, ArticleFilter(), 10, 0).hits == []  # old entries lack the prefix 신
    assert len(store.stale_search_rows(100)) == len(SYNTHETIC)
    store.close()
    reopened = open_archive(db)
    try:
        assert reopened.store.stale_search_rows(100) == []
        assert [h.article.title for h in reopened.search("신제품").page.hits] == [SYNTHETIC["new_product"][0]]
        assert [h.article.title for h in reopened.search("광케이블").page.hits] == [SYNTHETIC["split_cable"][0]]
        assert reopened.store.count() == len(SYNTHETIC)
    finally:
        reopened.close()


def test_fts_match_quotes_every_token_and_ands_the_words():
    query = TextQuery((Phrase(("주요", "기사"), ("주요기사",), prefix=True),
                       Phrase(('a"b',), ('a"b',)),
                       Phrase(("광케이블",), ("광케이블",), prefix=True, splits=(("광", "케이블"),))))
    assert fts_match(query) == ('("주요" + "기사" OR "주요기사" *) AND ("a""b") AND '
                                '("광케이블" OR "광케이블" * OR "광" + "케이블")')
    assert fts_match(TextQuery((Phrase(("*", "("), ("*(",)),))) is None
    assert fts_match(TextQuery()) is None


def test_parse_query_shapes(synthetic):
    archive, _ = synthetic
    phrases = parse_query('news 주요기사 "정보 격차" 신제품', archive.taxonomy).query.phrases
    assert phrases[0] == Phrase(("정보", "격차"), ("정보", "격차"))  # quoted: in order, no prefix
    assert phrases[1] == Phrase(("news",), ("news",))  # a Latin word is whole, not a prefix
    assert phrases[2] == Phrase(("주요", "기사"), ("주요기사",), prefix=True)
    assert phrases[3] == Phrase(("신", "제품"), ("신제품",), prefix=True)
