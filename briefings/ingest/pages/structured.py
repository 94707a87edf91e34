"""What a page states as data: JSON-LD NewsArticle/Article (also inside @graph) and script JSON blobs.

Arc-based sites (Fusion) put the whole article only in `Fusion.globalContent = {...}`; others give
`articleBody` in JSON-LD. Both are read with one JSON decode each, linear in the page."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                  "opinionnewsarticle", "backgroundnewsarticle", "report", "liveblogposting"}
# A script assigning the article's JSON to a global (Arc Fusion and look-alikes).
_BLOB = re.compile(r"(?:Fusion\.globalContent|window\.__INITIAL_STATE__|__NEXT_DATA__)\s*=\s*")
MAX_BLOB_TRIES = 3
_BREAKS = re.compile(r"<br\s*/?>|</p\s*>", re.I)


@dataclass
class Structured:
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    body: list[str] = field(default_factory=list)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def html_to_lines(fragment: str) -> list[str]:
    """Text of an HTML fragment, a line per paragraph or `<br>`; entities decoded once by the parser."""
    if "<" in fragment or "&" in fragment:
        body = LexborHTMLParser(f"<body>{_BREAKS.sub(chr(10), fragment)}</body>").body
        fragment = body.text(separator="") if body is not None else ""
    return [" ".join(line.split()) for line in fragment.splitlines() if line.strip()]


def _names(value: Any) -> list[str]:
    """Author names from a string, a Person object or a list of either."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        name = _text(item.get("name")) if isinstance(item, dict) else _text(item)
        if name and not name.startswith(("http://", "https://")):
            out.append(name)
    return out


def _ld_items(doc: Any) -> list[dict]:
    items = doc if isinstance(doc, list) else [doc]
    out: list[dict] = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
            graph = item.get("@graph")
            if isinstance(graph, list):
                out.extend(g for g in graph if isinstance(g, dict))
    return out


def _is_article(item: dict) -> bool:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds)


def from_json_ld(tree: LexborHTMLParser) -> Structured:
    found = Structured()
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            doc = json.loads(node.text(deep=True) or "", strict=False)
        except (json.JSONDecodeError, RecursionError):
            continue  # a broken block states nothing; others on the page may
        for item in _ld_items(doc):
            if not _is_article(item):
                continue
            found.title = found.title or _text(item.get("headline"))
            found.published = found.published or _text(item.get("datePublished"))
            found.authors = found.authors or _names(item.get("author"))
            publisher = item.get("publisher")
            if isinstance(publisher, dict):
                found.publisher = found.publisher or _text(publisher.get("name"))
            body = _text(item.get("articleBody"))
            if body and not found.body:
                found.body = html_to_lines(body)
    return found


def _content_elements(doc: dict) -> list[str]:
    lines: list[str] = []
    for element in doc.get("content_elements") or []:
        if isinstance(element, dict) and element.get("type") in ("text", "header", "list"):
            content = element.get("content")
            if isinstance(content, str):
                lines.extend(html_to_lines(content))
            for item in element.get("items") or []:
                if isinstance(item, dict) and isinstance(item.get("content"), str):
                    lines.extend(html_to_lines(item["content"]))
    return lines


def from_script_blob(text: str) -> Structured:
    """The article in a script's JSON assignment, when it has Arc-style `content_elements`."""
    decoder = json.JSONDecoder(strict=False)
    # a real page assigns its article once; a few tries keep a page of repeated openers linear
    for _, match in zip(range(MAX_BLOB_TRIES), _BLOB.finditer(text), strict=False):
        try:
            doc, _end = decoder.raw_decode(text, match.end())
        except (json.JSONDecodeError, RecursionError):
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("content_elements"), list):
            continue
        headline = doc.get("headlines") or doc.get("headline")
        title = _text(headline.get("basic")) if isinstance(headline, dict) else _text(headline)
        credits = doc.get("credits")
        authors = _names(credits.get("by")) if isinstance(credits, dict) else []
        published = _text(doc.get("first_publish_date")) or _text(doc.get("display_date"))
        return Structured(title, published, authors, None, _content_elements(doc))
    return Structured()
