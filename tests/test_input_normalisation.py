"""What keyboards and platforms send is understood: decomposed Hangul, full-width Latin, Unicode
spaces, smart quotes, Slack's escaping, and Korean readings of Latin company names."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.discord_commands import completers
from bot.slack_adapter import slack_plain_text
from briefings.commands import CommandContext, Commands, parse_text
from briefings.textinput import initials, korean_reading, normalize_input


@pytest.fixture
def commands(seeded):
    return Commands(CommandContext(seeded))


def text_of(reply) -> str:
    digest = reply.digest
    return "\n".join([digest.title, *digest.notes, *(s.title for s in digest.sections)])


@pytest.mark.parametrize(("typed", "meant"), [
    (unicodedata.normalize("NFD", "고객 요금제"), "고객 요금제"),
    ("ＫＴ ５Ｇ", "KT 5G"),
    ("brief\u3000KT", "brief KT"),
    ("brief\u00a0KT\u2009ai_dx", "brief KT ai_dx"),
    ("news \u201c5G 요금제\u201d", 'news "5G 요금제"'),
    ("K\u200bT", "KT"),
])
def test_typed_forms_normalise_to_what_was_meant(typed, meant):
    assert normalize_input(typed) == meant


def test_korean_readings_and_initials():
    assert korean_reading("SK텔레콤") == "에스케이텔레콤" and korean_reading("LGU+") == "엘지유플러스"
    assert initials("케이티") == "ㅋㅇㅌ" and initials("케이티", silent_ieung=False) == "ㅋㅌ"


@pytest.mark.parametrize("typed", [
    "brief\u3000KT", "brief ＫＴ", unicodedata.normalize("NFD", "brief 케이티"), "brief 케이티", "brief kt",
    "BRIEF KT",
])
def test_brief_kt_however_it_is_typed(commands, typed):
    reply = commands.run_text(typed)
    assert not reply.error, text_of(reply)
    assert "KT 브리핑" in reply.digest.title


@pytest.mark.parametrize(("option", "company"), [
    ("SK텔레콤 (SKT)", "skt"), ("에스케이텔레콤", "skt"), ("엘지유플러스", "lgu"), ("lg u+", "lgu"), ("ㅋㅌ", "kt"),
])
def test_company_options_accept_labels_readings_and_initials(seeded, option, company):
    assert seeded.taxonomy.resolve_company(option) == company


def test_a_theme_by_part_of_its_label(seeded, commands):
    assert seeded.taxonomy.resolve_theme("사회공헌") == "esg"
    assert not commands.run("theme", [], {"theme": "사회공헌"}).error


def test_look_alikes_stay_unknown(seeded, commands):
    assert seeded.taxonomy.resolve_company("KT&G") is None
    reply = commands.run_text(slack_plain_text("brief KT&amp;G"))
    assert reply.error and "KT&G" in text_of(reply) and "&amp;" not in text_of(reply)


def test_search_finds_decomposed_hangul_as_composed(commands):
    composed = commands.run_text("news 고객")
    decomposed = commands.run_text(unicodedata.normalize("NFD", "news 고객"))
    assert not composed.error and text_of(composed) == text_of(decomposed)


@pytest.mark.parametrize(("sent", "typed"), [
    ("news AT&amp;T", "news AT&T"),
    ("news &lt;5G&gt;", "news <5G>"),
    ("quotes <@U123|kim>", "quotes @kim"),
    ("news <#C123|general> 고객", "news #general 고객"),
    ("news <https://example.com/a|기사> 고객", "news 기사 고객"),
    ("news <https://example.com/a>", "news https://example.com/a"),
    ("news <!here> 고객", "news here 고객"),
    ("news &amp;lt;", "news &lt;"),  # decoded once: what the user typed was `&lt;`
])
def test_slack_text_is_decoded_once_and_markup_reduced_to_labels(sent, typed):
    assert slack_plain_text(sent) == typed


async def test_discord_autocomplete_suggests_by_alias_reading_and_initials(seeded):
    company, theme, _channel = completers(seeded.taxonomy, ["daily-seeds"])
    for typed, expected in [("케이", "kt"), ("케이티", "kt"), ("에스케이", "skt"), ("엘지", "lgu"), ("lg u+", "lgu"),
                            ("ㅋㅌ", "kt"), ("SK텔레콤 (SKT)", "skt"), ("ＫＴ", "kt")]:
        choices = await company(None, typed)
        assert choices and choices[0].value == expected, (typed, [c.value for c in choices])
        assert seeded.taxonomy.resolve_company(choices[0].name) == expected  # the shown label is accepted back
    assert [c.value for c in await theme(None, "사회")] == ["esg"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_any_unicode_command_gets_an_answer_and_never_raises(commands, text):
    assert normalize_input(normalize_input(text)) == normalize_input(text)
    parse_text(normalize_input(text))
    reply = commands.run_text(text)
    assert reply.digest.title


@pytest.mark.parametrize(("a", "b"), [("grid 2w", "grid 14d"), ("grid 2주", "grid last 14 days"),
                                      ("grid 1m", "grid 30일")])
def test_one_period_grammar_for_every_command(commands, a, b):
    first, second = commands.run_text(a), commands.run_text(b)
    assert not first.error and not second.error, text_of(first)
    assert first.digest.period == second.digest.period
    assert not commands.run_text("news 고객 since=2w").error and not commands.run_text("news 고객 since=14일").error


def test_a_bad_period_names_the_grammar(commands):
    reply = commands.run_text("grid fortnight")
    assert reply.error and "2w" in text_of(reply)
    assert "validation error" not in text_of(reply) and "pydantic" not in text_of(reply)  # no raw report


def test_the_implausibility_shortcut_holds_for_every_code_point():
    """implausibility() asks isprintable() before unicodedata.category(): sound only while every
    character of the categories it rejects is unprintable, which this Python's tables decide."""
    import sys
    import unicodedata

    from briefings.ingest import decoding

    printable_bad = [c for c in range(sys.maxunicode + 1)
                     if unicodedata.category(chr(c)) in decoding._BAD_CATEGORIES and chr(c).isprintable()]
    assert printable_bad == []
