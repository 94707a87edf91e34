"""Read supported files into raw articles: plain lines plus whatever fields the format states."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefings.errors import RejectedInput
from briefings.ingest.decoding import decode_bytes
from briefings.ingest.html import HtmlFields, PageTooDeep, read_html

SUPPORTED_SUFFIXES = {".txt", ".md", ".html", ".htm", ".json", ".jsonl"}
MIN_PAGE_TEXT_CHARS = 20  # as the builder's minimum body: less is no article, whatever cleaning does
JSON_FIELDS = ("title", "body", "url", "published", "outlet")
_FEED_START = re.compile(r"\s*(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.{0,2000}?-->\s*)*<(?:rss|feed|rdf:RDF)[\s>]", re.S)


def looks_like_feed(text: str) -> bool:
    """An RSS 2.0, RSS 1.0/RDF or Atom document, by its first element (after a declaration or comments)."""
    return _FEED_START.match(text[:4096]) is not None


@dataclass
class RawArticle:
    """One article as read, before cleaning. `source` names it for reports (path, or path#N)."""

    source: str
    lines: list[str]
    raw_bytes_hash: str
    fmt: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    site_name: str | None = None
    author: str | None = None  # as the page's metadata states it; a byline in the text wins
    captions: list[str] = field(default_factory=list)


@dataclass
class ReadOutcome:
    articles: list[RawArticle]
    rejected: list[RejectedInput]
    encoding: str


def display_path(path: Path | str) -> str:
    """A file name fit to print and store whatever its bytes: undecodable bytes are shown as \\xNN."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def iter_input_files(paths: list[Path], on_error: Callable[[str, str], None] | None = None) -> Iterator[Path]:
    """Files under the given paths, sorted, supported suffixes only (explicit files always).

    A folder that cannot be listed is reported through `on_error(name, why)`, never skipped silently.
    """
    def report(exc: OSError) -> None:
        if on_error is not None:
            on_error(display_path(exc.filename or "?"), f"cannot read folder: {exc.strerror or exc}")

    for path in paths:
        if not path.is_dir():
            yield path
            continue
        found = []
        for root, dirs, names in os.walk(path, onerror=report):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                child = Path(root) / name
                if child.suffix.lower() in SUPPORTED_SUFFIXES and not name.startswith(".") and child.is_file():
                    found.append(child)
        yield from sorted(found)


def read_file(path: Path, data: bytes, raw_hash: str, source: str | None = None) -> ReadOutcome:
    source = source or display_path(path)
    text, encoding = decode_bytes(data, source)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise RejectedInput(source, "empty: no text (whitespace only)")
    suffix = path.suffix.lower()
    if looks_like_feed(text):
        raise RejectedInput(source, "an RSS/Atom feed, not an article: feeds are read as sources, one article "
                                    "per item, not ingested as one file")
    if suffix in (".html", ".htm"):
        try:
            fields = read_html(text)
        except PageTooDeep as exc:
            raise RejectedInput(source, str(exc)) from None
        if sum(len(line) for line in fields.lines) < MIN_PAGE_TEXT_CHARS:
            raise RejectedInput(source, _no_text_reason(fields))
        art = RawArticle(source, fields.lines, raw_hash, "html", title=fields.title, url=fields.url,
                         published=fields.published, site_name=fields.site_name, author=fields.author,
                         captions=fields.captions)
        return ReadOutcome([art], [], encoding)
    if suffix == ".json":
        return _read_json_document(source, text, raw_hash, encoding)
    if suffix == ".jsonl":
        return _read_json_lines(source, text, raw_hash, encoding)
    lines = text.splitlines()
    title = None
    if suffix == ".md":
        lines, title = _strip_markdown(lines)
    return ReadOutcome([RawArticle(source, lines, raw_hash, suffix.lstrip(".") or "txt", title=title)], [],
                       encoding)


def _no_text_reason(fields: HtmlFields) -> str:
    """A page without article text still says what it is, so the reader can tell which page to fix."""
    stated = [f"{label} {value!r}" for label, value in (("title", fields.title), ("published", fields.published),
              ("author", fields.author), ("site", fields.site_name), ("url", fields.url)) if value]
    found = sum(len(line) for line in fields.lines)
    reason = f"no article text found in the page ({found} characters)"
    return f"{reason}; the page states {', '.join(stated)}" if stated else reason


def _strip_markdown(lines: list[str]) -> tuple[list[str], str | None]:
    title = None
    out = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            heading = stripped.lstrip("#").strip()
            if title is None and stripped.startswith("# "):
                title = heading
                continue
            out.append(heading)
            continue
        out.append(stripped.replace("**", "").replace("__", ""))
    return out, title


def _hash_json(obj: object) -> str:
    """A record's identity inside a multi-article file, independent of its position."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _article_from_object(source: str, obj: object, raw_hash: str) -> RawArticle:
    if not isinstance(obj, dict):
        raise RejectedInput(source, f"expected a JSON object, got {type(obj).__name__}")
    body = obj.get("body")
    if not isinstance(body, str) or not body.strip():
        raise RejectedInput(source, "missing or empty 'body' field")
    values = {}
    for name in ("title", "url", "published", "outlet"):
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            raise RejectedInput(source, f"field '{name}' must be a string")
        values[name] = value.strip() if isinstance(value, str) and value.strip() else None
    return RawArticle(source, body.splitlines(), raw_hash, "json", **values)


def _read_json_document(source: str, text: str, raw_hash: str, encoding: str) -> ReadOutcome:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RejectedInput(source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    items = doc if isinstance(doc, list) else [doc]
    articles, rejected = [], []
    for n, item in enumerate(items, start=1):
        item_source = source if len(items) == 1 else f"{source}#{n}"
        item_hash = raw_hash if len(items) == 1 else _hash_json(item)
        try:
            articles.append(_article_from_object(item_source, item, item_hash))
        except RejectedInput as exc:
            rejected.append(exc)
    return ReadOutcome(articles, rejected, encoding)


def _read_json_lines(source: str, text: str, raw_hash: str, encoding: str) -> ReadOutcome:
    articles, rejected = [], []
    # Split on newlines only: str.splitlines() also breaks at U+2028, U+0085 and friends, which JSON
    # allows raw inside strings, and would cut one record in two.
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        item_source = f"{source}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            rejected.append(RejectedInput(item_source, f"invalid JSON at column {exc.colno}: {exc.msg}"))
            continue
        try:
            articles.append(_article_from_object(item_source, obj, _hash_json(obj)))
        except RejectedInput as exc:
            rejected.append(exc)
    return ReadOutcome(articles, rejected, encoding)
