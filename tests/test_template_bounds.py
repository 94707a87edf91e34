"""User templates run bounded: no hang, no memory blow-up, errors as template problems with their line."""

from __future__ import annotations

import itertools
import shutil
import time

import pytest

from bot.config_check import check_config_dir
from briefings.errors import ConfigError
from briefings.templating import PLAIN, TemplateSet
from tests.conftest import CONFIG

HOSTILE = {
    "lipsum": "{{ lipsum(10**6) }}",
    "repeat": "{{ 'x' * 10**9 }}",
    "repeat_literal": "{{ 'x' * 1000000000 }}",
    "power": "{{ 10 ** (10 ** 10) }}",
    "nested_ranges": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "nested_strings": "{% set s = 'x' * 90000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
    "wide_filter": "{{ 'x' | center(1000000000) }}",
    "wide_method": "{{ 'x'.center(1000000000) }}",
    "replace_growth": "{% set s = 'x' * 90000 %}{{ s.replace('x', s) }}",
    "doubling": "{% set ns = namespace(s='xx') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "output_flood": "{% for i in range(10000) %}{{ 'y' * 90000 }}{% endfor %}",
    "self_include": "{% include 'story.j2' %}",
    "division": "line one\n{{ 1 / 0 }}",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_template_is_reported_quickly_and_never_crashes(tmp_path, name):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "story.j2").write_text(HOSTILE[name], encoding="utf-8")
    started = time.perf_counter()
    problems = TemplateSet(folder).trial_render()
    assert time.perf_counter() - started < 10  # the render limit is 2 s; was minutes or gigabytes
    assert len(problems) == 1 and problems[0].entry == "story.j2"
    assert "template failed to render" in problems[0].message
    assert problems[0].file.endswith("story.j2")


def test_the_error_names_the_template_line(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "story.j2").write_text(HOSTILE["division"], encoding="utf-8")
    [problem] = TemplateSet(folder).trial_render()
    assert problem.line == 2 and "ZeroDivisionError" in problem.message


def test_check_config_trial_renders_a_channels_template_folder(tmp_path):
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    (folder / "mine").mkdir()
    (folder / "mine" / "headline.j2").write_text("{{ 'x' * 10**9 }}", encoding="utf-8")
    (folder / "channels.yaml").write_text('channels:\n  - name: a\n    platform: console\n    channel: x\n'
                                          '    schedule: "0 8 * * *"\n    templates: mine\n', encoding="utf-8")
    [problem] = check_config_dir(folder)
    assert problem.entry == "headline.j2" and "repetition" in problem.message


def test_ordinary_templates_still_render(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "story.j2").write_text(
        "{% for s in story.summary %}{{ loop.index }}. {{ s | truncate(50) }}{% endfor %} "
        "{{ story.title | upper }} {{ '-' * 20 }} {{ range(5) | list | length }} {{ 2 ** 10 }}", encoding="utf-8")
    templates = TemplateSet(folder)
    assert templates.trial_render() == []
    from briefings.digest.model import Story
    story = Story("a", "title", ["one", "two"], [], [], None, [], [], None)
    out = templates.render("story.j2", PLAIN, story=story, section=None, lang="ko")
    assert out == "1. one2. two TITLE -------------------- 5 1024"


def test_a_shipped_template_error_is_a_config_error_not_a_traceback(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "footer.j2").write_text("{{ digest.no_such_field.deeper }}", encoding="utf-8")
    with pytest.raises(ConfigError):
        TemplateSet(folder).render("footer.j2", PLAIN, digest=object(), lang="ko")


async def test_a_slow_template_renders_off_the_event_loop_and_the_archive_thread(archive_worker, tmp_path):
    """While a template runs to its time limit, the event loop and the archive keep answering."""
    import asyncio

    from bot.console import ConsoleAdapter
    from briefings.commands import CommandContext, Commands
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "story.j2").write_text("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
                                     encoding="utf-8")  # within every size bound: only the time limit ends it
    commands = await archive_worker.write(lambda a: Commands(CommandContext(a)))
    console = ConsoleAdapter(archive_worker, commands, None, None)
    console.templates = TemplateSet(folder)
    ticks: list[float] = []
    answered: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    async def archive_meanwhile() -> None:
        await asyncio.sleep(0.2)  # the slow render has started by now
        await archive_worker.write(lambda a: a.store.count())
        answered.append(time.monotonic())

    ticking = asyncio.create_task(ticker())
    started = time.monotonic()
    other = asyncio.create_task(archive_meanwhile())
    with pytest.raises(ConfigError, match="RenderLimitError"):
        await console.answer("brief KT")
    finished = time.monotonic()
    ticking.cancel()
    await other
    ticks.append(finished)
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert finished - started >= 1.5  # the render really ran to its limit...
    assert max(gaps) < 0.5  # ...while the loop kept turning (on the loop it would stall for 2 s)
    assert answered[0] < finished  # and another archive call was answered before it ended
