"""Property tests: whatever Unicode an article or a user brings, the query parser and every
renderer answer without raising, never ping, and stay within each platform's limits."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefings.analysis.taxonomy import load_taxonomy
from briefings.digest.model import Digest, Section, Story, SummaryLine
from briefings.formats import render
from briefings.search import parse_query
from briefings.store.sqlite import fts_match
from briefings.templating import TemplateSet
from tests.conftest import CONFIG

TAXONOMY = load_taxonomy(CONFIG)
TEMPLATES = TemplateSet()
# Text as articles and users bring it: any Unicode, with the characters that matter over-represented.
_PIECES = st.one_of(st.characters(), st.sampled_from(list("@<>&*_~`|[]()#!\\\"'“”:\n\u200b\u3000가")),
                    st.sampled_from(["@everyone", "@here", "<!channel>", "<@123>", "](javascript:x)", "한글 "]))
TEXT = st.lists(_PIECES, max_size=80).map("".join)
# What would ping on each platform: Slack's <!channel>/<@U…> forms, Discord's @everyone and <@id> forms.
SLACK_PINGS = re.compile(r"<!(channel|here|everyone|subteam)|<@[A-Z0-9]+>|(?<![\w\u200b])@(everyone|here|channel)\b")
DISCORD_PINGS = re.compile(r"(?<![\w\u200b])@(everyone|here)\b|<@[!&]?\d+>")


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_any_query_parses_and_becomes_safe_fts_or_nothing(text):
    parsed = parse_query(text, TAXONOMY)
    match = fts_match(parsed.query)
    assert match is None or isinstance(match, str)
    if match:  # every token the index could hold is quoted: user text is never FTS5 syntax
        assert re.fullmatch(r'(\(?"([^"]|"")*"( \+ "([^"]|"")*")*( \*)?\)?( OR | AND |\s)*)+', match), match


def _digest(title: str, summary: str, note: str, url: str) -> Digest:
    story = Story("a1b2c3d4e5f6", title or "제목", [summary] if summary else [], [note[:30] or "매체"],
                  ["a1b2c3d4e5f6"], "2026-11-20", ["KT"], ["고객 중심"], url or None)
    lines = [SummaryLine(summary or "요약", "a1b2c3d4e5f6")]
    section = Section("customer", title[:40] or "고객 중심", [story] * 3, lines, 5)
    return Digest(title or "브리핑", "all", "ko", [section], notes=[note])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, TEXT, TEXT, TEXT)
def test_every_format_renders_any_text_safely_within_limits(title, summary, note, url):
    digest = _digest(title * 5, summary * 5, note, url)
    for fmt in ("slack", "discord", "markdown", "text", "html"):
        payloads = render(digest, fmt, TEMPLATES)
        assert payloads, fmt
        for payload in payloads:
            if fmt == "slack":
                assert not SLACK_PINGS.search(payload["text"])
                assert len(payload["blocks"]) <= 50 and len(payload["text"]) <= 40_000
                for block in payload["blocks"]:
                    text = block.get("text", {}).get("text", "")
                    assert len(text) <= (150 if block["type"] == "header" else 3000)
                    assert not SLACK_PINGS.search(text)
            if fmt == "discord":
                assert payload["allowed_mentions"] == {"parse": []}
                for embed in payload["embeds"]:
                    assert len(embed.get("title", "")) <= 256 and len(embed.get("description", "")) <= 4096
                    for f in embed.get("fields", []):
                        assert len(f["name"]) <= 256 and len(f["value"]) <= 1024
                    assert not DISCORD_PINGS.search(json.dumps(embed, ensure_ascii=False))
