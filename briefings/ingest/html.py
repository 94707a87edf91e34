"""Extract an article's text blocks and stated metadata from an HTML page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser as HTMLParser

_DROP = "script, style, noscript, nav, header, footer, aside, form, iframe, button, svg, template"
MAX_NESTING = 5_000  # real news pages nest < 100 deep; HTML parsers are quadratic in depth
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,15})[^<>]{0,2000}?(/?)>")
# Tags that never nest (void) or that the parser closes implicitly: they do not deepen a page.
_FLAT = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
         "p", "li", "dt", "dd", "td", "th", "tr", "option"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre", "td", "dd"}


@dataclass
class HtmlFields:
    lines: list[str]
    title: str | None = None
    url: str | None = None
    published: str | None = None
    site_name: str | None = None
    captions: list[str] = field(default_factory=list)


def _meta(tree: HTMLParser, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            node = tree.css_first(f'meta[{attr}="{name}"]')
            if node is not None:
                content = (node.attributes.get("content") or "").strip()
                if content:
                    return content
    return None


def _outer_blocks(root):
    """Blocks not inside another block, in document order; a block is read whole with its children.

    One pass that never descends into a block: linear in the page, however deep its nesting
    (a walk up to the root from every block was quadratic on 100k nested tags)."""
    stack = [root.child] if root.child is not None else []
    while stack:
        node = stack.pop()
        if node.next is not None:
            stack.append(node.next)
        if node.tag in _BLOCKS:
            yield node
        elif node.child is not None:
            stack.append(node.child)


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


def read_html(text: str) -> HtmlFields:
    if (depth := nesting_depth(text)) > MAX_NESTING:
        raise PageTooDeep(f"elements nested deeper than {MAX_NESTING:,} (at least {depth:,}): not a news page")
    tree = HTMLParser(text)
    title = _meta(tree, "og:title", "twitter:title")
    if title is None:
        h1 = tree.css_first("h1")
        title_node = h1 if h1 is not None else tree.css_first("title")
        title = title_node.text(strip=True) if title_node is not None else None
    fields = HtmlFields(
        lines=[],
        title=title or None,
        url=_meta(tree, "og:url"),
        published=_meta(tree, "article:published_time", "datePublished", "pubdate", "date"),
        site_name=_meta(tree, "og:site_name", "application-name"),
    )
    if fields.published is None:
        time_node = tree.css_first("time[datetime]")
        if time_node is not None:
            fields.published = time_node.attributes.get("datetime")
    root = tree.css_first("article") or tree.body or tree.root
    if root is None:
        return fields
    for node in root.css(_DROP):
        node.decompose()
    for node in _outer_blocks(root):
        line = " ".join(node.text(separator=" ").split())
        if not line:
            continue
        if node.tag == "figcaption":
            fields.captions.append(line)
        elif node.tag == "h1" and title and line == title:
            continue
        else:
            fields.lines.append(line)
    if not fields.lines:
        fields.lines = [ln.strip() for ln in root.text(separator="\n").splitlines() if ln.strip()]
    return fields
