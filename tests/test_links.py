"""Only http(s) URLs become links, and nothing in a URL can close a link and open another."""

from __future__ import annotations

import re

import pytest

from briefings.digest.model import Digest, Section, Story
from briefings.formats import render
from briefings.links import safe_url
from briefings.templating import TemplateSet

INJECTION = "http://news.example/a>) [CLICK ME](http://evil.example/x) <http://evil.example|click>\"'"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
                                 "vbscript:x", "file:///etc/passwd", "//no-scheme.example", "http://", "", None,
                                 "http://[broken", "https://" + "a" * 3000])
def test_what_is_not_an_http_link_is_refused(url):
    assert safe_url(url) is None


def test_a_url_cannot_carry_link_syntax():
    url = safe_url(INJECTION)
    assert url is not None and url.startswith("http://news.example/a")
    assert not set(url) & set("<>()[]|\"' `")
    assert safe_url("https://뉴스.example/기사?id=1&x=2#top") == (
        "https://%EB%89%B4%EC%8A%A4.example/%EA%B8%B0%EC%82%AC?id=1&x=2#top")


def digest_with(url: str) -> Digest:
    story = Story("a1", "기사 제목", ["요약."], ["언론사"], ["a1"], "2026-01-01", ["KT"], ["AI"], url)
    return Digest("브리핑", "2026-01-01", "ko", [Section("kt", "KT", [story], total=1)])


def all_text(payloads) -> str:
    return repr(payloads)


@pytest.mark.parametrize("fmt", ["slack", "discord", "markdown", "html", "text"])
def test_javascript_urls_are_never_links(fmt):
    out = all_text(render(digest_with("javascript:alert(document.cookie)"), fmt, TemplateSet()))
    assert "javascript:" not in out.lower()
    assert "기사 제목" in out


@pytest.mark.parametrize("fmt", ["discord", "markdown"])
def test_markdown_formats_have_one_link_per_story(fmt):
    out = all_text(render(digest_with(INJECTION), fmt, TemplateSet()))
    targets = re.findall(r"\]\(<([^>]*)>\)", out)
    assert len(targets) == 1 and targets[0].startswith("http://news.example/a")
    assert "CLICK ME](" not in out


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def test_slack_has_one_link_per_text_and_html_one_anchor():
    texts = [t for t in strings(render(digest_with(INJECTION), "slack", TemplateSet())) if "news.example" in t]
    assert texts
    for text in texts:
        links = re.findall(r"<(http[^|>]*)\|[^>]*>", text)
        assert len(links) == 1 and links[0].startswith("http://news.example/a"), text
    html = all_text(render(digest_with(INJECTION), "html", TemplateSet()))
    assert html.count("<a href=") == 1 and "evil.example|click" not in html
