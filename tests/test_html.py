"""Reading saved news pages: synthetic pages written for these tests (no real article text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefings.errors import RejectedInput
from briefings.ingest.clean import Byline
from briefings.ingest.html import read_html
from briefings.ingest.metadata import OutletMap, attribute, parse_stated_date
from briefings.ingest.readers import read_file
from briefings.models import PartialDate

SENTENCES = [
    "한빛전자는 올해 2분기 영업이익이 지난해 같은 기간보다 12% 늘었다고 밝혔다.",
    "회사 측은 반도체 부문의 수요 회복이 실적 개선을 이끌었다고 설명했다.",
    "업계에서는 하반기에도 데이터센터 투자가 이어질 것으로 내다보고 있다.",
    "다만 원자재 가격 상승이 수익성에 부담이 될 수 있다는 지적도 나온다.",
    "한빛전자는 다음 달 새로운 생산 설비 증설 계획을 발표할 예정이다.",
    "증권가는 목표 주가를 잇달아 올리며 긍정적인 전망을 내놓았다.",
]
MENU = "".join(f'<li><a href="/section/{i}">분야 메뉴 {i}</a></li>' for i in range(30))


def page(body: str, head: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'>{head}</head><body>"
            f"<header><nav><ul>{MENU}</ul></nav></header>{body}"
            "<footer><p>주소 서울특별시 가상구 예시로 1 · 대표전화 02-000-0000</p></footer></body></html>")


def text_of(lines: list[str]) -> str:
    return " ".join(lines)


def test_br_separated_div_body_is_read_line_by_line() -> None:
    body = "<div id='articleBody' class='text'>" + "<br><br>".join(SENTENCES) + "</div>"
    fields = read_html(page(body))
    for sentence in SENTENCES:
        assert sentence in fields.lines
    assert not any("분야 메뉴" in line for line in fields.lines)


def test_sidebar_article_before_the_main_one_is_not_taken_for_the_body() -> None:
    sidebar = ("<div class='side'><article class='card'><a href='/a/1'><h3>많이 본 뉴스: 다른 회사 소식</h3></a>"
               "<a href='/a/2'>관련 기사 제목 하나</a></article></div>")
    main = "<main><article><h1>실적 발표</h1>" + "".join(f"<p>{s}</p>" for s in SENTENCES) + "</article></main>"
    fields = read_html(page(sidebar + main))
    joined = text_of(fields.lines)
    assert all(s in joined for s in SENTENCES)
    assert "많이 본 뉴스" not in joined


@pytest.mark.parametrize(("stated", "site"), [
    ("한빛전자 2분기 영업이익 12% 증가 | 가상뉴스", "가상뉴스"),
    ("한빛전자 2분기 영업이익 12% 증가 - 가상방송 뉴스", "가상방송"),
    ("한빛전자 2분기 영업이익 12% 증가 : 예시 뉴스", None),
    ("한빛전자 2분기 영업이익 12% 증가 | Example News Agency", "Example News Agency"),
    ("한빛전자 2분기 영업이익 12% 증가 - 가상경제", None),
    ("한빛전자 2분기 영업이익 12% 증가 | ABC", None),
])
def test_site_name_suffix_is_removed_from_the_title(stated: str, site: str | None) -> None:
    head = f'<meta property="og:title" content="{stated}">'
    if site:
        head += f'<meta property="og:site_name" content="{site}">'
    body = "<article>" + "".join(f"<p>{s}</p>" for s in SENTENCES) + "</article>"
    assert read_html(page(body, head)).title == "한빛전자 2분기 영업이익 12% 증가"


@pytest.mark.parametrize("stated", ["한빛전자 - 가온화학 합병 추진", "한빛전자, 신제품 공개 - Apple 협력"])
def test_title_whose_separator_is_part_of_the_headline_is_kept(stated: str) -> None:
    head = f'<meta property="og:title" content="{stated}">'
    body = "<article>" + "".join(f"<p>{s}</p>" for s in SENTENCES) + "</article>"
    assert read_html(page(body, head)).title == stated


def test_json_ld_article_body_headline_date_and_author_are_read() -> None:
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "가상일보"},
        {"@type": "NewsArticle", "headline": "한빛전자 실적 개선", "datePublished": "2023-04-19T22:35:45Z",
         "author": [{"@type": "Person", "name": "김가상"}], "publisher": {"@type": "Organization", "name": "가상일보"},
         "articleBody": "\n".join(SENTENCES)}]}
    head = f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
    # the visible page carries only a teaser: the stated body is the article
    fields = read_html(page("<div class='teaser'><p>" + SENTENCES[0] + "</p></div>", head))
    assert fields.lines == SENTENCES
    assert fields.title == "한빛전자 실적 개선"
    assert fields.author == "김가상"
    assert fields.published == "2023-04-19T22:35:45Z"


def test_fusion_script_json_body_is_read() -> None:
    blob = {"headlines": {"basic": "가온화학 신공장 착공"}, "display_date": "2023-05-01T01:00:00Z",
            "credits": {"by": [{"name": "이예시"}]},
            "content_elements": [{"type": "text", "content": s} for s in SENTENCES]
            + [{"type": "image", "caption": "사진 설명"}]}
    script = f"<script>Fusion.globalContent={json.dumps(blob, ensure_ascii=False)};Fusion.x=1;</script>"
    fields = read_html(page("<div id='fusion-app'></div>" + script))
    assert fields.lines == SENTENCES
    assert fields.title == "가온화학 신공장 착공"
    assert fields.author == "이예시"


def test_utc_offset_dates_are_taken_in_korean_time() -> None:
    assert parse_stated_date("2023-04-19T22:35:45Z") == (PartialDate(2023, 4, 20), "07:35")
    assert parse_stated_date("2023-04-19T22:35:45+00:00") == (PartialDate(2023, 4, 20), "07:35")
    assert parse_stated_date("2023-04-19T22:35:45+09:00") == (PartialDate(2023, 4, 19), "22:35")
    assert parse_stated_date("2023-04-19T14:00:00.123-05:00") == (PartialDate(2023, 4, 20), "04:00")
    assert parse_stated_date("2023-04-19") == (PartialDate(2023, 4, 19), None)  # no offset: as stated
    assert parse_stated_date("2023-02-30T10:00:00Z") is None  # never invented


def test_author_from_meta_and_the_outlet_name_is_not_a_reporter() -> None:
    body = "<article>" + "".join(f"<p>{s}</p>" for s in SENTENCES) + "</article>"
    head = ('<meta property="og:site_name" content="가상 뉴스"><meta property="article:author" '
            'content="https://social.example/가상뉴스"><meta property="article:author" content="가상 뉴스">'
            '<meta name="author" content="박예시">')
    assert read_html(page(body, head)).author == "박예시"
    assert read_html(page(body, '<meta property="og:site_name" content="가상 뉴스">'
                                '<meta name="author" content="가상 뉴스">')).author is None


def test_author_role_and_email_are_taken_off_the_stated_name() -> None:
    body = "<article>" + "".join(f"<p>{s}</p>" for s in SENTENCES) + "</article>"
    head = '<meta name="author" content="박예시 기자 park@example.com">'
    assert read_html(page(body, head)).author == "박예시"


def test_stated_author_fills_the_reporter_only_without_a_byline() -> None:
    who = attribute([], [], OutletMap(), stated_author="박예시")
    assert who.reporter.name == "박예시"
    text_byline = Byline(name="정기자", email=None, desk=None, text="정기자")
    assert attribute([text_byline], [], OutletMap(), stated_author="박예시").reporter.name == "정기자"
    # a tip line parsed as a name loses to the stated author that a byline in the text confirms
    tip = Byline(name="이메일", email=None, desk=None, text="이메일")
    sign_off = Byline(name=None, email=None, desk=None, text="가상뉴스 박예시입니다.")
    assert attribute([sign_off, tip], [], OutletMap(), stated_author="박예시").reporter.name == "박예시"


def test_page_author_reaches_the_reader_output(tmp_path: Path) -> None:
    body = "<article>" + "".join(f"<p>{s}</p>" for s in SENTENCES) + "</article>"
    data = page(body, '<meta name="author" content="박예시">').encode()
    raw = read_file(tmp_path / "a.html", data, "h").articles[0]
    assert raw.author == "박예시"


def test_short_page_is_rejected_with_its_metadata_in_the_reason(tmp_path: Path) -> None:
    head = ('<meta property="og:title" content="짧은 속보 | 가상뉴스"><meta property="og:site_name" content="가상뉴스">'
            '<meta property="article:published_time" content="2023-04-19T22:35:45Z">'
            '<meta name="author" content="최예시">')
    data = page("<article><p>속보</p></article>", head).encode()
    with pytest.raises(RejectedInput) as caught:
        read_file(tmp_path / "short.html", data, "h")
    reason = caught.value.reason
    assert "짧은 속보" in reason and "2023-04-19T22:35:45Z" in reason and "최예시" in reason


def test_an_extract_is_checked_against_the_pages_own_summary() -> None:
    from briefings.ingest.pages.body import Candidate, covers

    article = Candidate("readability", SENTENCES)
    comments = Candidate("trafilatura", ["댓글 작성자 1: 좋은 소식이네요", "댓글 작성자 2: 동의합니다"] * 5)
    lead = SENTENCES[0][:30] + "…"
    assert covers(lead, article) == 1.0
    assert covers(lead, comments) < 0.5
