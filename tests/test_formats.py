"""Slack and Discord payloads within every platform limit, even with hostile article text."""

from __future__ import annotations

import json
import re

import pytest

from briefings.digest.spec import DigestSpec
from briefings.formats import available
from tests.conftest import distinct_articles, open_archive

HOSTILE = ["@everyone 긴급", "<!channel> 공지", "<!here|here> *굵게* _기울임_ `코드` ~~취소~~",
           "<@123456789> <@&987654321> <#555> [링크](http://evil.example) &amp; <script>",
           "# 제목 흉내\n> 인용 흉내 || 스포일러 ||", "@here @channel"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    path = distinct_articles(folder, 40, HOSTILE, "hostile.jsonl")
    archive = open_archive(folder / "h.sqlite3")
    report = archive.ingest([path])
    assert report.counts["added"] == 40, report.rejected
    yield archive
    archive.close()


def digests(archive):
    for group in ("theme", "company", "grid"):
        yield archive.compose_digest(DigestSpec(group=group, max_stories=50))


def _slack_texts(block):
    if "text" in block:
        yield block["text"]["text"]
    for element in block.get("elements", []):
        yield element["text"]


def test_slack_limits_and_safety(hostile):
    for digest in digests(hostile):
        messages = hostile.render_digest(digest, "slack")
        for message in messages:
            assert 0 < len(message["blocks"]) <= 50
            assert message["text"] and len(message["text"]) <= 3000  # plain-text fallback
            for block in message["blocks"]:
                if block["type"] == "header":
                    assert len(block["text"]["text"]) <= 150 and block["text"]["type"] == "plain_text"
                if block["type"] == "section":
                    assert len(block["text"]["text"]) <= 3000
                for text in _slack_texts(block):
                    assert "<!channel>" not in text and "<!here" not in text and "<@123456789>" not in text
                    assert not re.search(r"@(everyone|here|channel)\b", text)
                    assert "<script>" not in text
            json.dumps(message)  # plain dicts only


def test_discord_limits_and_safety(hostile):
    for digest in digests(hostile):
        messages = hostile.render_digest(digest, "discord")
        for message in messages:
            assert message["allowed_mentions"] == {"parse": []}
            assert len(message["content"]) <= 2000 and 1 <= len(message["embeds"]) <= 10
            total = 0
            for embed in message["embeds"]:
                assert len(embed.get("title", "")) <= 256 and len(embed.get("description", "")) <= 4096
                assert len(embed.get("fields", [])) <= 25
                for f in embed.get("fields", []):
                    assert len(f["name"]) <= 256 and 0 < len(f["value"]) <= 1024
                assert len(embed.get("footer", {}).get("text", "")) <= 2048
                total += sum(len(x) for x in [embed.get("title", ""), embed.get("description", ""),
                                              embed.get("footer", {}).get("text", "")])
                total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
                blob = json.dumps(embed, ensure_ascii=False)
                assert not re.search(r"@(everyone|here)\b", blob)
                assert "<@123456789>" not in blob and "<@&987654321>" not in blob
            assert total <= 6000


def test_long_digests_split_and_thread():
    from briefings.digest.model import Digest, Section, Story
    from briefings.formats import render
    from briefings.templating import TemplateSet
    stories = [Story(f"id{n:04d}", f"제목 {n} @everyone", [f"요약 문장 {n}이다."], ["매체"], [f"id{n:04d}"],
                     "2026-11-20", ["KT"], ["고객 중심"], None) for n in range(130)]
    digest = Digest("테마별 브리핑", "all", "ko", [Section("customer", "고객 중심", stories, [], 130)])
    slack = render(digest, "slack", TemplateSet(), thread=True)
    assert len(slack) == 4 and all(len(m["blocks"]) <= 50 for m in slack)
    assert [m["in_thread"] for m in slack] == [False, True, True, True]
    assert [b["type"] for b in slack[0]["blocks"]] == ["header"]  # the section went to the thread
    assert sum(len(m["blocks"]) for m in slack) == 1 + 2 + 130 + 1  # header, divider+intro, stories, footer
    threaded = render(digest, "discord", TemplateSet(), thread=True)
    assert [m["in_thread"] for m in threaded] == [False, True] and len(threaded[1]["embeds"]) == 1
    discord = render(digest, "discord", TemplateSet())
    fields = sum(len(e.get("fields", [])) for m in discord for e in m["embeds"])
    assert fields == 25  # one section embed holds at most 25 stories; the rest are counted in its title


def test_article_markdown_cannot_format_discord_or_markdown(hostile):
    digest = hostile.compose_digest(DigestSpec(group="theme", max_stories=50))
    text = json.dumps(hostile.render_digest(digest, "discord"), ensure_ascii=False)
    assert "\\\\*굵게\\\\*" in text and "\\\\_기울임\\\\_" in text and "\\\\`코드\\\\`" in text
    md = hostile.render_digest(hostile.compose_digest(DigestSpec(group="theme")), "markdown")[0]["text"]
    assert "\\*굵게\\*" in md and "\\[링크\\]" in md


def test_long_text_is_truncated_with_a_marker(hostile):
    digest = hostile.compose_digest(DigestSpec(group="company", max_stories=50))
    blob = json.dumps(hostile.render_digest(digest, "slack"), ensure_ascii=False)
    assert "… (잘림)" in blob


def test_every_format_renders_every_digest(seeded):
    assert set(available()) == {"slack", "discord", "markdown", "text", "html"}
    for digest in digests(seeded):
        for fmt in available():
            payloads = seeded.render_digest(digest, fmt)
            assert payloads and all(isinstance(p, dict) for p in payloads)
    html = seeded.render_digest(seeded.compose_digest(DigestSpec(group="grid")), "html")[0]["text"]
    assert "<table>" in html and "<script>" not in html


def test_digest_cli_json_payloads(seeded_db, capsys):
    from bot.cli import main
    from tests.conftest import CONFIG
    assert main(["--config", str(CONFIG), "--db", str(seeded_db), "digest", "--format", "slack", "--json"]) == 0
    slack = json.loads(capsys.readouterr().out)
    assert slack[0]["blocks"][0]["type"] == "header"
    assert main(["--config", str(CONFIG), "--db", str(seeded_db), "digest", "--group", "grid",
                 "--format", "discord", "--json"]) == 0
    discord = json.loads(capsys.readouterr().out)
    assert discord[0]["allowed_mentions"] == {"parse": []}
    assert main(["--config", str(CONFIG), "--db", str(seeded_db), "digest", "--group", "grid",
                 "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "| **KT** |" in out and "SK텔레콤" in out and "LG유플러스" in out


def _story_digest(title: str, summary: list[str], url: str | None = "https://news.example/a?b=1"):
    from briefings.digest.model import Digest, Section, Story
    story = Story("id0001", title, summary, ["매체"], ["id0001"], "2026-11-20", ["KT"], ["AI·디지털 전환"], url)
    return Digest("테마 ai_dx 브리핑", "all", "ko", [Section("ai_dx", "AI·디지털 전환 (ai_dx)", [story], [], 1)],
                  notes=["테마 ai_dx · snake_case_name 2*3=6"])


def test_slack_fallback_keeps_underscores_and_stars_of_the_text_and_drops_only_our_markup():
    from briefings.formats import render
    from briefings.templating import TemplateSet
    [message] = render(_story_digest("ai_dx 전략 발표", ["KT는 ai_dx 조직을 만들었다."]), "slack", TemplateSet())
    text = message["text"]
    assert "ai_dx" in text and "snake_case_name 2*3=6" in text
    assert "*ai_dx 전략 발표*" not in text and "<https://" not in text  # bold and link markup gone
    header = message["blocks"][0]["text"]["text"]
    assert "ai_dx" in header


def test_discord_story_links_render_in_field_values_and_a_cut_never_splits_markup():
    from briefings.formats import render
    from briefings.templating import TemplateSet
    long_title = "긴 제목 " * 60  # ~300 characters: over a field name's 256
    long_summary = ["**굵게** [가짜](http://evil.example) " * 40, "둘째 문장이다."]
    [message] = render(_story_digest(long_title, long_summary), "discord", TemplateSet())
    [field] = [f for e in message["embeds"] for f in e.get("fields", [])]
    assert field["name"] == "\u200b"  # links do not render in names; the story line lives in the value
    value = field["value"]
    assert len(value) <= 1024 and "](<https://news.example/a?b=1>)" in value
    unescaped = re.sub(r"\\.", "", value)  # what is left once escaped characters are set aside
    assert unescaped.count("**") % 2 == 0 and unescaped.count("[") == unescaped.count("]")
    assert "evil.example)" not in unescaped  # the article's own markdown stays inert
