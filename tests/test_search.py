"""Full-text search over morphemes: short Korean words, aliases, Latin terms, phrases, filters, hostile input."""

from __future__ import annotations

import pytest

from briefings.archive import QueryError
from tests.conftest import SEED_IDS, by_source


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
