"""The page's main text, chosen among the page's structured body, trafilatura and readability-lxml.

The libraries find the main content (a sidebar `<article>` before the real one, menus, share widgets);
simple sanity rules pick between them; a linear fallback reads pages both return nothing for."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from briefings.ingest.pages.captions import MAX_BOXES, is_aside, page_captions, take_captions
from briefings.ingest.pages.merge import fill_gaps

_DROP = "script, style, noscript, nav, header, footer, aside, form, iframe, button, svg, template"
_BR = re.compile(r"<br\s*/?>", re.I)
_BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|blockquote|pre|tr|section|article|dd|dt|figcaption)\s*>", re.I)
MIN_TRUSTED_CHARS = 200   # a structured body shorter than this may be a teaser, not the article
MIN_LEAD_CHARS = 30      # a shorter og:description says too little to check an extract against
LEAD_COVERED = 0.5       # an article contains at least half the pairs of characters of its own summary
MAX_LINK_DENSITY = 0.5    # above this an extract is a menu or a list of links, not an article
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("readability").setLevel(logging.CRITICAL)


@dataclass
class Candidate:
    source: str
    lines: list[str]
    link_chars: int = 0
    captions: list[str] | None = None  # None: the extract came without its HTML, captions unknown
    link_texts: frozenset[str] = frozenset()  # lines that are some link's text on the page

    @property
    def chars(self) -> int:
        return sum(len(line) for line in self.lines)

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 1.0


def _link_texts(text: str) -> set[str]:
    tree = LexborHTMLParser(text)
    return {t for t in (" ".join(a.text().split()) for a in tree.css("a")) if t}


def from_trafilatura(text: str) -> Candidate:
    """trafilatura's text; its plain-text output drops links, so a line that is exactly some link's
    text on the page counts as link text (a teaser list or a menu taken for the article)."""
    import trafilatura  # heavy import, only when a page is read

    try:
        out = trafilatura.extract(text, include_comments=False, include_tables=True, output_format="txt")
    except Exception:  # a library failure on one odd page costs that candidate only
        out = None
    lines = [" ".join(ln.split()) for ln in (out or "").splitlines() if ln.strip()]
    links = frozenset(_link_texts(text) if lines else ())
    return Candidate("trafilatura", lines, sum(len(ln) for ln in lines if ln in links), link_texts=links)


def _read_fragment(source: str, fragment: str) -> Candidate:
    """An extract's lines, with its captions and embedded players taken out of the body text."""
    marked = _BLOCK_END.sub(lambda m: m.group(0) + "\n", _BR.sub("\n", fragment))
    tree = LexborHTMLParser(marked)
    root = tree.body or tree.root
    if root is None:
        return Candidate(source, [], 0, [])
    captions = take_captions(root)
    links = sum(len(" ".join(a.text().split())) for a in root.css("a"))
    text = root.text(separator="")
    return Candidate(source, [" ".join(ln.split()) for ln in text.splitlines() if ln.strip()], links, captions)


def from_readability(text: str) -> Candidate:
    from readability import Document

    try:
        summary = Document(text).summary(html_partial=True)
    except Exception:  # as above: an unparseable page leaves the other candidates
        return Candidate("readability", [])
    return _read_fragment("readability", summary)


def from_densest_block(text: str) -> Candidate:
    """The element holding the most non-link text in its own and its children's text nodes: one pass
    over text nodes, linear however deep the page (used when both libraries return nothing)."""
    tree = LexborHTMLParser(_BR.sub("\n", text))
    root = tree.body or tree.root
    if root is None:
        return Candidate("fallback", [])
    for node in root.css(_DROP):
        node.decompose()
    scores: dict[int, int] = {}
    nodes: dict[int, object] = {}
    for node in root.traverse(include_text=True):
        if node.tag != "-text" or node.parent is None or node.parent.tag == "a":
            continue
        size = len((node.text_content or "").strip())
        parent = node.parent
        for holder in (parent, parent.parent):  # p/span-wrapped text counts for its container too
            if holder is not None:
                key = holder.mem_id
                scores[key] = scores.get(key, 0) + size
                nodes[key] = holder
    if not scores:
        return Candidate("fallback", [])
    best = nodes[max(scores, key=lambda k: scores[k])]
    return _read_fragment("fallback", best.html or "")


def _pairs(text: str) -> set[str]:
    flat = "".join(text.split())
    return {flat[i:i + 2] for i in range(len(flat) - 1)}


def covers(lead: str, candidate: Candidate) -> float:
    """How much of the page's stated summary (og:description) a candidate's text contains."""
    want = _pairs(lead.rstrip(".… "))
    return len(want & _pairs(" ".join(candidate.lines))) / len(want) if want else 1.0


def _flat(text: str) -> str:
    return "".join(text.split())


def without_asides(candidate: Candidate, page: str, keep: Candidate) -> Candidate:
    """`candidate` without the lines that sit in a box the page names as an aside (most read, related,
    ads) and that does not hold `keep`'s text, so is not the article's own container. A whole page has
    more such boxes than an extract (ad slots, menus), so more are looked at."""
    anchor = _flat(max(keep.lines, key=len))[:40] if keep.lines else ""
    root = LexborHTMLParser(page).body
    named = [] if root is None else [n for n in root.css("[class], [id]") if is_aside(n)][:3 * MAX_BOXES]
    boxes = [_flat(n.text() or "") for n in named]
    boxes = [b for b in boxes if not anchor or anchor not in b]
    if not boxes:
        return candidate
    joined = "\n".join(boxes)
    lines = [ln for ln in candidate.lines if _flat(ln) not in joined]
    return Candidate(candidate.source, lines, candidate.link_chars, candidate.captions, candidate.link_texts)


def choose(structured: list[str], page: str, lead: str | None = None) -> Candidate:
    """The structured body when it is a full article; otherwise the better library extract.

    `lead` is the page's own summary: an extract that does not contain it (a comment thread, a
    related-articles box) loses to one that does."""
    trusted = Candidate("structured", structured)
    traf = from_trafilatura(page)
    if trusted.chars >= MIN_TRUSTED_CHARS and trusted.chars >= 0.5 * traf.chars:
        return trusted
    read = from_readability(page)
    usable = [c for c in (read, traf) if c.chars and c.link_density <= MAX_LINK_DENSITY]
    if usable:
        best = usable[0]
        # readability keeps the article's container whole and drops trafilatura's stray teaser lists;
        # only a far shorter pick than trafilatura's suggests it caught a fragment
        if len(usable) == 2 and read.chars < MIN_TRUSTED_CHARS and read.chars < 0.3 * traf.chars:
            # trafilatura may have taken a most-read box for the story: judged, and used, without it
            traf = usable[1] = without_asides(traf, page, read)
            if read.chars < 0.3 * traf.chars:
                best = traf
        if len(usable) == 2 and lead and len(lead) >= MIN_LEAD_CHARS:
            fit = {c.source: covers(lead, c) for c in usable}
            if fit[best.source] < LEAD_COVERED <= max(fit.values()):
                best = max(usable, key=lambda c: fit[c.source])
        if best is read and len(usable) == 2:
            avoid = {*traf.link_texts, *(read.captions or [])}
            lines, added = fill_gaps(read.lines, traf.lines, avoid)
            if added:  # a caption readability dropped with its photo is no gap in the text either
                lines, added = fill_gaps(read.lines, traf.lines, avoid | set(page_captions(LexborHTMLParser(page))))
            if added:
                return Candidate("readability+trafilatura", lines, read.link_chars, read.captions)
        return best
    fallback = from_densest_block(page)
    return max((trusted, fallback), key=lambda c: c.chars)
