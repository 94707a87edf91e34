"""Bulk ingest: a process pool gives the same archive as one process, batched writes keep every
verdict of a one-by-one run, and the progress line's arithmetic (time injected)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from briefings.ingest.parallel import Analysis
from briefings.ingest.pipeline import BulkRun, Ingestor, IngestReport, estimated_articles
from briefings.ingest.progress import ProgressLine, Throughput, clock_text, progress_text
from briefings.ingest.readers import iter_input_files
from tests.conftest import CONFIG, open_archive

COMPANIES = ["KT", "SK텔레콤", "LG유플러스"]
SERVICES = ["5G 요금제", "인공지능 스피커", "데이터 센터", "클라우드 보안", "고객 상담 서비스", "사물인터넷 플랫폼"]
PLACES = ["서울", "부산", "대전", "광주", "대구"]


def synthetic(n: int) -> list[dict[str, str]]:
    """n different articles written for the test (no real news text)."""
    out = []
    for i in range(n):
        company = COMPANIES[i % 3]
        other = COMPANIES[(i + 1) % 3]
        service = SERVICES[i % len(SERVICES)]
        place = PLACES[i % len(PLACES)]
        body = (f"{company}가 {i + 1}일 {place}에서 새로운 {service}를 공개했다고 밝혔다. "
                f"회사는 올해 안에 가입자 {1000 + 37 * i}명을 모으겠다고 설명했다. "
                f"{company} 관계자는 \"고객 경험을 바꾸는 {service}\"라고 말했다. "
                f"경쟁사인 {other}도 비슷한 서비스를 {i % 12 + 1}월에 내놓을 계획이다.")
        out.append({"title": f"{company}, {place}서 {service} 공개 ({i})", "body": body,
                    "published": f"2024-{i % 12 + 1:02d}-{i % 27 + 1:02d}"})
    return out


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def run(archive, files: list[Path], workers: int, pool_from: int, progress=None) -> tuple[IngestReport, Analysis]:
    ingestor = Ingestor(archive.store, archive.builder, archive.settings.ingest.max_file_bytes, archive.clock)
    report = IngestReport()
    with Analysis(archive.builder, workers, pool_from=pool_from) as analysis:
        BulkRun(ingestor, report, analysis, progress, batch=7).run(list(iter_input_files(files)))
    return report, analysis


def docs(archive) -> dict[str, dict]:
    return {a.id: a.to_dict() | {"terms": a.terms} for a in archive.store.articles(archive.make_filter())}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_workers_give_the_archive_one_process_gives(backend, tmp_path, request):
    def fresh(name: str):
        if backend == "sqlite":
            return tmp_path / f"{name}.sqlite3"
        return request.getfixturevalue("pg_server").clean_archive()

    records = synthetic(14)
    records.insert(5, {"title": "빈 기사", "body": "…"})  # rejected in a worker, the rest goes on
    records.append(dict(records[2]))  # the same record again: a duplicate of one still waiting to be written
    files = [write_jsonl(tmp_path / "a.jsonl", records[:9]), write_jsonl(tmp_path / "b.jsonl", records[9:])]
    results = []
    for workers in (1, 2):
        archive = open_archive(fresh(f"w{workers}"))
        report, analysis = run(archive, files, workers, pool_from=4)
        assert (analysis.pooled > 0) == (workers > 1)
        results.append(([(i.source, i.status, i.article_id, i.reason) for i in report.items], docs(archive)))
        archive.close()
    assert results[0] == results[1]
    items, stored = results[0]
    assert [status for _, status, _, _ in items].count("added") == 14 == len(stored)
    assert [s for s, status, _, _ in items if status == "rejected"] == [f"{tmp_path / 'a.jsonl'}:6"]
    assert [s for s, status, _, _ in items if status == "duplicate"] == [f"{tmp_path / 'b.jsonl'}:7"]


def test_the_time_budget_applies_in_the_workers(tmp_path):
    archive = open_archive(tmp_path / "budget.sqlite3")
    archive.builder.time_budget = -1.0  # every article is over it at its first checkpoint
    report, analysis = run(archive, [write_jsonl(tmp_path / "a.jsonl", synthetic(5))], 2, pool_from=2)
    assert analysis.pooled == 5 and report.counts["rejected"] == 5
    assert all("time budget" in item.reason and "at cleaning" in item.reason for item in report.items)
    archive.close()


def test_batched_writes_keep_one_by_one_verdicts(empty, tmp_path):
    first = synthetic(10)
    folder = tmp_path / "in"
    folder.mkdir()
    for i, record in enumerate(first):
        (folder / f"{i:02d}.txt").write_text(f"{record['title']}\n{record['body']}\n", encoding="utf-8")
    (folder / "10_copy.txt").write_bytes((folder / "03.txt").read_bytes())  # same bytes, other name
    (folder / "11_noisy.txt").write_text((folder / "04.txt").read_text() + "\n공유\n", encoding="utf-8")
    report, _ = run(empty, [folder], 1, pool_from=40)
    assert report.counts == {"added": 10, "unchanged": 0, "duplicate": 2, "rejected": 0}
    ids = {Path(i.source).name: i.article_id for i in report.items}
    assert ids["10_copy.txt"] == ids["03.txt"] and ids["11_noisy.txt"] == ids["04.txt"]

    (folder / "05.txt").write_text(f"{first[5]['title']}\n{first[5]['body']} 추가 문장이 붙었다고 전했다.\n")
    again, _ = run(empty, [folder], 1, pool_from=40)
    assert again.counts == {"added": 1, "unchanged": 11, "duplicate": 0, "rejected": 0}
    updated = next(i for i in again.items if i.status == "added")
    assert updated.reason == f"updated: replaces article {ids['05.txt']}"
    assert empty.get(ids["05.txt"]) is None and empty.store.count() == 10


def test_an_article_another_process_stored_meanwhile_is_a_duplicate(tmp_path):
    """Two ingests of the same files: the text the other process wrote after this one looked it up
    makes the batched write fail; written one by one, that article becomes a duplicate."""
    records = synthetic(6)
    mine = write_jsonl(tmp_path / "mine.jsonl", records)
    theirs = write_jsonl(tmp_path / "theirs.jsonl", records[4:5])
    archive = open_archive(tmp_path / "shared.sqlite3")
    other = open_archive(tmp_path / "shared.sqlite3")
    seen = []

    def meanwhile(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 5:  # article 5 is decided and waiting in the batch: the other process stores it now
            assert other.ingest([theirs]).counts["added"] == 1

    report, _ = run(archive, [mine], 1, pool_from=40, progress=meanwhile)
    assert [i.status for i in report.items] == ["added"] * 4 + ["duplicate", "added"]
    assert archive.store.count() == 6
    assert seen[-1] == (6, 6) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    other.close()
    archive.close()


def test_progress_total_is_estimated_from_jsonl_lines(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", synthetic(3))
    assert estimated_articles(path) == 3 and estimated_articles(tmp_path / "b.txt") == 1


def test_rate_and_time_left_follow_the_recent_window():
    now = [0.0]
    speed = Throughput(lambda: now[0], window=20.0)
    assert speed.rate() is None and speed.seconds_left(0, 100) is None
    for second in range(1, 11):  # 10 articles/s for 10 s
        now[0] = float(second)
        speed.update(10 * second)
    assert speed.rate() == pytest.approx(10.0)
    assert speed.seconds_left(100, 1000) == pytest.approx(90.0)
    for second in range(11, 41):  # then 2 articles/s for 30 s: the window forgets the fast start
        now[0] = float(second)
        speed.update(100 + 2 * (second - 10))
    assert speed.rate() == pytest.approx(2.0)
    assert speed.seconds_left(160, 200) == pytest.approx(20.0)


def test_progress_text_and_clock():
    assert clock_text(65) == "1:05" and clock_text(7400) == "2:03:20" and clock_text(0.4) == "0:00"
    assert progress_text(1234, 10000, 52.14, 150.0) == "ingesting 1,234/10,000 articles · 52.1/s · ETA 2:30"
    assert progress_text(0, 10, None, None) == "ingesting 0/10 articles"


def test_progress_line_redraws_on_a_terminal_and_prints_lines_elsewhere():
    now = [0.0]
    stream = io.StringIO()
    line = ProgressLine(stream, tty=True, clock=lambda: now[0], every=0.25)
    for i in range(1, 5):
        now[0] = i * 0.1
        line(i, 100)
    line.close()
    shown = stream.getvalue().split("\r\x1b[K")
    assert shown[1].startswith("ingesting 1/100") and shown[2].startswith("ingesting 4/100")  # throttled
    assert shown[-1] == "" and "\n" not in stream.getvalue()

    plain = io.StringIO()
    now[0] = 0.0
    line = ProgressLine(plain, tty=False, clock=lambda: now[0], every_plain=5.0)
    for i in range(1, 21):
        now[0] = float(i)
        line(i, 20)
    assert plain.getvalue().splitlines() == [
        "ingesting 1/20 articles · 1.0/s · ETA 0:19", "ingesting 6/20 articles · 1.0/s · ETA 0:14",
        "ingesting 11/20 articles · 1.0/s · ETA 0:09", "ingesting 16/20 articles · 1.0/s · ETA 0:04",
        "ingesting 20/20 articles · 1.0/s · ETA 0:00"]


def test_cli_ingest_json_has_no_progress_and_workers_are_checked(tmp_path, capsys):
    from briefings.cli import main
    path = write_jsonl(tmp_path / "a.jsonl", synthetic(2))
    db = tmp_path / "cli.sqlite3"
    cfg = ["--config", str(CONFIG)]
    assert main([*cfg, "--db", str(db), "ingest", str(path), "--json", "--progress", "--workers", "1"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["counts"]["added"] == 2 and "ingesting" not in err
    assert main([*cfg, "--db", str(db), "ingest", str(path), "--progress", "--workers", "2"]) == 0
    out, err = capsys.readouterr()
    assert "0 added, 2 unchanged" in out and "ingesting 2/2 articles" in err
    with pytest.raises(SystemExit):
        main([*cfg, "--db", str(db), "ingest", str(path), "--workers", "0"])



def test_an_article_is_analysed_as_one_text_not_sentence_by_sentence(tmp_path):
    """Throughput rests on kiwi reading each article once: its summary, story terms and index come
    from that one analysis. Counted at kiwi's own entry point; long texts the analyser has not seen."""
    from briefings.analysis import korean
    from briefings.ingest.readers import read_file

    archive = open_archive(tmp_path / "once.sqlite3")
    analyser = korean.kiwi()
    seen: list[str] = []
    real = analyser.tokenize

    def counting(text, *args, **kwargs):
        seen.append(text)
        return real(text, *args, **kwargs)

    record = synthetic(1)[0]
    sentences = [f"{COMPANIES[i % 3]}는 {PLACES[i % 5]}에서 {SERVICES[i % 6]} 시험을 {i + 2}차로 진행했다고 밝혔다."
                 for i in range(14)]
    record["body"] = " ".join(sentences)
    data = json.dumps(record, ensure_ascii=False).encode()
    raw = read_file(tmp_path / "one.json", data, "h").articles[0]
    korean._analysed.cache_clear()
    korean._analysed_long.cache_clear()
    analyser.tokenize = counting
    try:
        article = archive.builder.build(raw, archive.clock())
    finally:
        del analyser.tokenize
    assert article.summary and article.story_terms and article.terms
    long_texts = [t for t in seen if len(t) > 100]
    assert len(long_texts) == 1, f"{len(long_texts)} analyses of long texts: {[t[:30] for t in long_texts]}"
    assert len(seen) <= 6, seen
