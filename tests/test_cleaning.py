"""Cleaning by shape and position: boilerplate cut from inside lines, articles kept, sentences bounded.

All text here is synthetic, written for these tests in the shape of Korean wire copy.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.analysis.sentences import MAX_SENTENCE_CHARS, split_sentences
from briefings.ingest import boilerplate
from briefings.ingest.boilerplate import normalise, strip_boilerplate
from briefings.ingest.build import ArticleBuilder
from briefings.ingest.clean import clean_lines
from briefings.ingest.readers import RawArticle
from briefings.ingest.rules import load_rules
from tests.conftest import CONFIG

BODY = ("삼성전자가 새 스마트폰을 공개했다. 회사는 올해 판매 목표를 두 배로 늘렸다고 밝혔다. "
        "업계는 하반기 경쟁이 치열해질 것으로 내다봤다.")


@pytest.fixture(scope="module")
def rules():
    return load_rules(CONFIG)


def body_of(rules, line: str):
    cleaned = clean_lines([line], rules, "제목")
    return " ".join(t for kind, t in cleaned.paragraphs if kind == "body"), cleaned


def test_wire_dateline_byline_promotions_and_copyright_are_cut_from_one_line(rules):
    line = (f"【서울=뉴시스】홍길동 기자 = {BODY}hong@newsis.com▶ 네이버에서 뉴시스 채널 구독하기"
            "▶ 뉴시스 시세표 바로가기 <저작권자ⓒ 공감언론 뉴시스통신사. 무단전재-재배포 금지.>")
    body, cleaned = body_of(rules, line)
    assert body == BODY
    assert ("홍길동", None) in {(b.name, b.email) for b in cleaned.bylines}
    assert "hong@newsis.com" in {b.email for b in cleaned.bylines}
    reasons = {r.reason for r in cleaned.removed}
    assert {"dateline", "promotion", "e-mail"} <= reasons
    assert all(r.line == 1 for r in cleaned.removed)


def test_bracketed_byline_photo_credit_wire_credit_and_entities(rules):
    line = ("[한국경제TV 김원규 기자] 현대차가 전기차 공장을 짓는다&apos;고 밝혔다.[사진 네이버] "
            "공장은 2025년에 문을 연다.\u00a0회사는 투자 규모를 공개하지 않았다. /연합뉴스")
    body, cleaned = body_of(rules, line)
    assert body == ("현대차가 전기차 공장을 짓는다'고 밝혔다. 공장은 2025년에 문을 연다. "
                    "회사는 투자 규모를 공개하지 않았다.")
    assert cleaned.bylines[0].name == "김원규" and cleaned.bylines[0].desk == "한국경제TV"


def test_a_long_line_with_a_photo_credit_is_body_not_a_caption(rules):
    line = f"{BODY} 신제품은 다음 달 출시된다(사진=삼성전자 제공). {BODY}"
    body, cleaned = body_of(rules, line)
    assert body.startswith("삼성전자가 새 스마트폰을") and "(사진=" not in body
    assert not [t for kind, t in cleaned.paragraphs if kind == "caption"]


def test_a_short_credited_line_is_still_a_caption(rules):
    cleaned = clean_lines(["헤드라인", BODY, "연구원이 장비를 시연하고 있다.  제공 | KT"], rules)
    assert ("caption", "연구원이 장비를 시연하고 있다.  제공 | KT") in cleaned.paragraphs


def test_running_text_that_mentions_reporters_credits_or_equals_is_kept():
    for text in ("회사는 기자간담회에서 신제품을 소개했다.",
                 "정부가 제공하는 자료에 따르면 환율(1달러=1200원)이 올랐다.",
                 "문의는 help@example.com 으로 받는다고 회사는 밝혔다.",
                 "그는 ‘사진’이라는 주제로 강연했다."):
        assert strip_boilerplate(text) == (text, [])


def test_signatures_labels_and_bare_credits_between_sentences_are_cut():
    cases = {
        "회사는 협약을 맺었다고 밝혔다. 홍길동기자 hong@example.co.kr지난 24일 행사가 열렸다.":
            "회사는 협약을 맺었다고 밝혔다. 지난 24일 행사가 열렸다.",
        "[앵커]새 플랫폼이 출범했습니다. [기자]이번 출범은 의미가 큽니다.":
            "새 플랫폼이 출범했습니다. 이번 출범은 의미가 큽니다.",
        "콘텐츠를 개편했다[더팩트 | 최승진 기자] 넥슨은 게임을 출시했다.": "콘텐츠를 개편했다 넥슨은 게임을 출시했다.",
        "회사는 신제품을 공개했다. 지금까지 한국방송 홍길동입니다.": "회사는 신제품을 공개했다.",
    }
    for text, kept in cases.items():
        assert strip_boilerplate(text)[0] == kept, text


def test_caption_closed_by_a_slash_credit_goes_with_it():
    text = f"본사 전경./회사 제공{BODY}"
    kept, cuts = strip_boilerplate(text)
    assert kept == BODY and cuts[0].kind == "caption"


def test_normalise_decodes_entities_and_spaces(rules):
    assert normalise("A&amp;B&apos;s\u00a0plan&#8203;") == "A&B's plan"
    assert clean_lines([BODY], rules, "KT&apos;s 5G\u00a0전략").title == "KT's 5G 전략"


def test_an_article_whose_only_line_a_rule_took_is_kept():
    builder = ArticleBuilder.from_config(CONFIG)
    only_line = "연구원들이 새 장비를 시연하고 있다. 제공 | 한국연구원"
    caption_only = RawArticle("x.txt", [only_line], "h", "txt", title="제목")
    _, paragraphs = builder.clean(caption_only)
    assert [p.kind for p in paragraphs] == ["body"]
    marked = RawArticle("y.txt", ["▲ " + BODY * 2], "h", "txt", title="제목")
    _, paragraphs = builder.clean(marked)
    assert [p.kind for p in paragraphs] == ["body"] and paragraphs[0].text.startswith("삼성전자가")


def test_sentences_split_glued_breaks_but_not_numbers_or_abbreviations():
    text = "회사 서비스가 사용됐다.KT는 3.5% 성장했다. U.S. 정부도 Mr. Kim을 만났다. 그는 \"좋다. 더 좋다\"고 말했다."
    assert split_sentences(text) == ["회사 서비스가 사용됐다.", "KT는 3.5% 성장했다.",
                                     "U.S. 정부도 Mr. Kim을 만났다.", "그는 \"좋다. 더 좋다\"고 말했다."]


@pytest.mark.parametrize("opener", ["‘19년", "‘‘C.A.S.E", "\"전략”", "“"])
def test_an_unclosed_quote_does_not_swallow_the_article(opener):
    text = f"회사는 {opener} 실적을 발표했다. " + "매출은 전년보다 늘었다. " * 100
    sentences = split_sentences(text)
    assert len(sentences) >= 90
    assert max(map(len, sentences)) < 100


def test_no_sentence_is_longer_than_the_limit():
    unpunctuated = "회사는 새 제품을 내놓았고 시장은 반응했으며 " * 60 + "주가는 " + "가" * 1000
    sentences = split_sentences(unpunctuated)
    assert max(map(len, sentences)) <= MAX_SENTENCE_CHARS
    assert "".join(sentences).replace(" ", "") == unpunctuated.replace(" ", "")
    assert sentences[0].endswith(("며", "고"))  # cut at a clause boundary, not mid-word


ADVERSARIAL = {
    "stamp label and spaces": "입력" + " " * 100_000 + "x",
    "stamp date and spaces": "입력 2019.01.01" + " " * 100_000 + "x",
    "source label and spaces": "출처" + " " * 100_000 + "x",
    "bracketed ad and spaces": "[광고 모음] " + " " * 100_000 + "x",
    "byline suffix and spaces": "본문" + " " * 100_000 + "/ 홍길동 x",
    "open quotes": "“" * 100_000,
    "sentence ends": "다." * 50_000,
    "slashes": "/ " * 50_000,
    "names before 기자": "홍길동 " * 30_000 + "기자",
    "wire credits": "(서울=" * 30_000,
}
BUDGET_SECONDS = 1.0  # measured ~0.05 s each; the quadratic patterns took minutes on these


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_cleaning_and_splitting_are_linear_on_long_lines(rules, name):
    line = ADVERSARIAL[name]
    started = time.perf_counter()
    clean_lines([line], rules, "제목")
    split_sentences(line)
    assert time.perf_counter() - started < BUDGET_SECONDS, name


def test_a_four_thousand_sentence_article_cleans_and_splits_fast(rules):
    article = " ".join(f"{i}번째 문장에서 회사는 “새 서비스를 시작한다”고 밝혔다." for i in range(4000))
    started = time.perf_counter()
    body, _ = body_of(rules, article)
    sentences = split_sentences(body)
    assert time.perf_counter() - started < BUDGET_SECONDS
    assert len(sentences) == 4000


def test_a_byline_of_two_reporters_glued_after_a_heading_and_a_glued_photo_credit(rules):
    body, cleaned = body_of(rules, f"실적 발표 앞두고 긴장[매일경제 홍길동 기자, 김철수 기자] {BODY}")
    assert "기자" not in body and body.endswith(BODY)
    assert [(r.reason, r.text) for r in cleaned.removed] == [("byline", "[매일경제 홍길동 기자, 김철수 기자]")]
    body, _ = body_of(rules, f"사진제공=한빛웨딩 {BODY}")
    assert body == BODY


def test_an_english_wire_editors_note_is_cut_from_the_lead(rules):
    line = "(ATTN: ADDS details in paras 4-6) SEOUL, May 2 (Yonhap) -- The company said it would open a new plant."
    body, cleaned = body_of(rules, line)
    assert "ATTN" not in body and body.endswith("The company said it would open a new plant.")
    assert "editor's note" in {r.reason for r in cleaned.removed}


def test_an_english_wire_dateline_is_cut_and_a_sentence_starting_with_a_city_is_not(rules):
    body, _ = body_of(rules, "WASHINGTON, May 2 (AFP) -- The agency said the talks would resume next week.")
    assert body == "The agency said the talks would resume next week."
    body, _ = body_of(rules, "Seoul, the capital, has announced a new plan for its subway network this week.")
    assert body.startswith("Seoul, the capital")


# --- the tail search's shortcut is the same search ----------------------------------------------

_TAIL_PIECES = st.one_of(
    st.sampled_from(["홍길동 기자", " hong@example.co.kr", "[김철수 기자 kim@news.kr]", "ⓒ 연합뉴스",
                     "무단 전재 및 재배포 금지", "▶ 네이버에서 구독하기",
                     " / 사진=회사 제공", "KBS 뉴스 박대기입니다.", "chosunbiz.com", "/뉴스1",
                     "저작권자 © 한국일보", "(c) 2019", "Copyright 2019 All rights reserved", "구독해 주세요!",
                     "특파원", "2019.11.3/뉴시스", "(cleanrap@dailygame.co.kr)", "바로가기", "에디터", "논설위원"]),
    st.sampled_from(["KT는 5G 요금제를 내놓았다. ", "회사는 밝혔다.", "가입자가 늘었다 ", "서울", " ", ".", ")",
                     "]", ">", "니다", "com", "kr", "@", "/", "가", "A"]),
    st.characters(codec="utf-8"))


def _same(a, b) -> bool:
    return (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup))


@settings(max_examples=600, deadline=None)
@given(st.lists(_TAIL_PIECES, min_size=1, max_size=10).map("".join), st.integers(0, 900))
def test_the_tail_search_shortcuts_find_what_the_full_searches_find(text, filler):
    window = ("가" * filler + text).rstrip()
    assert _same(boilerplate._strong_tail(window), boilerplate._TAIL_STRONG.search(window))
    assert _same(boilerplate._tail(boilerplate._TAIL_WEAK, boilerplate.TAIL_WEAK_REACH, window),
                 boilerplate._TAIL_WEAK.search(window))
    assert _same(boilerplate._tail(boilerplate._TAIL_NAME, boilerplate.TAIL_NAME_REACH, window),
                 boilerplate._TAIL_NAME.search(window))


@pytest.mark.parametrize(("name", "reach"), [("_TAIL_STRONG", "TAIL_STRONG_REACH"), ("_TAIL_WEAK", "TAIL_WEAK_REACH"),
                                             ("_TAIL_NAME", "TAIL_NAME_REACH")])
def test_the_tail_reach_covers_the_longest_match_the_pattern_allows(name, reach):
    import re._parser as sre_parse  # the pattern's own width, as the regex engine computes it

    pattern = getattr(boilerplate, name).pattern
    end = r"\s*$" if pattern.endswith(r"\s*$") else "$"
    assert pattern.endswith(end)  # a match ends at the window's end (its trailing spaces excepted)
    _, widest = sre_parse.parse(pattern[: -len(end)]).getwidth()
    assert widest <= getattr(boilerplate, reach)
