"""Digest composition: grouping, grid with change, clustering, windows, keywords, empty digests."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from pydantic import ValidationError

from briefings.archive import QueryError
from briefings.digest.spec import DigestSpec
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
    assert "기사 1건 · 매체 2곳" in text
    en = dated.render_digest(dated.compose_digest(DigestSpec(group="company", companies=["SKT"], window="7d",
                                                             language="en")), "text")[0]["text"]
    assert "1 story · 2 outlets" in en


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


def test_story_terms_are_kept_at_ingest_so_composing_never_reanalyses(seeded):
    from dataclasses import replace

    from briefings.digest.compose import cluster
    from briefings.summarize import story_terms
    articles = seeded.store.articles(seeded.make_filter())
    for article in articles:
        assert article.story_terms and article.story_terms == story_terms(article)
        assert "은" not in article.story_terms and "는" not in article.story_terms  # content words only
    # An archive written before story_terms existed still clusters the same way.
    old = [replace(a, story_terms=[]) for a in articles]
    assert [[a.id for a in g] for g in cluster(old)] == [[a.id for a in g] for g in cluster(articles)]
