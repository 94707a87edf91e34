"""Extract an article's text lines and stated metadata from an HTML page (the work is in pages/)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from briefings.ingest.pages import body, captions, meta, structured

MAX_NESTING = 5_000  # real news pages nest < 100 deep; HTML parsers are quadratic in depth
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,15})[^<>]{0,2000}?(/?)>")
# Tags that never nest (void) or that the parser closes implicitly: they do not deepen a page.
_FLAT = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
         "p", "li", "dt", "dd", "td", "th", "tr", "option"}


@dataclass
class HtmlFields:
    lines: list[str]
    title: str | None = None
    url: str | None = None
    published: str | None = None
    site_name: str | None = None
    author: str | None = None
    body_source: str | None = None  # which extractor gave the lines (for evaluation and reports)
    captions: list[str] = field(default_factory=list)


class PageTooDeep(ValueError):
    """A page nested beyond MAX_NESTING: parsing it would take minutes, so it is refused."""


def nesting_depth(text: str, limit: int = MAX_NESTING) -> int:
    """The deepest element nesting, counted in one linear pass over the tags (stops past `limit`)."""
    depth = deepest = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _FLAT or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest




def _title(tree: HTMLParser, data: structured.Structured, site_names: list[str]) -> str | None:
    title = meta.meta(tree, "og:title", "twitter:title") or data.title
    if title is None:
        node = tree.css_first("h1") or tree.css_first("title")
        title = " ".join(node.text().split()) if node is not None else None
    return meta.strip_site_suffix(meta.unescape_twice(title), site_names) if title else None


def _author(tree: HTMLParser, data: structured.Structured, site_names: list[str]) -> str | None:
    names = [*data.authors, *meta.meta_all(tree, "author", "article:author", "dable:author", "byl")]
    names = [meta.clean_author(n) for n in names if not n.startswith(("http://", "https://"))]
    return next((n for n in names if meta.looks_like_person(n, site_names)), None)


def read_html(text: str) -> HtmlFields:
    if (depth := nesting_depth(text)) > MAX_NESTING:
        raise PageTooDeep(f"elements nested deeper than {MAX_NESTING:,} (at least {depth:,}): not a news page")
    tree = HTMLParser(text)
    data = structured.from_json_ld(tree)
    blob = structured.from_script_blob(text) if "content_elements" in text else structured.Structured()
    site_name = meta.meta(tree, "og:site_name", "application-name")
    site_names = [n for n in (site_name, data.publisher) if n]
    published = (meta.meta(tree, "article:published_time", "datePublished", "pubdate", "date")
                 or data.published or blob.published)
    if published is None and (time_node := tree.css_first("time[datetime]")) is not None:
        published = time_node.attributes.get("datetime")
    lead = meta.meta(tree, "og:description", "description", "twitter:description")
    chosen = body.choose(data.body if len(data.body) >= len(blob.body) else blob.body, text, lead)
    title = _title(tree, blob if blob.title and not data.title else data, site_names)
    # an extract from HTML brings its own captions; for a text-only one, the page's captions its text
    # holds (a sidebar photo's caption is not this article's)
    found = chosen.captions
    if found is None:
        held = "".join("".join(chosen.lines).split())
        found = [c for c in captions.page_captions(tree) if "".join(c.split()) in held]
    apart = {*found, title}  # kept as captions and title, not repeated as body lines
    lines = [ln for ln in chosen.lines if ln not in apart]
    return HtmlFields(lines, title=title, url=meta.meta(tree, "og:url"), published=published,
                      site_name=site_name, author=_author(tree, data if data.authors else blob, site_names),
                      body_source=chosen.source, captions=found)
