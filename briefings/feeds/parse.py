"""Feed items (RSS 2.0, RSS 1.0/RDF, Atom, through feedparser) as RawArticle objects.

feedparser handles the dialects, CDATA, declared encodings and relative links (given the feed's
URL); here the item's HTML becomes text lines, its date becomes the Korean date, and it gets a
stable source key (guid, else its link without tracking parameters).
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import feedparser

from briefings.ingest.readers import RawArticle

KST = ZoneInfo("Asia/Seoul")
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
           "section", "article", "figcaption", "hr", "table", "pre"}
_SKIP = {"script", "style", "noscript", "iframe"}
# Korean codecs: EUC-KR-labelled feeds often hold CP949-only syllables; CP949 is a superset.
_DECLARED = re.compile(rb"""encoding=["']([A-Za-z0-9_.:-]{1,40})["']""")
_KOREAN_ALIASES = {"euc-kr", "euc_kr", "euckr", "ks_c_5601-1987", "ks_c_5601", "ksc5601", "x-windows-949"}


class _TextLines(HTMLParser):
    """HTML to text lines: block elements end a line, scripts and styles are dropped. Linear."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._skipping = 0

    def _break(self) -> None:
        text = " ".join("".join(self._line).split())
        if text:
            self.lines.append(text)
        self._line = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._line.append(data)


def html_to_lines(html: str) -> list[str]:
    parser = _TextLines()
    parser.feed(html)
    parser.close()
    parser._break()
    return parser.lines


def canonical_link(url: str) -> str:
    """The link without its fragment and utm_* tracking parameters."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith("utm_")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def korean_time(parsed: object) -> str | None:
    """feedparser's *_parsed values are UTC; the stated date is the Korean one ('2024-03-05T08:30')."""
    if parsed is None:
        return None
    try:
        when = datetime.fromtimestamp(calendar.timegm(parsed), UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return when.astimezone(KST).strftime("%Y-%m-%dT%H:%M")


@dataclass
class FeedItem:
    raw: RawArticle
    key: str  # stable source key
    link: str | None
    summary_only: bool  # the feed gave a summary, no full content


@dataclass
class ParsedFeed:
    items: list[FeedItem] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (item label, reason)
    title: str | None = None
    error: str | None = None  # the whole document is not a feed


def _recode_korean(body: bytes, content_type: str) -> tuple[bytes, str]:
    """Pass feedparser a CP949 label where the feed or server says EUC-KR: such servers send CP949 bytes
    (e.g. 똠 is not in EUC-KR proper), which a strict EUC-KR decoder garbles or refuses."""
    end = body.find(b"?>", 0, 300)
    if body.lstrip()[:5] == b"<?xml" and end > 0:
        m = _DECLARED.search(body, 0, end)
        if m and m[1].decode("ascii", "replace").lower() in _KOREAN_ALIASES:
            body = body[: m.start()] + b'encoding="cp949"' + body[m.end():]
    label = content_type.lower().partition("charset=")[2].strip(" \"'")
    if label in _KOREAN_ALIASES:
        content_type = content_type.split(";")[0] + "; charset=cp949"
    return body, content_type


def item_key(entry: dict, feed_url: str) -> str | None:
    guid = (entry.get("id") or "").strip()
    if guid:
        return guid if urlsplit(guid).scheme in ("http", "https") else f"{feed_url}#guid={guid}"
    link = (entry.get("link") or "").strip()
    return canonical_link(link) if link else None


def parse_feed(body: bytes, url: str, content_type: str = "application/xml", outlet: str | None = None) -> ParsedFeed:
    body, content_type = _recode_korean(body, content_type)
    doc = feedparser.parse(body, response_headers={"content-location": url, "content-type": content_type})
    if not doc.entries and doc.get("bozo") and not doc.get("version"):
        return ParsedFeed(error=f"not a readable RSS/Atom feed: {doc.get('bozo_exception')}")
    feed = ParsedFeed(title=doc.feed.get("title"))
    site = doc.feed.get("title")
    for n, entry in enumerate(doc.entries, start=1):
        label = f"{url}#item{n}"
        key = item_key(entry, url)
        if key is None:
            feed.rejected.append((label, "the item has neither a guid nor a link"))
            continue
        contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
        summary = entry.get("summary") or ""
        lines = html_to_lines("\n".join(contents) if contents else summary)
        title = " ".join(html_to_lines(entry.get("title") or "")) or None
        link = entry.get("link")
        published = korean_time(entry.get("published_parsed") or entry.get("updated_parsed"))
        # The item's identity at the source: any change of what it says makes a new version.
        digest = hashlib.sha256(json.dumps([title, link, published, lines], ensure_ascii=False).encode()).hexdigest()
        raw = RawArticle(source=link or label, lines=lines, raw_bytes_hash=digest, fmt="feed", title=title,
                         url=canonical_link(link) if link else None, published=published, outlet=outlet,
                         site_name=site)
        feed.items.append(FeedItem(raw, key, link, summary_only=not contents))
    return feed
