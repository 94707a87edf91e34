"""Extract an article's text blocks and stated metadata from an HTML page."""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser as HTMLParser

_DROP = "script, style, noscript, nav, header, footer, aside, form, iframe, button, svg, template"
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


def read_html(text: str) -> HtmlFields:
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
    for node in root.traverse(include_text=False):
        if node.tag not in _BLOCKS:
            continue
        # A block inside another block is read with its parent.
        parent, nested = node.parent, False
        while parent is not None and parent is not root:
            if parent.tag in _BLOCKS:
                nested = True
                break
            parent = parent.parent
        if nested:
            continue
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
