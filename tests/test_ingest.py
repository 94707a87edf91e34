"""Ingest: formats, encodings, idempotency, duplicates, bad input, transactions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefings.errors import RejectedInput
from briefings.ingest.decoding import decode_bytes
from tests.conftest import SEED_IDS, SEEDS

KOREAN = ("SK텔레콤이 5G 요금제를 새로 내놨다\n"
          "SK텔레콤은 4일 고객 중심의 새로운 5G 요금제를 출시했다고 밝혔다. 회사는 고객만족을 최우선으로 삼았다.\n"
          "홍길동 기자 hong@yna.co.kr\n")


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def test_cp949_file_reads_as_the_same_korean(empty, tmp_path):
    src = write(tmp_path / "cp949.txt", KOREAN, "cp949")
    assert decode_bytes(src.read_bytes(), "x") == (KOREAN, "cp949")
    report = empty.ingest([src])
    assert report.counts["added"] == 1
    article = empty.get(report.items[0].article_id)
    assert article.title == "SK텔레콤이 5G 요금제를 새로 내놨다"
    assert article.company_ids == ["skt"] and article.outlet == "연합뉴스"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "euc-kr"])
def test_other_encodings(encoding, tmp_path):
    text, _ = decode_bytes(KOREAN.encode(encoding), "x")
    assert text.lstrip("\ufeff") == KOREAN


def test_non_korean_text_is_not_forced_into_cp949():
    text = "Café déjà vu: naïve résumé of the quarterly numbers, élan and façade. " * 5
    assert decode_bytes(text.encode("latin-1"), "x")[0] == text


def test_html_uses_stated_metadata(empty, tmp_path):
    html = """<html><head><meta property="og:title" content="KT, 6G 기술 공개">
    <meta property="article:published_time" content="2024-03-05T09:30:00+09:00">
    <meta property="og:site_name" content="전자신문"><title>ignored</title></head>
    <body><nav>홈 | 뉴스</nav><article><h1>KT, 6G 기술 공개</h1>
    <p>KT가 5일 6G 핵심 기술을 공개했다. 회사는 네트워크 혁신을 강조했다.</p>
    <figure><img src="a.jpg"><figcaption>KT 연구원이 장비를 시연하고 있다. 사진=KT</figcaption></figure>
    <p>공유</p><script>var x = "<p>no</p>";</script></article></body></html>"""
    report = empty.ingest([write(tmp_path / "page.html", html)])
    article = empty.get(report.items[0].article_id)
    assert article.title == "KT, 6G 기술 공개" and not article.title_derived
    assert article.published.iso() == "2024-03-05" and article.published_time == "09:30"
    assert article.outlet == "전자신문"
    assert article.captions == ["KT 연구원이 장비를 시연하고 있다. 사진=KT"]
    body = " ".join(p.text for p in article.body_paragraphs)
    assert "var x" not in body and "홈 | 뉴스" not in body


def test_jsonl_records_and_bad_lines(empty, tmp_path):
    lines = [
        json.dumps({"title": "LG유플러스, AI 고객센터 확대", "body": "LG유플러스가 AI 고객센터를 확대한다고 밝혔다. "
                    "고객 경험을 개선하기 위한 조치다.", "published": "2023-07", "outlet": "뉴스1",
                    "url": "https://news1.kr/a/1"}, ensure_ascii=False),
        "{not json",
        json.dumps({"title": "no body"}),
        "",
        json.dumps({"body": "KT가 지역 아동센터에 노트북을 기부했다. 임직원 봉사단이 함께했다."}, ensure_ascii=False),
    ]
    report = empty.ingest([write(tmp_path / "feed.jsonl", "\n".join(lines))])
    assert report.counts == {"added": 2, "unchanged": 0, "duplicate": 0, "rejected": 2}
    reasons = {i.source.rsplit(":", 1)[1]: i.reason for i in report.rejected}
    assert "invalid JSON" in reasons["2"] and "body" in reasons["3"]
    first = empty.get(report.items[0].article_id) if report.items[0].status == "added" else None
    added = [empty.get(i.article_id) for i in report.items if i.status == "added"]
    lgu = next(a for a in added if a.company_ids == ["lgu"])
    assert lgu.published.iso() == "2023-07" and lgu.published.precision == "month"
    assert lgu.outlet == "뉴스1" and lgu.url == "https://news1.kr/a/1"
    derived = next(a for a in added if a.company_ids == ["kt"])
    assert derived.title_derived and derived.title.startswith("KT가 지역 아동센터에")
    assert first is None or first.id


def test_json_array_and_markdown(empty, tmp_path):
    items = [{"title": f"KT 소식 {n}", "body": f"KT가 {n}번째 행사를 열었다고 밝혔다. 고객 중심 경영의 일환이다."}
             for n in range(3)]
    md = "# SKT, ESG 보고서 발간\n\nSK텔레콤이 **ESG 보고서**를 발간했다고 밝혔다. 사회적 가치 창출을 강조했다.\n"
    report = empty.ingest([write(tmp_path / "a.json", json.dumps(items, ensure_ascii=False)),
                           write(tmp_path / "b.md", md)])
    assert report.counts["added"] == 4
    md_article = empty.get(report.items[-1].article_id)
    assert md_article.title == "SKT, ESG 보고서 발간" and "**" not in md_article.paragraphs[0].text


def test_ingest_is_idempotent_and_duplicates_are_recorded(seeded, tmp_path):
    before = seeded.store.stats()
    again = seeded.ingest([SEEDS])
    assert again.counts == {"added": 0, "unchanged": 5, "duplicate": 0, "rejected": 0}
    copy = write(tmp_path / "renamed.txt", (SEEDS / SEED_IDS["kt_award"]).read_bytes())
    dup = seeded.ingest([copy])
    assert dup.counts["duplicate"] == 1 and dup.items[0].article_id
    # same text with different noise around it is the same article
    noisy = (SEEDS / SEED_IDS["kt_ksqi"]).read_text() + "\n\n주요기사\n공유\n"
    dup2 = seeded.ingest([write(tmp_path / "noisy.txt", noisy)])
    assert dup2.counts["duplicate"] == 1
    after = seeded.store.stats()
    assert after["articles"] == before["articles"]
    assert after["sources"]["duplicate"] == 2


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\t\n  ", "empty"),
    ("binary.txt", bytes(range(256)) * 4, "binary"),
    ("lucky_bom.txt", b"\xff\xfe\xfa\xfb\x80\x81" * 50 + b"\x9a\x00", "undecodable"),
    ("mixed.txt", ("KT가 새 서비스를 출시했다.\n" * 5).encode() + ("고객 중심을 강조했다.\n" * 3).encode("cp949"),
     "undecodable"),
    ("chrome.txt", "공유\n댓글 0\n프린트\n".encode(), "no article text"),
    ("bad.json", b'{"title": "x", "body": ', "invalid JSON"),
])
def test_bad_files_are_rejected_by_name_and_the_batch_goes_on(seeded, tmp_path, name, data, reason):
    before = seeded.store.count()
    bad = write(tmp_path / name, data)
    good = write(tmp_path / "good.txt", KOREAN)
    report = seeded.ingest([bad, good])
    rejected = report.rejected
    assert len(rejected) == 1 and rejected[0].source == str(bad)
    assert reason in rejected[0].reason
    assert report.counts["added"] == 1
    assert seeded.store.count() == before + 1


def test_huge_file_is_rejected_without_reading(seeded, tmp_path):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(seeded.settings.ingest.max_file_bytes + 1)
    report = seeded.ingest([big])
    assert report.rejected[0].reason.startswith("too large")


def test_missing_path_is_reported(empty, tmp_path):
    report = empty.ingest([tmp_path / "nope"])
    assert report.rejected[0].reason == "no such file or folder"


def test_a_failed_write_leaves_the_archive_as_it_was(seeded, tmp_path):
    # A database-level failure part-way through storing one article (after the article row,
    # before its quotes) must roll back everything of that article, and nothing else.
    seeded.store.conn.execute(
        "CREATE TEMP TRIGGER fail_quotes BEFORE INSERT ON quotes BEGIN SELECT RAISE(ABORT, 'disk gone'); END")
    before = seeded.store.stats()
    text = ("KT 대표, 고객 중심 강조\n김영섭 KT 대표는 \"고객이 모든 변화의 시작이다\"라고 말했다. "
            "회사는 고객만족을 최우선으로 한다.\n")
    report = seeded.ingest([write(tmp_path / "q.txt", text), write(tmp_path / "r.txt", "짧은 기사 본문입니다. " * 5)])
    [failed] = report.rejected  # reported for that article; the batch went on
    assert failed.source.endswith("q.txt") and "could not store" in failed.reason and "disk gone" in failed.reason
    assert report.counts["added"] == 1  # the article without quotes was stored
    assert seeded.store.stats()["articles"]["total"] == before["articles"]["total"] + 1
    assert seeded.store.source_seen(str((tmp_path / "q.txt").resolve())) is None
    seeded.store.conn.execute("DROP TRIGGER fail_quotes")
    assert seeded.ingest([tmp_path / "q.txt"]).counts["added"] == 1


def test_rejected_input_carries_source_and_reason():
    with pytest.raises(RejectedInput) as info:
        decode_bytes(b"\x00\x01\x02\x03" * 10 + b"\xff", "file.txt")
    assert info.value.source == "file.txt" and "binary" in info.value.reason


@pytest.mark.parametrize(("text", "encoding"), [
    ("Компания объявила о запуске новой сети пятого поколения в крупных городах страны. " * 3, "cp1251"),
    ("同社は新しい通信網の構築を発表した。顧客満足の向上を目指すという。" * 3, "shift_jis"),
])
def test_other_languages_decode(text, encoding):
    assert decode_bytes(text.encode(encoding), "x")[0] == text


def test_a_paragraph_about_advertising_is_not_an_ad(empty, tmp_path):
    text = ("광고 시장 회복세\n광고 시장이 회복세를 보이고 있다고 KT나스미디어가 밝혔다. 디지털 광고 매출이 늘었다.\n"
            "[광고] 최저가 특가\n")
    report = empty.ingest([write(tmp_path / "ad.txt", text)])
    article = empty.get(report.items[0].article_id)
    assert article.body_paragraphs[0].text.startswith("광고 시장이 회복세를")
    assert all("최저가" not in p.text for p in article.paragraphs)


def test_a_file_changed_at_its_source_replaces_its_article(empty, tmp_path):
    path = tmp_path / "story.txt"
    body = "테스트 통신사는 새 요금제를 내놓았다고 밝혔다. 고객 반응은 좋았다고 회사는 설명했다. " * 3
    path.write_text("요금제 기사\n" + body, encoding="utf-8")
    first = empty.ingest([path]).items[0]
    path.write_text("요금제 기사\n" + body + "회사는 이날 오후 정정 자료를 배포했다.", encoding="utf-8")
    second = empty.ingest([path]).items[0]
    assert first.status == second.status == "added" and first.article_id != second.article_id
    assert second.reason == f"updated: replaces article {first.article_id}"
    assert [a.id for a in empty.store.articles(empty.make_filter())] == [second.article_id]
    assert empty.store.count() == 1 and empty.search("정정").page.hits
