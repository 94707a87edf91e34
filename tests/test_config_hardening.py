"""Config files that cannot hurt: alias bombs, huge files, duplicate keys, every problem at once."""

from __future__ import annotations

import shutil
import time

import pytest

from bot.config_check import check_config_dir
from tests.conftest import CONFIG


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "config"
    shutil.copytree(CONFIG, target)
    return target


def alias_bomb(levels: int = 9) -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(levels):
        prev, name = chr(97 + i), chr(98 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    return "\n".join(lines) + "\nchannels: []\n"


def test_an_alias_bomb_is_refused_at_once(folder):
    (folder / "channels.yaml").write_text(alias_bomb(), encoding="utf-8")  # 10**10 values once expanded
    started = time.perf_counter()
    problems = check_config_dir(folder)
    assert time.perf_counter() - started < 5  # was minutes and gigabytes
    assert [p.file.endswith("channels.yaml") and "aliases are expanded" in p.message for p in problems] == [True]


def test_a_recursive_alias_is_refused(folder):
    (folder / "taxonomy.yaml").write_text("companies: &c [*c]\n", encoding="utf-8")
    [problem] = check_config_dir(folder)
    assert "aliases are expanded" in problem.message


def test_a_huge_file_is_refused_before_it_is_parsed(folder):
    with (folder / "channels.yaml").open("w", encoding="utf-8") as out:
        out.write("channels:\n")
        out.write("  # padding\n" * 200_000)
    started = time.perf_counter()
    [problem] = check_config_dir(folder)
    assert time.perf_counter() - started < 5
    assert "too large for a config file" in problem.message


def test_duplicate_keys_are_refused_with_their_line(folder):
    (folder / "channels.yaml").write_text(
        'channels:\n  - name: a\n    platform: console\n    channel: x\n    schedule: "0 8 * * *"\n'
        'misfire_grace_seconds: 60\nchannels: []\n', encoding="utf-8")
    [problem] = check_config_dir(folder)
    assert (problem.line, problem.entry) == (7, "channels") and "duplicate key" in problem.message
    (folder / "channels.yaml").write_text(
        'channels:\n  - name: a\n    platform: console\n    channel: x\n    schedule: "0 8 * * *"\n'
        '    schedule: "0 9 * * *"\n', encoding="utf-8")
    [problem] = check_config_dir(folder)
    assert (problem.line, problem.entry) == (6, "schedule")


def test_every_problem_is_reported_even_with_a_top_level_error(folder):
    (folder / "channels.yaml").write_text(
        "misfire_grace_seconds: soon\n"
        "channels:\n"
        "  - platform: console\n"          # no name
        "    channel: x\n"
        '    schedule: "0 25 * * *"\n'      # bad hour
        "    timezone: Mars/Olympus\n"
        "  - name: b\n"
        "    platform: console\n"
        "    channel: y\n"
        '    schedule: "0 0 30 2 *"\n', encoding="utf-8")  # never fires
    problems = check_config_dir(folder)
    messages = [(p.line, p.message) for p in problems]
    assert any(line == 1 and "integer" in m for line, m in messages)
    assert any(line == 3 and "name" in m and "required" in m.lower() for line, m in messages)
    assert any(line == 6 and "unknown timezone" in m for line, m in messages)
    assert any(line == 10 and "never fires" in m for line, m in messages)


def test_aliases_and_merge_keys_still_work(folder):
    (folder / "channels.yaml").write_text(
        'channels:\n  - &first {name: a, platform: console, channel: x, schedule: "0 8 * * *"}\n'
        '  - {<<: *first, name: b, channel: y}\n', encoding="utf-8")
    assert check_config_dir(folder) == []


@pytest.mark.parametrize("blank", ['""', '"   "', '"\\u3000"'])
def test_an_empty_or_blank_alias_or_keyword_is_refused_with_its_line(folder, blank):
    text = (folder / "taxonomy.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    alias_line = next(i for i, line in enumerate(lines) if line.strip().startswith("aliases: ["))
    lines[alias_line] = lines[alias_line].replace("[", f"[{blank}, ", 1)  # KT gains a blank alias
    (folder / "taxonomy.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = check_config_dir(folder)
    assert problem.file.endswith("taxonomy.yaml") and "must not be empty" in problem.message
    assert problem.line is not None and abs(problem.line - (alias_line + 1)) <= 2
