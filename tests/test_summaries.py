"""Per-article and per-company summaries on the seeds, and the evaluation command."""

from __future__ import annotations

import json

from briefings.summarize import summarize_sentences, summary_length
from tests.conftest import SEED_IDS, by_source
from tests.eval import summaries as evaluation


def test_article_summaries_are_whole_body_sentences_in_order(seeded):
    for key in SEED_IDS:
        article = by_source(seeded, SEED_IDS[key])
        sentences = [s for p in article.body_paragraphs for s in p.sentences]
        assert 2 <= len(article.summary) <= 3
        positions = [sentences.index(s) for s in article.summary]  # whole sentences of the body
        assert positions == sorted(positions)
        for line in article.summary:
            assert line not in article.captions and "기자" not in line[-6:]
            assert line.count("“") == line.count("”")  # a quote is never cut


def test_short_articles_get_fewer_sentences():
    assert summary_length(2) == 1 and summary_length(5) == 2 and summary_length(30) == 3
    two = ["KT가 새 요금제를 내놨다고 밝혔다.", "요금은 월 3만원부터 시작한다고 설명했다."]
    assert summarize_sentences(two) and len(summarize_sentences(two)) == 1


def test_company_summaries_use_that_companys_paragraphs(seeded):
    article = by_source(seeded, SEED_IDS["new_year"])
    per = article.company_summaries
    assert set(per) == {"kt", "skt", "lgu"}
    assert any("황" in s or "LG유플러스" in s or "고객" in s for s in per["lgu"])
    assert not any("박정호" in s or "구현모" in s for s in per["lgu"])
    assert not any("황현식" in s for s in per["skt"] + per["kt"])


def test_summaries_are_deterministic(seeded):
    article = by_source(seeded, SEED_IDS["kt_supporters"])
    sentences = [s for p in article.body_paragraphs for s in p.sentences]
    assert summarize_sentences(sentences) == summarize_sentences(sentences) == article.summary


def test_evaluation_runs_on_a_small_file(tmp_path, capsys):
    sentences = ["KT가 새로운 AI 서비스를 출시했다고 밝혔다.", "이 서비스는 고객 상담을 자동화한다.",
                 "회사는 연내 가입자 100만명을 목표로 한다.", "날씨가 맑았다."]
    rows = [{"id": f"x{n}", "sentences": sentences, "summary_idx": [0, 2]} for n in range(3)]
    data = tmp_path / "mini.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert evaluation.main([str(data)]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["summaries"]
    assert set(result) == {"lead-3", "textrank (plain)", "briefings"}
    assert 0 < result["briefings"]["rougeL"] <= 100


def test_evaluation_stops_cleanly_without_its_data(tmp_path, capsys):
    assert evaluation.main([str(tmp_path / "absent.jsonl")]) == 0
    assert "not shipped" in capsys.readouterr().out
