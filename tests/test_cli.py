"""The command line, as a user runs it: output, --json shapes, exit codes."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from bot.cli import main
from tests.conftest import CONFIG, ROOT, SEEDS


@pytest.fixture
def cli(seeded_db, tmp_path, capsys):
    db = tmp_path / "a.sqlite3"
    shutil.copy(seeded_db, db)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--config", str(CONFIG), "--db", str(db), *args])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_ingest_reports_counts_and_exit_code(cli, tmp_path):
    code, out, _ = cli("ingest", str(SEEDS))
    assert code == 0 and out.strip().endswith("0 added, 5 unchanged, 0 duplicates, 0 rejected")
    (tmp_path / "bad.txt").write_bytes(b"")
    code, out, err = cli("ingest", str(tmp_path / "bad.txt"))
    assert code == 1 and "bad.txt: empty file" in err and "1 rejected" in out


def test_ingest_json(cli):
    code, out, _ = cli("ingest", str(SEEDS), "--json")
    data = json.loads(out)
    assert code == 0 and data["counts"]["unchanged"] == 5
    assert {"source", "status", "article_id", "reason"} <= set(data["items"][0])


def test_search_text_and_json(cli):
    code, out, _ = cli("search", "고객", "--company", "SKT")
    assert code == 0 and "SK텔레콤" in out and out.lstrip().startswith("1.")
    code, out, _ = cli("search", "고객", "--company", "SKT", "--json")
    data = json.loads(out)
    assert data["filters"]["companies"] == ["skt"]
    assert set(data["results"][0]) >= {"id", "title", "published", "outlet", "companies", "themes", "summary"}
    code, out, _ = cli("search", "없는단어입니다")
    assert code == 0 and "nothing found" in out


def test_search_bad_filter_exit_code(cli):
    code, _, err = cli("search", "고객", "--since", "soon")
    assert code == 2 and "cannot read the date" in err


def test_show_and_stats(cli):
    _, out, _ = cli("search", "시상식", "--json")
    article_id = json.loads(out)["results"][0]["id"]
    code, out, _ = cli("show", article_id[:6])
    assert code == 0 and "2020 KT인상 시상식" in out and "companies:" in out and "matched" in out
    code, out, _ = cli("show", article_id, "--json")
    data = json.loads(out)
    assert data["id"] == article_id and data["companies"][0]["evidence"]
    code, _, err = cli("show", "nope")
    assert code == 2 and "no article" in err
    code, out, _ = cli("stats", "--json")
    stats = json.loads(out)
    assert stats["articles"]["total"] == 5 and stats["company"]["kt"] == 5
    assert stats["year"] == {"2016": 1, "unknown": 4}


def test_every_cli_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    from briefings.cli import build_parser
    _, sub = build_parser()
    from bot.cli import add_bot_commands
    add_bot_commands(sub)
    for name in sub.choices:
        assert re.search(rf"briefings {name}\b", readme), f"README does not document `briefings {name}`"


def test_global_options_work_after_the_command_too(seeded_db, tmp_path, capsys):
    db = tmp_path / "a.sqlite3"
    shutil.copy(seeded_db, db)
    assert main(["search", "고객", "--db", str(db), "--config", str(CONFIG), "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert main(["--db", str(db), "--config", str(CONFIG), "search", "고객", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert after == before and after["results"]
    empty = tmp_path / "empty.sqlite3"  # the value after the command wins
    assert main(["--db", str(db), "--config", str(CONFIG), "stats", "--db", str(empty), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"]["total"] == 0
    assert main(["--config", str(CONFIG), "stats", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"]["total"] == 5


def test_check_config_takes_single_files_and_folders(tmp_path, capsys):
    assert main(["check-config", str(CONFIG / "channels.yaml"), str(CONFIG / "taxonomy.yaml")]) == 0
    assert "configuration OK" in capsys.readouterr().out
    bad = tmp_path / "channels.yaml"  # alone, before deploying: checked against the shipped taxonomy
    bad.write_text('channels:\n  - name: x\n    platform: console\n    channel: t\n    schedule: "0 0 30 2 *"\n'
                   '    digest: {group: company, companies: [nokia]}\n', encoding="utf-8")
    assert main(["--config", str(CONFIG), "check-config", str(bad), str(CONFIG)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:5" in err and "nokia" in err and "2 problem(s)" in err
    other = tmp_path / "notes.yaml"
    other.write_text("a: 1\n", encoding="utf-8")
    assert main(["check-config", str(other), str(tmp_path / "missing.yaml")]) == 1
    err = capsys.readouterr().err
    assert "not a briefings config file" in err and "no such file" in err


def test_check_config_json(tmp_path, capsys):
    bad = tmp_path / "channels.yaml"
    bad.write_text('channels:\n  - name: x\n    platform: console\n    channel: t\n    schedule: "0 0 30 2 *"\n'
                   '    digest: {group: company}\n', encoding="utf-8")
    assert main(["--config", str(CONFIG), "check-config", str(bad), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["problems"][0]["file"] == str(bad) and report["problems"][0]["line"] == 5
    assert main(["check-config", str(CONFIG), "--json"]) == 0 and json.loads(capsys.readouterr().out)["ok"]


def test_export_csv_opens_in_a_csv_reader_with_korean_intact(cli, tmp_path):
    import csv
    out = tmp_path / "articles.csv"
    code, _, err = cli("export", "--format", "csv", "--output", str(out), "--company", "KT")
    assert code == 0 and "wrote" in err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: spreadsheet software reads it as UTF-8
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {"id", "title", "about", "mentions", "summary", "quotes"} <= set(rows[0])
    assert all("KT" in r["about"] + r["mentions"] for r in rows)
    assert any("KT인상" in r["title"] for r in rows)


def test_export_jsonl_and_markdown(cli):
    code, out, _ = cli("export", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 5 and all(r["summary"] for r in rows)
    assert any(q["speaker"] == "박정호" for r in rows for q in r["quotes"])
    code, out, _ = cli("export", "--format", "md", "--limit", "2")
    assert code == 0 and out.count("\n| ") == 3 and "| 날짜 / date |" in out
