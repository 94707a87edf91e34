"""Kinds of news-page layout the page reader meets: captions beside the text, players, asides inside the
article's container, a most-read box beside a short story, a lead set apart from the body.

Every page here is synthetic (sentences written for these tests)."""

from __future__ import annotations

import json

import pytest

from briefings.ingest.html import read_html
from briefings.ingest.pages.captions import is_credit_only

SENTENCES = [f"가온전자는 올해 {i}분기 영업이익이 시장 예상을 크게 웃돌았다고 {i + 10}일 밝혔다. "
             f"회사는 반도체 부문의 회복이 실적 개선을 이끌었다고 설명했다." for i in range(1, 9)]
MENU = "".join(f'<li><a href="/section/{i}">분야 메뉴 {i}</a></li>' for i in range(30))


def page(body: str, head: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>가온전자 실적 발표 | 예시뉴스</title>{head}</head><body>"
            f"<header><nav><ul>{MENU}</ul></nav></header>{body}"
            "<footer><p>주소 서울특별시 가상구 예시로 1 · 대표전화 02-000-0000</p></footer></body></html>")


def br_body(parts: list[str]) -> str:
    return "<div id='articleBody' class='news_txt'>" + "<br><br>".join(parts) + "</div>"


def test_a_caption_beside_the_text_is_kept_as_a_caption_not_body() -> None:
    photo = ("<div class='news_img'><img src='/p/1.jpg' alt=''>"
             "<p class='caption'>가온전자 평택 공장 전경 [사진 제공: 가온전자]</p></div>")
    fields = read_html(page(br_body([photo + SENTENCES[0], *SENTENCES[1:]])))
    assert fields.captions == ["가온전자 평택 공장 전경 [사진 제공: 가온전자]"]
    assert not any("공장 전경" in line for line in fields.lines)
    assert all(s in fields.lines for s in SENTENCES)


def test_a_credit_only_caption_is_dropped() -> None:
    photo = "<figure><img src='/p/2.jpg'><figcaption>사진제공 : 가온전자</figcaption></figure>"
    fields = read_html(page(br_body([SENTENCES[0], photo, *SENTENCES[1:]])))
    assert fields.captions == []
    assert not any("사진제공" in line for line in fields.lines)


def test_players_and_buttons_leave_no_label_in_the_text() -> None:
    video = ("<div class='video-box'><iframe src='https://www.youtube.com/embed/abc123'></iframe></div>"
             "<button type='button'>이미지 확대하기</button>")
    fields = read_html(page("<article>" + "".join(f"<p>{s}</p>" for s in SENTENCES[:4]) + video
                            + "".join(f"<p>{s}</p>" for s in SENTENCES[4:]) + "</article>"))
    assert all(s in fields.lines for s in SENTENCES)
    assert not any(word in line for line in fields.lines for word in ("VIDEO", "확대하기"))


def test_an_ad_and_a_share_bar_inside_the_article_box_are_dropped() -> None:
    inside = ("<div class='ad_box'><a href='/ad/1'>광고 문의하기</a></div>"
              "<div class='article-share'><a href='#'>페이스북</a><a href='#'>카카오톡</a>"
              "<a href='#'>링크 복사</a></div>")
    body = ("<div class='art_txt'>" + "".join(f"<p>{s}</p>" for s in SENTENCES[:4]) + inside
            + "".join(f"<p>{s}</p>" for s in SENTENCES[4:]) + "</div>")
    joined = " ".join(read_html(page(body)).lines)
    assert all(s in joined for s in SENTENCES)
    assert not any(word in joined for word in ("광고 문의", "카카오톡", "링크 복사"))


def test_a_most_read_box_beside_a_short_story_is_not_taken_for_it() -> None:
    short = "<div class='view_con'>" + "".join(f"<p>{s}</p>" for s in SENTENCES[:2]) + "</div>"
    teasers = ("<div class='most_read'><h3>많이 본 뉴스</h3>" + "".join(
        f"<div class='item'><a href='/t/{i}'><strong>인기 기사 제목 {i}</strong></a><p>다른 기사의 요약 문장이 이렇게 "
        f"꽤 길게 이어지며 여러 줄을 차지하고 독자의 눈길을 끕니다 {i}.</p></div>" for i in range(12)) + "</div>")
    fields = read_html(page(short + teasers))
    joined = " ".join(fields.lines)
    assert all(s in joined for s in SENTENCES[:2])
    assert "인기 기사" not in joined and "다른 기사의 요약" not in joined


def test_a_lead_set_apart_from_the_body_box_is_kept() -> None:
    body = ("<div class='art_head'><h2 class='sub_title'>가온전자 실적 호조 이어가</h2></div>"
            f"<div class='art_lead'><p>{SENTENCES[0]}</p></div>"
            "<div class='art_body'>" + "".join(f"<p>{s}</p>" for s in SENTENCES[1:]) + "</div>")
    fields = read_html(page(body))
    assert fields.lines.index(SENTENCES[0]) < fields.lines.index(SENTENCES[1])
    assert all(s in fields.lines for s in SENTENCES)


@pytest.mark.parametrize(("caption", "credit"), [
    ("사진제공 : 가온전자", True), ("(사진=가상통신)", True), ("가상소방본부 제공", True), ("[가온전자 제공]", True),
    ("Photo by Kim Example", True), ("(Yonhap)", True), ("자료사진 제공: 가상통신", True),
    ("가온전자 평택 공장 전경 [사진 제공: 가온전자]", False), ("고속철도 차량 [가상철도 제공]", False),
    ("A worker checks a wafer at the company's plant. (Yonhap)", False), ("사진 속 인물", False),
])
def test_credit_only_captions_are_told_from_descriptive_ones(caption: str, credit: bool) -> None:
    assert is_credit_only(caption) is credit


def test_a_caption_readability_drops_with_its_photo_is_not_added_back_as_text() -> None:
    caption = "가온전자 직원들이 새로 지은 평택 공장에서 웨이퍼를 점검하고 있다."
    photo = (f"<div class='photo_box'><table><tr><td><img src='/p/3.jpg'></td></tr>"
             f"<tr><td class='img_desc'>{caption}</td></tr></table></div>")
    body = ("<div class='art_head'><h2 class='sub_title'>가온전자 실적 호조 이어가</h2></div>"
            f"<div class='art_lead'><p>{SENTENCES[0]}</p></div><div class='art_body'>"
            + "".join(f"<p>{s}</p>" for s in SENTENCES[1:4]) + photo
            + "".join(f"<p>{s}</p>" for s in SENTENCES[4:]) + "</div>")
    fields = read_html(page(body))
    assert all(s in fields.lines for s in SENTENCES)
    assert caption not in fields.lines


def test_a_sidebar_photo_caption_is_not_given_to_an_article_read_from_its_json_ld() -> None:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "가온전자 실적 발표",
          "articleBody": "\n".join(SENTENCES)}
    head = f"<script type='application/ld+json'>{json.dumps(ld, ensure_ascii=False)}</script>"
    side = ("<div class='side'><figure><img src='/p/9.jpg'><figcaption>다른 회사 신제품 발표회 모습이다."
            "</figcaption></figure></div>")
    fields = read_html(page(side + "<div class='view'>" + "".join(f"<p>{s}</p>" for s in SENTENCES) + "</div>", head))
    assert fields.body_source == "structured" and fields.lines == SENTENCES
    assert fields.captions == []
