"""Hostile files and values: each is reported with its (safely shown) name and the rest goes on."""

from __future__ import annotations

import json
import os

import pytest

from briefings.commands import CommandContext, Commands
from tests.conftest import CONFIG

BODY = "테스트 통신사는 새 요금제를 내놓았다고 밝혔다. 고객 반응은 좋았다고 회사는 설명했다. " * 3


def write_bytes_name(folder, name: bytes, text: str):
    path = os.path.join(os.fsencode(folder), name)
    with open(path, "wb") as out:
        out.write(text.encode("utf-8"))


def test_a_file_name_that_is_not_utf8_is_reported_safely_and_the_batch_goes_on(empty, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_bytes_name(folder, b"bad_\xff\xfe.txt", BODY)
    (folder / "good.txt").write_text("다른 기사 제목\n" + BODY.replace("테스트", "다른"), encoding="utf-8")
    report = empty.ingest([folder])
    assert report.counts["added"] == 2, report.rejected
    names = [item.source for item in report.items]
    assert any(name.endswith("bad_\\xff\\xfe.txt") for name in names)
    for name in names:
        name.encode("utf-8")  # printable and storable
    assert empty.ingest([folder]).counts["unchanged"] == 2  # its key is stable


def test_a_seeds_folder_with_such_a_name_still_starts_the_bot(tmp_path):
    import asyncio
    import io
    import shutil

    from bot.app import run_bot
    from bot.credentials import Credentials
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_bytes_name(seeds, b"seed_\xc3\x28.txt", BODY)
    (config / "briefings.yaml").write_text(f"ingest:\n  seeds: {seeds}\n", encoding="utf-8")
    out = io.StringIO()
    code = asyncio.run(run_bot(str(config), str(tmp_path / "a.sqlite3"), creds=Credentials(),
                               stdin=io.StringIO("quit\n"), stdout=out, force_console=True))
    assert code == 0 and "archive: 1 added" in out.getvalue()


def test_an_unreadable_folder_is_reported_not_skipped(empty, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "ok.txt").write_text("제목입니다\n" + BODY, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):  # what a chmod-000 folder does for a non-root user
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = empty.ingest([folder])
    assert report.counts["added"] == 1
    [problem] = report.rejected
    assert problem.source.endswith("locked") and "Permission denied" in problem.reason


def test_a_raw_line_separator_inside_a_jsonl_string_keeps_the_record_whole(empty, tmp_path):
    record = {"title": "줄 구분 문자 기사", "body": "첫 문장입니다.\u2028" + BODY, "outlet": "테스트"}
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert "\u2028" in path.read_text(encoding="utf-8")
    report = empty.ingest([path])
    assert report.counts["added"] == 1 and not report.rejected, report.items


def test_a_nul_after_the_first_8_kb_is_rejected(empty, tmp_path):
    path = tmp_path / "late_nul.txt"
    path.write_text("제목\n" + BODY * 60 + "\x00" + BODY, encoding="utf-8")
    [item] = empty.ingest([path]).items
    assert item.status == "rejected" and "NUL" in item.reason


@pytest.mark.parametrize("feed", [
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>t</title></channel></rss>',
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>',
])
def test_a_feed_file_is_not_stored_as_one_article(empty, tmp_path, feed):
    path = tmp_path / "feed.xml"
    path.write_text(feed, encoding="utf-8")
    [item] = empty.ingest([path]).items
    assert item.status == "rejected" and "feed" in item.reason


@pytest.mark.parametrize("text", ["news 고객 page=99999999999999999999", "news 고객 page=0", "news 고객 page=²",
                                  "news 고객 since=9999y", "grid 9999y"])
def test_huge_numbers_are_a_bad_input_not_an_internal_error(seeded, text):
    reply = Commands(CommandContext(seeded)).run_text(text)
    assert reply.error and "입력 오류" in reply.digest.title, reply.digest


def test_a_page_in_range_still_works(seeded):
    reply = Commands(CommandContext(seeded)).run_text("news 고객 page=2")
    assert not reply.error


def test_a_page_of_100k_nested_blocks_is_refused_at_once_and_the_batch_goes_on(empty, tmp_path):
    """HTML parsers are quadratic in nesting depth (this page took over ten minutes)."""
    import time
    folder = tmp_path / "in"
    folder.mkdir()
    n = 100_000
    (folder / "deep.html").write_text("<html><body>" + "<div><p>본문 " * n + "</p></div>" * n + "</body></html>",
                                      encoding="utf-8")
    (folder / "good.txt").write_text("다른 기사 제목\n" + BODY, encoding="utf-8")
    started = time.perf_counter()
    report = empty.ingest([folder])
    assert time.perf_counter() - started < 30  # generous: the refusal itself is one linear pass
    assert report.counts["added"] == 1
    [rejected] = report.rejected
    assert rejected.source.endswith("deep.html") and "nested deeper than" in rejected.reason


def test_a_moderately_nested_page_is_still_read_whole():
    from briefings.ingest.html import read_html
    page = "<html><body><article>" + "<div>" * 2_000 + "<p>첫 문단이다.</p><p>둘째 문단이다.</p>" + "</div>" * 2_000
    fields = read_html(page + "</article></body></html>")
    assert fields.lines == ["첫 문단이다.", "둘째 문단이다."]


def test_an_article_over_its_time_budget_is_rejected_with_the_stage_and_the_batch_goes_on(empty, tmp_path):
    """The clock is injected: the second article's analysis 'takes' 45 s between two stages."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_slow.txt").write_text("느린 기사 제목\n" + BODY, encoding="utf-8")
    (folder / "b_fine.txt").write_text("다른 기사 제목\n" + BODY.replace("테스트", "다른"), encoding="utf-8")
    ticks = {"now": 0.0}

    def clock() -> float:
        ticks["now"] += 45.0 if ticks.get("slow") else 0.001
        return ticks["now"]

    empty.builder.clock = clock  # the stages themselves are real; only time is made up
    ticks["slow"] = True
    first = empty.ingest([folder / "a_slow.txt"])
    ticks["slow"] = False
    second = empty.ingest([folder / "b_fine.txt"])
    [rejected] = first.rejected
    assert "time budget" in rejected.reason and "at cleaning" in rejected.reason
    assert second.counts["added"] == 1 and empty.store.count() == 1


@pytest.mark.slow
def test_adversarial_articles_go_through_the_whole_pipeline_in_bounded_time(empty, tmp_path):
    """Each took minutes (4,000 sentences: 206 s and 958 MB; `입력` + 100k spaces: 128 s); the bound
    here is generous for a slow machine, yet far below what the quadratic steps needed."""
    import time
    folder = tmp_path / "in"
    folder.mkdir()
    sentence = "테스트 통신사는 새 요금제를 내놓았다고 밝혔다. "
    (folder / "long.txt").write_text("사천 문장 기사\n" + "".join(f"{sentence[:-2]} {i}번째. " for i in range(4000)),
                                     encoding="utf-8")
    (folder / "spaces.txt").write_text("공백 기사\n입력" + " " * 100_000 + "\n" + BODY, encoding="utf-8")
    (folder / "quotes.txt").write_text("따옴표 기사\n" + "“열린 따옴표 " * 20_000, encoding="utf-8")
    speech = "홍길동 부사장은 “좋다”고 말했다. 그는 " * 10_000
    (folder / "speech.txt").write_text("발언 기사\n" + speech, encoding="utf-8")
    for path in sorted(folder.iterdir()):
        started = time.perf_counter()
        report = empty.ingest([path])
        took = time.perf_counter() - started
        assert took < 60, (path.name, took)
        assert report.counts["added"] == 1, (path.name, report.rejected)
    long = next(a for a in empty.store.articles(empty.make_filter()) if a.title == "사천 문장 기사")
    assert max(len(s) for p in long.paragraphs for s in p.sentences) <= 400
    assert sum(len(s) for s in long.summary) <= 400
