"""Digest composition: grouping, grid with change, clustering, windows, keywords, empty digests."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from briefings.archive import QueryError
from briefings.digest.spec import DigestSpec
from briefings.store.base import ArticleFilter, Subset
from briefings.templating import TemplateSet
from tests.conftest import open_archive


def test_grid_on_the_seeds(seeded):
    digest = seeded.compose_digest(DigestSpec(group="grid"))
    grid = digest.grid
    assert [name for _, name in grid.companies] == ["KT", "SK텔레콤", "LG유플러스"]
    assert grid.cells["kt"]["customer"].count == 5
    assert grid.cells["skt"]["leadership"].count == 1 and grid.cells["lgu"]["esg"].count == 0
    assert grid.cells["kt"]["customer"].change is None  # "all" has no previous period
    text = seeded.render_digest(digest, "markdown")[0]["text"]
    assert "| **KT** |" in text and "SK텔레콤" in text and "LG유플러스" in text


def _article(tmp_path, name, body, published=None, outlet=None):
    record = {"title": name, "body": body, "published": published, "outlet": outlet}
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({k: v for k, v in record.items() if v}, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def dated(tmp_path):
    archive = open_archive(tmp_path / "dated.sqlite3")
    base = "SK텔레콤이 {}일 AI 기반 고객센터를 전면 도입한다고 밝혔다. 상담 대기 시간을 절반으로 줄이는 것이 목표다."
    rows = [
        ("SKT AI 고객센터 도입", base.format(20), "2026-11-20", "연합뉴스"),
        ("SKT, AI 고객센터 도입한다", base.format(20) + " 업계의 관심이 쏠린다.", "2026-11-20", "뉴스1"),
        ("KT 5G 전국망 확대", "KT가 5G 전국망을 확대한다고 밝혔다. 네트워크 투자를 늘린다.", "2026-11-18", "전자신문"),
        ("KT 네트워크 점검", "KT가 통신망 일제 점검을 마쳤다고 밝혔다. 광케이블 설비를 교체했다.", "2026-11-10",
         "전자신문"),
        ("KT 광케이블 교체", "KT가 노후 광케이블을 교체했다고 밝혔다. 통신망 품질을 높였다.", "2026-11-09", "한국경제"),
    ]
    files = [_article(tmp_path, *row) for row in rows]
    assert archive.ingest(files).counts["added"] == 5
    yield archive
    archive.close()


def test_one_story_from_several_outlets_appears_once(dated):
    digest = dated.compose_digest(DigestSpec(group="company", companies=["SKT"], window="7d"))
    stories = digest.sections[0].stories
    assert len(stories) == 1 and sorted(stories[0].outlets) == ["뉴스1", "연합뉴스"]
    text = dated.render_digest(digest, "text")[0]["text"]
    line = next(x for x in text.splitlines() if "AI 고객센터" in x and "·" in x)  # title · outlets · date
    assert ("뉴스1, 연합뉴스" in line or "연합뉴스, 뉴스1" in line) and "2026-11-20" in line
    en = dated.render_digest(dated.compose_digest(DigestSpec(group="company", companies=["SKT"], window="7d",
                                                             language="en")), "text")[0]["text"]
    assert "top 1" in en and "2026-11-20" in en


def test_grid_change_against_the_previous_period(dated):
    digest = dated.compose_digest(DigestSpec(group="grid", window="7d"))  # 11-16..11-22 vs 11-09..11-15
    cell = digest.grid.cells["kt"]["network"]
    assert (cell.count, cell.previous, cell.change) == (1, 2, -1)
    assert "1 (-1)" in dated.render_digest(digest, "text")[0]["text"]


def test_empty_window_says_nothing_new(dated):
    dated.clock = lambda: datetime(2027, 3, 1, 8, 30)
    digest = dated.compose_digest(DigestSpec(window="since-last"), last_delivery=datetime(2027, 2, 28, 8, 30))
    assert digest.empty and digest.empty_message == "2027-02-28 이후 새로운 기사가 없습니다."
    for fmt in ("slack", "discord", "markdown", "text", "html"):
        assert dated.render_digest(digest, fmt)


def test_keywords_and_filters(dated):
    only = dated.compose_digest(DigestSpec(group="theme", include_keywords=["광케이블"]))
    ids = {s.article_id for sec in only.sections for s in sec.stories}
    assert len(ids) == 2
    without = dated.compose_digest(DigestSpec(group="company", exclude_keywords=["AI"]))
    assert all("AI" not in s.title for sec in without.sections for s in sec.stories)


def test_bad_specs_are_clear_errors(seeded):
    with pytest.raises(ValidationError, match="unknown window"):
        DigestSpec(window="fortnight")
    with pytest.raises(QueryError, match="unknown company"):
        seeded.compose_digest(DigestSpec(companies=["KT&G"]))


def test_user_templates_override_and_broken_ones_are_located(seeded, tmp_path):
    (tmp_path / "headline.j2").write_text("오늘의 {{ digest.title }} 브리핑", encoding="utf-8")
    digest = seeded.compose_digest(DigestSpec())
    text = seeded.render_digest(digest, "text", TemplateSet(tmp_path))[0]["text"]
    assert text.startswith("오늘의 테마별 브리핑 브리핑")
    (tmp_path / "story.j2").write_text("line one\n{{ story.title \n", encoding="utf-8")
    with pytest.raises(Exception) as info:
        TemplateSet(tmp_path)
    assert "story.j2" in str(info.value) and ":" in str(info.value)


def test_user_templates_are_sandboxed(seeded, tmp_path):
    (tmp_path / "headline.j2").write_text("{{ digest.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(Exception, match=r"unsafe|not safely|access"):
        seeded.render_digest(seeded.compose_digest(DigestSpec()), "text", TemplateSet(tmp_path))


def test_story_terms_and_fingerprints_are_kept_at_ingest_so_composing_never_reanalyses(seeded):
    from dataclasses import replace

    from briefings.digest.cluster import cluster
    from briefings.digest.fingerprint import article_fingerprint
    from briefings.summarize import story_terms
    articles = seeded.store.articles(seeded.make_filter())
    for article in articles:
        assert article.story_terms and article.story_terms == story_terms(article)
        assert "은" not in article.story_terms and "는" not in article.story_terms  # content words only
        assert article.fingerprint and article.fingerprint == article_fingerprint(replace(article, terms=""))
    # An archive written before story_terms and fingerprints existed still clusters the same way.
    old = [replace(a, story_terms=[], fingerprint="") for a in articles]
    assert [[a.id for a in g] for g in cluster(old)] == [[a.id for a in g] for g in cluster(articles)]


BRIEF = [  # (title, body, outlet): SK텔레콤 stories; the last two only mention it in passing
    ("SKT, 6G 연구소 설립", "SK텔레콤이 6G 연구소를 세운다고 밝혔다. 연구 인력 300명을 새로 뽑는다. "
     "SK텔레콤은 2030년 상용화를 목표로 한다.", "연합뉴스"),
    ("SK텔레콤 6G 연구소 세운다", "SK텔레콤이 6G 연구소를 설립한다고 밝혔다. 연구 인력 300명을 채용한다. "
     "SK텔레콤은 2030년 상용화가 목표라고 설명했다.", "뉴스1"),
    ("SK텔레콤, 도서 지역 기지국 확충", "SK텔레콤이 섬 지역 기지국을 두 배로 늘린다고 밝혔다. 여객선 항로의 "
     "통화 품질을 높이려는 조치다. SK텔레콤은 연말까지 공사를 마친다.", "전자신문"),
    ("SK텔레콤, 시각장애인용 음성 안내 앱 출시", "SK텔레콤이 시각장애인을 위한 음성 안내 앱을 내놨다. 버스 "
     "도착 정보를 소리로 알려준다. SK텔레콤은 무료로 제공한다.", "한국경제"),
    ("반도체 수출 석 달째 증가", "반도체 수출이 석 달 연속 늘었다. 메모리 가격이 반등한 덕분이다. 정부는 "
     "하반기에도 증가세가 이어질 것으로 본다. 통신 업계에서는 SK텔레콤 등이 관련 설비 투자를 검토 중이다.",
     "연합뉴스"),
    ("자동차 내수 판매 감소", "자동차 내수 판매가 두 달째 줄었다. 신차 출시가 적었던 탓이다. 완성차 업계는 "
     "연말 할인 행사를 준비하고 있다. 차량용 통신 모듈은 SK텔레콤 등이 공급한다.", "뉴스1"),
]


@pytest.fixture
def briefing(tmp_path):
    archive = open_archive(tmp_path / "brief.sqlite3")
    files = [_article(tmp_path, title, body, "2026-11-20", outlet) for title, body, outlet in BRIEF]
    assert archive.ingest(files).counts["added"] == len(BRIEF)
    yield archive
    archive.close()


def test_company_sections_lead_with_stories_about_the_company(briefing):
    digest = briefing.compose_digest(DigestSpec(group="company", companies=["SKT"], max_stories=5))
    section = digest.sections[0]
    titles = [s.title for s in section.stories]
    assert section.total == 5  # six articles, one story told by two outlets
    assert titles[0] in ("SKT, 6G 연구소 설립", "SK텔레콤 6G 연구소 세운다")  # two outlets: it leads
    assert [s.mention for s in section.stories] == [False, False, False, True, True]
    assert all(not s.mention for s in section.stories[:3])  # a passing mention never leads
    text = briefing.render_digest(digest, "text")[0]["text"]
    assert text.count("언급") == 2
    for story in section.stories:
        assert 1 <= len(story.summary) <= 2
    said = {sentence for story in section.stories for sentence in story.summary}
    assert not said & {line.text for line in section.summary}  # the section summary adds, never repeats


def test_max_stories_cuts_mentions_first_and_says_how_many_more(briefing):
    digest = briefing.compose_digest(DigestSpec(group="company", companies=["SKT"], max_stories=3))
    section = digest.sections[0]
    assert len(section.stories) == 3 and section.more == 2 and not any(s.mention for s in section.stories)
    text = briefing.render_digest(digest, "text")[0]["text"]
    assert "외 2건" in text and "언급" not in text
    en = briefing.render_digest(briefing.compose_digest(DigestSpec(group="company", companies=["SKT"], max_stories=3,
                                                                   language="en")), "text")[0]["text"]
    assert "2 more" in en


@settings(max_examples=300, deadline=None)
@given(st.lists(st.frozensets(st.sampled_from(["kt", "5g", "요금", "출시", "ai", "망"]), max_size=4), max_size=12))
def test_a_storys_centrality_is_each_members_mean_overlap_with_the_others(term_sets):
    """_centrality compares each distinct wording once: the figures of comparing every pair."""
    from types import SimpleNamespace

    from briefings.digest.rank import _centrality

    members = [SimpleNamespace(story_terms=sorted(s)) for s in term_sets]
    n = len(term_sets)
    every_pair = [sum(len(x & y) / len(x | y) for j, y in enumerate(term_sets) if j != i and x | y) / (n - 1)
                  for i, x in enumerate(term_sets)] if n > 1 else [0.0] * n
    assert _centrality(members) == pytest.approx(every_pair, abs=1e-12)


def test_composing_a_digest_never_runs_the_analyser(seeded):
    """Summary sentences are compared by the morphemes kept at ingest: composing reads, it does not
    analyse (the analyser is serialised, and a reader waiting on it holds up chat replies)."""
    from briefings.analysis import korean
    from briefings.digest import compose

    for article in seeded.store.slim_articles(Subset(ArticleFilter()), 50):
        assert len(article.summary_terms) == len(article.summary_sentences()) > 0
    compose._terms.cache_clear()
    analyser = korean.kiwi()
    calls: list[str] = []
    real = analyser.tokenize
    analyser.tokenize = lambda text, *a, **k: calls.append(text) or real(text, *a, **k)
    try:
        for group in ("company", "theme"):
            digest = seeded.compose_digest(DigestSpec(group=group, window="all", max_stories=1))
            assert digest.sections and any(s.summary for s in digest.sections)
    finally:
        del analyser.tokenize
    assert calls == []
