"""Each seed, by name: cleaned, attributed, dated and tagged as a reader would expect."""

from __future__ import annotations

import pytest

from tests.conftest import SEED_IDS, by_source

BOILERPLATE = ["기사 스크랩", "클린뷰", "프린트", "상태바", "이 기사를 공유합니다", "주요기사", "목록", "아래로",
               "위로", "익명", "권한이 없습니다", "추천+댓글", "facebook", "KakaoTalk_", "퍼머링크",
               "성지들만 모았습니다", "댓글 0", "ъ", "_쇱씠"]


def body_text(article) -> str:
    return "\n".join(p.text for p in article.paragraphs if p.kind != "caption")


@pytest.mark.parametrize("seed", list(SEED_IDS))
def test_no_boilerplate_line_survives(seeded, seed):
    article = by_source(seeded, SEED_IDS[seed])
    text = "\n".join([article.title, *(p.text for p in article.paragraphs)])
    for chrome in BOILERPLATE:
        assert chrome not in text, (seed, chrome)
    for para in article.paragraphs:
        assert para.text.strip() not in {"공유", "댓글", "입력", "수정", "0", "291", "-"}
        assert not para.text.startswith(("입력 ", "수정 ", "승인 "))


@pytest.mark.parametrize("seed", list(SEED_IDS))
def test_no_paragraph_appears_twice(seeded, seed):
    article = by_source(seeded, SEED_IDS[seed])
    texts = [p.text for p in article.paragraphs]
    assert len(texts) == len(set(texts))
    assert article.title not in texts  # a repeated headline is not body


def test_kt_award(seeded):
    a = by_source(seeded, SEED_IDS["kt_award"])
    assert a.title == "2020 KT인상 시상식 개최…우수 부서·직원 포상"
    assert not a.title_derived
    assert (a.reporter.name, a.reporter.email) == ("조아라", "rrang123@hankyung.com")
    assert a.outlet == "한국경제"
    assert a.published is None  # "3일 밝혔다" and empty 입력/수정 state no date
    assert a.company_ids == ["kt"]
    assert {"awards", "customer", "ai_dx"} <= set(a.theme_ids)
    assert [(p.name, p.role) for p in a.people] == [("구현모", "대표")]
    # the body was printed twice: six body paragraphs, not twelve
    assert len(a.body_paragraphs) == 6
    assert sum("노보텔 앰배서더" in p.text for p in a.paragraphs) == 1
    # the glued sentence break "사용됐다.KT인상" is split
    sentences = [s for p in a.body_paragraphs for s in p.sentences]
    assert any(s.endswith("'비즈콜라보 솔루션'이 사용됐다.") for s in sentences)
    assert any(s.startswith("KT인상 시상식은 6만여명의") for s in sentences)
    quote = a.quotes[0]
    assert quote.speaker == "구현모" and quote.text.startswith("올해 어려운 환경 속에서도")


def test_kt_jeonbuk_interview(seeded):
    a = by_source(seeded, SEED_IDS["kt_jeonbuk"])
    assert a.title == '"고객만족 1등 넘어 고객인식 1등으로"'
    assert a.reporter.name == "서윤배"
    assert a.published is not None and a.published.iso() == "2016-02-01"
    assert a.published.precision == "day" and a.published_time == "11:53"
    assert a.company_ids == ["kt"]  # kt, kt전북본부, kt-MEG, 한국통신 — all KT
    matched = {e.text for e in a.companies[0].evidence}
    assert {"kt", "한국통신"} <= matched
    people = {p.name: p for p in a.people}
    assert people["오만수"].role == "본부장" and people["오만수"].company == "kt"
    assert people["황창규"].role == "회장"
    assert {"customer", "esg", "new_business"} <= set(a.theme_ids)
    subheads = [p.text for p in a.paragraphs if p.kind == "subhead"]
    assert "지역 밀착 경영" in subheads
    assert all(not p.text.endswith("서윤배 기자") for p in a.paragraphs)  # "/서윤배 기자" byline stripped


def test_new_year_three_companies(seeded):
    a = by_source(seeded, SEED_IDS["new_year"])
    assert a.title_derived  # the page has no headline
    assert "신년 메시지" in a.title
    assert (a.reporter.name, a.reporter.email) == ("김민규", "kmg@sportsseoul.com")
    assert a.outlet == "스포츠서울"
    assert set(a.company_ids) == {"kt", "skt", "lgu"}
    tags = {t.company: t for t in a.companies}
    # each CEO's section belongs to that company
    skt_section = next(p.index for p in a.paragraphs if p.text.startswith("또한 그는 이처럼 포스트 코로나"))
    assert skt_section in tags["skt"].paragraphs + tags["skt"].inherited_paragraphs
    assert skt_section not in tags["kt"].paragraphs + tags["kt"].inherited_paragraphs
    people = {(p.name, p.role, p.company) for p in a.people}
    assert {("박정호", "사장", "skt"), ("황현식", "사장", "lgu"), ("구현모", "사장", "kt")} <= people
    captions = a.captions
    assert len(captions) == 3 and all("제공 |" in c for c in captions)
    assert {"leadership", "customer", "ai_dx"} <= set(a.theme_ids)
    speakers = {q.speaker for q in a.quotes}
    assert speakers == {"박정호", "황현식", "구현모"}
    # "박 사장은 …" resolves to 박정호, "그는 …" to the previous speaker
    assert all(q.company == {"박정호": "skt", "황현식": "lgu", "구현모": "kt"}[q.speaker] for q in a.quotes)


def test_kt_it_supporters(seeded):
    a = by_source(seeded, SEED_IDS["kt_supporters"])
    assert a.title == "[사회공헌 경영] KT‥ IT나눔 통해 '지식 기부' 문화 창조"
    assert (a.reporter.name, a.reporter.email) == ("양준영", "tetrius@hankyung.com")
    assert a.company_ids == ["kt"]
    assert "esg" in a.theme_ids and a.themes[0].theme == "esg"
    assert {p.name for p in a.people} >= {"박원순", "남중수"}
    assert sum(p.text.startswith("지난 5월31일") for p in a.paragraphs) == 1


def test_kt_service_quality(seeded):
    a = by_source(seeded, SEED_IDS["kt_ksqi"])
    assert a.title.startswith("[한국서비스품질지수 1위 기업] KT")
    assert (a.reporter.name, a.reporter.email) == ("김병근", "bk11@hankyung.com")
    assert a.company_ids == ["kt"]
    assert {"customer", "awards", "network"} <= set(a.theme_ids)
    assert [(p.name, p.role, p.company) for p in a.people] == [("이석채", "회장", "kt")]


def test_generic_words_do_not_tag_every_article(seeded):
    # "경영" is on every seed; no theme may be carried by it, and themes differ between articles
    articles = seeded.store.articles(seeded.make_filter())
    assert len({tuple(sorted(a.theme_ids)) for a in articles}) == len(articles)
    assert not all("esg" in a.theme_ids for a in articles)


def test_every_tag_keeps_its_evidence(seeded):
    for article in seeded.store.articles(seeded.make_filter()):
        texts = {p.index: p.text for p in article.paragraphs}
        texts[-1] = article.title
        for tag in [*article.companies, *article.themes]:
            assert tag.evidence
            for ev in tag.evidence:
                assert texts[ev.paragraph][ev.start:ev.end] == ev.text
