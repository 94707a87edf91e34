"""Summaries: the product's own length, the hard cap, no boilerplate, per-company summaries, speed.

Every sentence here is synthetic (written for these tests); the seeds are the project's own files.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from briefings.analysis.korean import index_terms, split_sentences
from briefings.analysis.tagging import tag_companies
from briefings.analysis.taxonomy import load_taxonomy
from briefings.models import Article, Paragraph, Reporter
from briefings.summarize import (
    BUDGET,
    MAX_SENTENCES,
    _candidates,
    choose,
    select,
    summarize_article,
    summarize_sentences,
)
from briefings.summary.learned import FEATURES, WEIGHTS, features
from briefings.summary.shape import HARD_CAP, clip, is_boilerplate
from tests.conftest import CONFIG, SEED_IDS, by_source
from tests.eval import summaries as evaluation
from tests.eval.corpus import EvalContext

LEAD = "SK텔레콤이 내년 상반기 전국 85개 시에 5G 단독모드 통신망을 구축한다고 3일 밝혔다."
BODY = [
    LEAD,
    "회사는 이번 투자로 기지국 2만개를 새로 세우고 데이터 전송 속도를 두 배로 높일 계획이다.",
    "SK텔레콤 관계자는 \"단독모드 전환으로 지연 시간이 크게 줄어든다\"고 말했다.",
    "업계는 이번 발표가 통신 요금 경쟁으로 이어질지 주목하고 있다.",
    "한편 정부는 연말까지 주파수 추가 할당 계획을 확정할 예정이다.",
    "회사는 다음 달 서울 을지로 본사에서 설명회를 연다.",
]


def article_from(paragraphs: list[str], title: str, *, tag: bool = False) -> Article:
    paras = [Paragraph(i, "body", text, split_sentences(text)) for i, text in enumerate(paragraphs)]
    article = Article(id="t", content_hash="t", title=title, title_derived=False, paragraphs=paras,
                      reporter=Reporter(), byline=None, outlet=None, outlet_domain=None, url=None, published=None,
                      published_time=None, ingested_at="2026-01-01T00:00:00+00:00", source="test", language="ko")
    if tag:
        article.companies = tag_companies(load_taxonomy(CONFIG), paras)
    return article


def test_summary_keeps_to_its_budget_and_at_most_three_sentences():
    long_one = "이번 계획에는 " + "지역별 기지국 증설과 장비 교체, 품질 점검이 포함되며 " * 6 + "연말까지 마무리된다."
    article = article_from([" ".join(BODY[:3]), long_one, " ".join(BODY[3:])], "SK텔레콤, 5G 단독모드 전국 구축")
    summary, _ = summarize_article(article)
    assert 1 <= len(summary) <= MAX_SENTENCES
    assert summary[0] == LEAD  # the lead carries the story
    assert len(" ".join(summary)) <= BUDGET or len(summary) == 1
    assert long_one not in summary  # too long for the room left


def test_a_sentence_over_the_cap_is_cut_at_a_clause_with_an_ellipsis():
    sentence = "KT는 " + "전국 주요 도시에 새 기지국을 세우고, " * 30 + "품질을 높인다고 밝혔다."
    assert len(sentence) > HARD_CAP
    cut = clip(sentence)
    assert len(cut) <= HARD_CAP and cut.endswith("…")
    assert cut[:-1].endswith("세우고")  # a clause boundary, not mid-word
    summary = summarize_sentences([sentence])
    assert summary == [cut]
    unbroken = "가" * 900 + "다."
    assert len(clip(unbroken)) == HARD_CAP


def test_boilerplate_sentences_are_never_chosen():
    junk = ["홍길동 기자 hong@example.co.kr", "▶ 네이버 메인에서 구독하세요 ▶ 오늘의 인기 기사",
            "<저작권자 ⓒ 예시뉴스, 무단전재 및 재배포 금지>", "사진=SK텔레콤 제공",
            "SK텔레콤 5G 단독모드 구축 현장 (사진=SK텔레콤)", "김철수 SK텔레콤 네트워크 부문장."]
    for piece in junk[:5]:
        assert is_boilerplate(piece), piece
    sentences = [junk[0], junk[3], junk[5], *BODY[:3], junk[1], junk[2], *BODY[3:]]
    summary = summarize_sentences(sentences, "SK텔레콤 5G 단독모드 구축")
    assert summary and not set(summary) & set(junk)
    assert "[서울=가상뉴스] 홍길동 기자 = " not in summarize_sentences(["[서울=가상뉴스] 홍길동 기자 = " + LEAD])[0]


def test_per_company_summaries_differ_on_a_one_paragraph_body():
    body = ("SK텔레콤은 5G 요금제 3종을 새로 내놨다고 밝혔다. "
            "SK텔레콤의 새 요금제는 월 5만원부터 시작한다. "
            "LG유플러스는 같은 날 데이터 무제한 요금제를 20% 내린다고 발표했다. "
            "LG유플러스는 인하된 요금을 다음 달부터 적용한다. "
            "두 회사는 가입자 유치를 위해 경쟁하고 있다.")
    article = article_from([body], "SK텔레콤·LG유플러스, 5G 요금 경쟁")
    article.companies = tag_companies(load_taxonomy(CONFIG), article.paragraphs)
    assert {"skt", "lgu"} <= set(article.company_ids)
    _, per = summarize_article(article)
    assert per["skt"] != per["lgu"]
    assert all("LG유플러스" not in s for s in per["skt"])
    assert all("SK텔레콤" not in s for s in per["lgu"])


def test_tagger_sentence_pairs_are_used_when_present():
    article = article_from([" ".join(BODY)], "SK텔레콤 5G", tag=True)
    article.companies[0].sentences = [[0, 4]]
    second = article.companies[0].__class__("kt", 1, [0], [], [], sentences=[[0, 3]])
    article.companies.append(second)
    _, per = summarize_article(article)
    assert per[article.companies[0].company] == [BODY[4]] and per["kt"] == [BODY[3]]


def test_a_4000_sentence_article_is_summarised_fast():
    who = ["SK텔레콤이", "KT가", "정부는", "업계는"]
    what = ["기지국을 새로 세웠다고 밝혔다.", "요금제를 개편한다고 발표했다.", "투자 계획을 검토하고 있다.",
            "현장 점검을 마쳤다고 설명했다.", "가입자 통계를 공개했다."]
    sentences = [f"{n}번째 지역에서 {who[n % 4]} {what[n % 5]}" for n in range(4000)]
    paras = [Paragraph(i, "body", " ".join(sentences[i * 40:(i + 1) * 40]), sentences[i * 40:(i + 1) * 40])
             for i in range(100)]
    article = article_from([], "SK텔레콤·KT 기지국 증설")
    article.paragraphs = paras
    article.companies = tag_companies(load_taxonomy(CONFIG), paras)
    assert len(article.companies) >= 2
    started = time.perf_counter()
    summary, per = summarize_article(article)
    picked = select(sentences, 3)
    assert time.perf_counter() - started < 5.0  # the old n×n ranking took minutes here
    assert summary and picked and len(per) >= 2


def test_select_keeps_article_order_and_skips_repeats():
    sentences = [BODY[0], BODY[0], BODY[1], BODY[3]]
    picked = select(sentences, 3)
    assert picked == sorted(picked) and not {0, 1} <= set(picked)


def test_article_summaries_of_the_seeds_are_short_body_sentences(seeded):
    for key in SEED_IDS:
        article = by_source(seeded, SEED_IDS[key])
        body = "".join(p.text for p in article.body_paragraphs).replace(" ", "")
        assert 1 <= len(article.summary) <= MAX_SENTENCES
        assert len(" ".join(article.summary)) <= HARD_CAP
        for line in article.summary:
            assert line.rstrip("…").replace(" ", "") in body  # the splitter may respace a quote
            assert line not in article.captions and not is_boilerplate(line)


def test_evaluation_runs_on_small_files(tmp_path: Path, capsys):
    rows = [{"id": f"x{n}", "title": "SK텔레콤 5G 단독모드", "sentences": BODY, "summary_idx": [0, 1]}
            for n in range(4)]
    (tmp_path / "ko_sci_news_summaries.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = evaluation.run(EvalContext(tmp_path))
    halves = result["science"]
    cells = [cell for half in halves.values() for cell in half.values()]
    assert {"briefings", "lead-3", "lead-k", "lead-budget", "textrank (plain)"} <= {
        name for half in halves.values() for name in half}
    assert all(0 <= c["rougeL"] <= 100 for c in cells)
    assert "science" in capsys.readouterr().out


def test_stable_split_numbers_glued_sentences():
    # Frozen: tests/eval/labels/summaries.jsonl numbers sentences this way.
    assert evaluation.split_stable("첫 문장이다.둘째 문장이다. 셋째 “인용이다.” 넷째다.3.5% 올랐다.") == [
        "첫 문장이다.", "둘째 문장이다.", "셋째 “인용이다.”", "넷째다.3.5% 올랐다."]


def test_features_read_numbers_report_verbs_quotes_and_the_company():
    texts = ["가나전자는 올해 3분기 영업이익이 1200억원으로 작년보다 25% 늘었다고 밝혔다.",
             "회사 관계자는 \"하반기에도 수요가 이어질 것\"이라고 말했다.",
             "업계는 이번 실적을 두고 엇갈린 평가를 내놓고 있다."]
    terms = [set(index_terms(t)) for t in texts]
    rows = features(texts, terms, set(index_terms("가나전자 3분기 영업이익 25% 증가")), {"가나전자"})
    col = {name: i for i, name in enumerate(FEATURES)}
    first, second, third = rows
    assert first[col["digit"]] == first[col["amount"]] == first[col["report_verb"]] == 1.0
    assert first[col["names_company"]] == 1.0 and second[col["names_company"]] == 0.0
    assert second[col["quote"]] == 1.0 and third[col["quote"]] == 0.0
    assert third[col["digit"]] == third[col["report_verb"]] == 0.0
    assert first[col["title_overlap"]] > third[col["title_overlap"]]
    assert [r[col["first"]] for r in rows] == [1.0, 0.0, 0.0]
    assert all(len(r) == len(FEATURES) == len(WEIGHTS) for r in rows)


def test_a_later_sentence_restating_the_headline_with_figures_beats_filler():
    sentences = ["가나전자가 차세대 메모리 생산을 크게 늘리기로 했다.",
                 "날씨가 흐린 가운데 행사장에는 많은 사람이 모였다.",
                 "행사는 오전 10시에 시작해 두 시간 동안 이어졌다.",
                 "참석자들은 행사 뒤 기념 촬영을 했다.",
                 "가나전자는 평택 반도체 공장에 2030년까지 20조원을 투자한다고 밝혔다.",
                 "공장 주변에는 새 도로가 놓일 예정이다."]
    title = "가나전자, 평택 반도체 공장에 20조원 투자"
    summary = summarize_sentences(sentences, title)
    assert sentences[0] in summary and sentences[4] in summary
    assert sentences[3] not in summary and sentences[5] not in summary
    assert summary == [s for s in sentences if s in summary]  # article order
    assert len(summary) <= MAX_SENTENCES and summarize_sentences(sentences, title) == summary  # deterministic


def test_the_scorer_floor_decides_how_many_sentences_are_kept():
    cands = _candidates([((0, i), s) for i, s in enumerate(BODY)])
    title = set(index_terms("SK텔레콤, 5G 단독모드 전국 구축"))
    everything = choose(cands, title, floor=0.0)
    only_best = choose(cands, title, floor=1.0)
    assert len(only_best) == 1 and only_best[0].text == LEAD  # the best always stays
    assert len(everything) > 1 and len(" ".join(c.text for c in everything)) <= BUDGET


def test_the_fit_learns_a_separable_signal_and_cross_validation_folds_are_stable():
    from tests.eval.summary_fit import FOLDS, fit, fold_of

    rows = [[float(n % 2), float((n * 7) % 5) / 5] for n in range(200)]
    labels = [row[0] for row in rows]  # only the first feature decides
    weights, bias = fit(rows, labels)
    assert weights[0] > 1.0 and abs(weights[1]) < weights[0] / 5
    assert bias < 0  # a row without the signal is predicted negative
    assert fold_of(123) == fold_of(123) and {fold_of(n) for n in range(200)} == set(range(FOLDS))


def test_news_evaluation_without_a_held_out_set_shows_only_tuning():
    article = article_from([" ".join(BODY)], "SK텔레콤, 5G 단독모드 전국 구축")
    cases = [(n, " ".join(BODY[:2]), article) for n in range(1, 5)]
    figures = evaluation.evaluate_news(cases, None)
    assert set(figures) == {"tuning"} and figures["tuning"]["briefings"]["n"] == 4
    both = evaluation.evaluate_news(cases[:2], None, fresh=cases[2:])
    assert both["tuning"]["lead-3"]["n"] == both["held_out"]["lead-3"]["n"] == 2
