"""Company salience and whole-word theme keywords, on synthetic news-like sentences."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from bot.cli import main
from briefings.analysis.keywords import KeywordMatcher
from briefings.analysis.korean import split_sentences
from briefings.analysis.tagging import tag_companies, tag_themes
from briefings.analysis.taxonomy import Finder, TaxonomySpec, build_taxonomy, load_taxonomy
from briefings.models import Paragraph
from tests.conftest import CONFIG


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(CONFIG)


def paras(*texts: str) -> list[Paragraph]:
    return [Paragraph(i, "body", t, split_sentences(t)) for i, t in enumerate(texts)]


def matched_terms(taxonomy, theme: str, *texts: str) -> list[str]:
    return [e.term for _, found in KeywordMatcher(taxonomy).hits(theme, paras(*texts)) for e in found]


def test_gibu_inside_deunggibu_is_not_a_donation(taxonomy):
    assert "기부" not in matched_terms(taxonomy, "esg", "법원은 등기부 등본을 근거로 소유권을 확인했다.")
    assert "기부" in matched_terms(taxonomy, "esg", "회사는 임직원이 모은 기부금을 복지관에 전달했다.")


def test_eul_daesang_euro_is_not_an_award(taxonomy):
    text = paras("회사는 중소기업을 대상으로 설명회를 열었다.",
                 "신청한 가맹점을 대상으로 수수료를 낮추고 우수 가맹점을 선정해 지원한다.",
                 "대학생을 대상으로 한 교육도 진행한다.")
    assert "awards" not in {t.theme for t in tag_themes(taxonomy, text, "", [])}
    won = paras("SK텔레콤은 올해 정보통신 대상을 수상했다.", "시상식은 서울에서 열렸으며 우수 부서도 포상했다.")
    assert "awards" in {t.theme for t in tag_themes(taxonomy, won, "", [])}


def test_generic_words_alone_do_not_tag(taxonomy):
    text = paras("고객이 늘었다. 고객 문의가 많다.", "고객센터와 소비자 상담이 바빴다. 고객 불만도 있었다.")
    assert "customer" not in {t.theme for t in tag_themes(taxonomy, text, "", [])}


def _prefix_taxonomy(prefix: bool):
    spec = TaxonomySpec.model_validate({
        "companies": [{"id": "acme", "name": {"ko": "에이컴", "en": "Acme"}, "aliases": ["에이컴"]}],
        "themes": [{"id": "bio", "label": {"ko": "바이오", "en": "Bio"}, "threshold": 1,
                    "keywords": [{"term": "바이오", "weight": 1, "prefix": prefix}]}],
    })
    return build_taxonomy(spec)


def test_prefix_keyword_matches_inside_a_word_and_plain_one_does_not():
    text = "에이컴은 바이오시밀러 공장을 증설한다."
    assert matched_terms(_prefix_taxonomy(True), "bio", text) == ["바이오"]
    assert matched_terms(_prefix_taxonomy(False), "bio", text) == []
    # glued onto a name it is part of that name, prefix or not
    assert matched_terms(_prefix_taxonomy(True), "bio", "삼성바이오로직스 주가가 올랐다.") == []
    assert matched_terms(_prefix_taxonomy(False), "bio", "에이컴은 바이오 사업을 키운다.") == ["바이오"]


def test_passing_mention_is_not_about(taxonomy):
    body = paras("SK텔레콤은 인공지능 스피커 신제품을 다음 달 출시한다고 3일 밝혔다.",
                 "신제품은 음성 인식 정확도를 높였고 가격은 10만원대다.",
                 "이번 개발은 KT 출신의 김모 상무가 이끌었다.",
                 "SK텔레콤은 연내 해외 시장에도 진출할 계획이다.")
    tags = {t.company: t for t in tag_companies(taxonomy, body, "SK텔레콤, AI 스피커 신제품 출시")}
    assert tags["skt"].about and not tags["kt"].about
    assert tags["skt"].salience > tags["kt"].salience
    assert tag_companies(taxonomy, body, "SK텔레콤, AI 스피커 신제품 출시")[0].company == "skt"  # most salient first


def test_title_and_lead_company_is_about(taxonomy):
    body = paras("KT가 전국 초등학교에 코딩 교육을 지원한다.",
                 "교육은 방과 후 수업으로 진행되며 강사는 대학생 봉사단이 맡는다.",
                 "참가 학교는 다음 달까지 모집한다.")
    tag = tag_companies(taxonomy, body, "KT, 초등학교 코딩 교육 지원")[0]
    assert tag.company == "kt" and tag.about and tag.salience >= 0.7


def test_group_phrase_counts_weakly(taxonomy):
    body = paras("LG유플러스는 5G 요금제를 새로 내놨다.",
                 "이동통신 3사 가운데 처음으로 데이터 무제한 상품을 3만원대에 내놓은 것이다.",
                 "LG유플러스는 가입자 확대를 기대하고 있다.")
    tags = {t.company: t for t in tag_companies(taxonomy, body, "LG유플러스, 3만원대 5G 무제한 요금제")}
    assert tags["lgu"].about
    assert "kt" in tags and not tags["kt"].about and not tags["skt"].about
    only_group = paras("통신 3사는 올해 5G 투자를 늘릴 계획이다.", "정부는 주파수 경매를 연말에 진행한다.")
    assert not any(t.about for t in tag_companies(taxonomy, only_group, "정부, 주파수 경매 연말 진행"))


def test_company_sentences_follow_the_subject(taxonomy):
    body = paras("KT는 새 위성 서비스를 공개했다. 이 서비스는 해상에서도 쓸 수 있다.",
                 "한편 SK텔레콤은 위성 사업 계획이 없다고 밝혔다.")
    tags = {t.company: t for t in tag_companies(taxonomy, body, "")}
    assert tags["kt"].sentences == [[0, 0], [0, 1]]
    assert tags["skt"].sentences == [[1, 0]]


def test_adjective_root_is_not_the_noun_keyword(taxonomy):
    assert "수상" not in matched_terms(taxonomy, "awards", "매장 앞에 수상한 차량이 서 있었다.")
    assert "수상" in matched_terms(taxonomy, "awards", "올해 수상자는 다음 달 발표된다.")  # prefix keyword


def test_theme_only_deep_in_the_body_needs_a_stronger_score(taxonomy):
    filler = [f"회사는 {n}번째 지역 매장을 새로 열고 영업 시간을 늘렸다." for n in range(1, 16)]
    late = paras(*filler, "이 밖에 사회공헌 활동으로 복지관에 기부금을 전달했다.")
    assert "esg" not in {t.theme for t in tag_themes(taxonomy, late, "KT, 지역 매장 확대", [])}
    assert "esg" in {t.theme for t in tag_themes(taxonomy, late, "KT, 사회공헌 활동 확대", [])}


def test_show_prints_salience_and_about(seeded_db, tmp_path, capsys):
    db = tmp_path / "a.sqlite3"
    shutil.copy(seeded_db, db)
    archive_args = ["--config", str(CONFIG), "--db", str(db)]
    assert main([*archive_args, "search", "시상식", "--json"]) == 0
    article_id = json.loads(capsys.readouterr().out)["results"][0]["id"]
    assert main([*archive_args, "show", article_id]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  KT: about, salience (0\.\d\d|1\.00);", out, re.M)


def test_look_alikes_block_only_the_matches_inside_them():
    finder = Finder(["대상"], ["대상으로", "대상자"])
    text = "회원을 대상으로 한 행사에서 대상을 받았고, 대상자 명단과 대상 작품이 공개됐다. 대상으로"
    assert [m.start for m in finder.find(text)] == [text.index("대상을"), text.index("대상 작품")]


def test_a_theme_of_only_supporting_words_is_refused():
    from pydantic import ValidationError
    spec = {"companies": [{"id": "acme", "name": {"ko": "에이컴", "en": "Acme"}, "aliases": ["에이컴"]}],
            "themes": [{"id": "vague", "label": {"ko": "막연", "en": "Vague"},
                        "keywords": [{"term": "고객", "weight": 1, "supporting": True}]}]}
    with pytest.raises(ValidationError, match="only supporting keywords"):
        TaxonomySpec.model_validate(spec)
