"""People and quote speakers on synthetic news sentences (written for these tests, not corpus text)."""

from __future__ import annotations

import time

import pytest

from briefings.analysis.korean import split_sentences
from briefings.analysis.names import find_mentions
from briefings.analysis.people import PeopleFinder
from briefings.analysis.quotes import quote_spans
from briefings.analysis.taxonomy import load_taxonomy
from briefings.models import Paragraph, Quote
from tests.conftest import CONFIG


@pytest.fixture(scope="module")
def finder() -> PeopleFinder:
    return PeopleFinder(load_taxonomy(CONFIG))


def run(finder: PeopleFinder, *texts: str) -> tuple[dict, list[Quote]]:
    paragraphs = [Paragraph(i, "body", t, split_sentences(t)) for i, t in enumerate(texts)]
    people, quotes = finder.find(paragraphs)
    return {p.name: p for p in people}, quotes


def speaker_of(quotes: list[Quote], words: str) -> Quote:
    return next(q for q in quotes if words in q.text)


def test_unnamed_source_stays_unnamed_after_a_named_speaker(finder):
    _, quotes = run(finder,
                    "홍길동 KT 부사장은 3일 기자간담회에서 “올해 5G 가입자가 크게 늘어날 것”이라고 말했다.",
                    "업계 관계자는 “요금 경쟁이 더 치열해질 수밖에 없다”고 전망했다.",
                    "케이뱅크 관계자는 “대출 한도를 곧 늘릴 계획”이라고 밝혔다.")
    assert speaker_of(quotes, "가입자가").speaker == "홍길동"
    industry = speaker_of(quotes, "요금 경쟁")
    assert industry.speaker is None and industry.role == "업계 관계자"
    bank = speaker_of(quotes, "대출 한도")
    assert bank.speaker is None and bank.role == "케이뱅크 관계자"


def test_company_or_agency_as_subject_is_not_the_last_named_person(finder):
    _, quotes = run(finder,
                    "김철수 KT 사장이 새 요금제 출시를 직접 발표했다.",
                    "금융위원회는 24일 “심사 기준을 바꿀 계획은 없다”고 밝혔다.")
    quote = speaker_of(quotes, "심사 기준")
    assert quote.speaker is None and quote.role == "금융위원회"


def test_affiliation_is_not_a_name(finder):
    people, quotes = run(finder, "정옥현 서강대 교수는 “반도체 경기가 내년 하반기에 살아날 것”이라고 말했다.")
    assert "서강대" not in people
    assert people["정옥현"].role == "교수"
    assert speaker_of(quotes, "반도체 경기").speaker == "정옥현"


@pytest.mark.parametrize(("text", "name", "role"), [
    ("홍길동 KT 부사장은 신사업을 맡는다.", "홍길동", "부사장"),
    ("삼성전자 이영수 부사장이 행사에 참석했다.", "이영수", "부사장"),
    ("박민호 한빛증권 애널리스트는 목표주가를 올렸다.", "박민호", "애널리스트"),
    ("최다은 네트워크부문장은 투자를 늘린다고 했다.", "최다은", "부문장"),
    ("LG유플러스(대표 황현식)는 신규 서비스를 내놨다.", "황현식", "대표"),
    ("김영희(45) 씨는 새 서비스를 이용해 봤다.", "김영희", "씨"),
    ("Tim Cook 애플 CEO는 신제품을 공개했다.", "Tim Cook", "CEO"),
    ("송민재 전 KT 사장은 고문으로 물러났다.", "송민재", "사장"),
])
def test_name_and_role_patterns(text, name, role):
    found = [(m.name, m.role) for m in find_mentions(text)]
    assert found == [(name, role)]


@pytest.mark.parametrize("text", ["신임 사장은 취임식을 열었다.", "이사회 의장은 회의를 주재했다.",
                                  "지난해 사장으로 승진했다.", "업계 관계자는 말을 아꼈다."])
def test_common_words_before_a_role_are_not_names(text):
    assert find_mentions(text) == []


def test_pronoun_and_short_reference_resolve_to_the_named_person(finder):
    _, quotes = run(finder,
                    "박정호 SK텔레콤 사장은 신년사를 통해 “인공지능 기업으로 거듭나자”고 강조했다.",
                    "그는 “고객이 모든 변화의 출발점”이라고 덧붙였다.",
                    "이영수 KT 부사장도 “협력이 필요하다”고 말했다.",
                    "박 사장은 “올해가 전환점이 될 것”이라고 말했다.",
                    "이 부사장은 “망 투자를 늘리겠다”고 밝혔다.")
    assert speaker_of(quotes, "출발점").speaker == "박정호"
    assert speaker_of(quotes, "전환점").speaker == "박정호"
    assert speaker_of(quotes, "망 투자").speaker == "이영수"
    assert speaker_of(quotes, "출발점").company == "skt"


def test_dropped_subject_continues_the_previous_speaker(finder):
    _, quotes = run(finder,
                    "구현모 KT 대표는 “디지털 플랫폼 기업으로 바뀌겠다”고 말했다.",
                    "이어 “고객 중심으로 일하는 방식을 바꾸자”고 덧붙였다.")
    assert speaker_of(quotes, "일하는 방식").speaker == "구현모"


def test_pronoun_without_a_recent_named_person_stays_unattributed(finder):
    _, quotes = run(finder,
                    "황현식 LG유플러스 사장은 신년사를 발표했다.",
                    "업계에서는 요금 인하 경쟁이 이어질 것으로 본다.",
                    "시장 상황은 여전히 불투명하다.",
                    "그는 “내년에도 어려운 환경이 이어질 것”이라고 말했다.")
    assert speaker_of(quotes, "어려운 환경").speaker is None


def test_quote_then_this_way_sentence(finder):
    _, quotes = run(finder, "“고객이 먼저다. 품질로 보답하겠다.” "
                            "황현식 LG유플러스 사장은 신년 메시지에서 이같이 강조했다.")
    assert speaker_of(quotes, "품질로 보답").speaker == "황현식"


def test_quote_spans_are_balanced_and_bounded():
    text = "그는 “첫 번째 인용문이다”라고 했고 「두 번째 인용문이다」라고도 했다. 닫히지 않은 “따옴표는 인용이 아니다"
    spans = [s.text for s in quote_spans(text)]
    assert spans == ["첫 번째 인용문이다", "두 번째 인용문이다"]
    assert quote_spans("“" + "가" * 5000 + "”") == []  # longer than any quote: not one


@pytest.mark.parametrize("unit", [
    "홍길동 KT 부사장은 “좋은 결과”라고 말했다. 업계 관계자는 “그렇다”고 했다. “닫히지 않은 \"열린 그는 박 사장은 "
    "정옥현 서강대 교수 김영희(45) 씨는 ",
    "“열리기만 하는 따옴표 ",  # openers that never close
    "홍길동한빛전자부사장은띄어쓰기없이이어지는글",  # one word as long as the line
])
def test_long_line_is_linear(finder, unit):
    def timed(n: int) -> float:
        text = (unit * (n // len(unit) + 1))[:n]
        para = Paragraph(0, "body", text, [text])  # one huge sentence, the worst case
        started = time.perf_counter()
        finder.find([para])
        return time.perf_counter() - started

    timed(2000)  # warm kiwi and caches
    small, large = timed(25_000), timed(200_000)
    assert large < 10.0
    assert large < 8 * small * 2 + 0.5  # 8× the text: well under the 64× a quadratic scan would take


def test_short_reference_needs_a_matching_title(finder):
    _, quotes = run(finder,
                    "최인혁 네이버 최고운영책임자(COO)는 새 통장 출시 계획을 설명했다.",
                    "박영진 중기부 장관이 행사에 참석했다.",
                    "최 COO는 “금융 상품을 차례로 내놓겠다”고 말했다.",
                    "박 시장은 “지역 상권도 함께 살펴야 한다”고 말했다.")
    assert speaker_of(quotes, "금융 상품").speaker == "최인혁"  # COO = 최고운영책임자
    mayor = speaker_of(quotes, "지역 상권")
    assert mayor.speaker is None  # the only 박 named is a minister, not a mayor


def test_pronoun_after_an_unnamed_source_stays_unnamed(finder):
    _, quotes = run(finder,
                    "김민수 KT 전무가 발표를 맡았다.",
                    "경쟁당국 고위 관계자는 “심사에 시간이 걸린다”고 말했다.",
                    "그는 “결론을 서두르지 않겠다”고 덧붙였다.")
    quote = speaker_of(quotes, "서두르지")
    assert quote.speaker is None and quote.role == "경쟁당국 고위 관계자"
