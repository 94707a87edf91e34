"""Photo captions, embedded media and asides inside an article's container, taken out of its body text.

News pages put a photo's caption beside the text (`<figcaption>`, `<p class="caption">`,
`<span class="img_desc">`): it describes the picture, not the story, so it is kept apart as a caption.
A caption that is only a credit ("사진제공 : 연합뉴스", "경기도소방재난본부 제공", "(Yonhap)") says
nothing about either and is dropped. Players and embeds (iframe, video) carry no article text;
readability-lxml even writes "VIDEO" into a video iframe to keep it, which is not the page's text.
Boxes a site names as asides (related or most-read articles, ads, share bars, tag lists) are dropped
when an extractor kept them inside the article's container, as long as they are a minor part of it."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

_MEDIA = "iframe, video, audio, embed, object, script, style, noscript, button, template, svg"
# class or id names sites give a caption; prefixed words keep "news_txt" or "article-text" out
_CAPTION_NAME = re.compile(r"(?i)caption|figcap|(?:img|image|photo|pic|figure)[_-]?(?:desc|txt|text|info|cap|exp)")
# class or id words (split at space, "-" and "_") naming a box beside the story, not in it
_ASIDE_WORDS = {"related", "relate", "relation", "most", "popular", "ranking", "rank", "recommend", "recom",
                "aside", "sidebar", "banner", "ad", "ads", "advert", "advertisement", "sponsor", "promotion",
                "promo", "share", "sharing", "sns", "social", "newsletter", "subscribe", "tag", "tags", "keyword",
                "keywords"}
_WORDS = re.compile(r"[\s_-]+")
MAX_ASIDE_SHARE = 0.5  # a named "aside" holding more of the text than this may be the article's own box,
MIN_LIST_LINKS = 5      # unless it is a list of links: this many, carrying at least
MIN_LIST_LINK_SHARE = 0.15  # this share of its text (teasers: a linked headline over a summary)
MAX_BOXES = 100  # caption or aside candidates looked at per extract: a real page has a handful; this keeps
                 # a page of thousands of nested "ad" boxes linear instead of quadratic
MAX_CAPTION_CHARS = 400  # a longer "caption" element is a container named after its photo, not a caption
_CREDIT_ONLY = re.compile(
    r"(?ix)^[\[(<]?\s*(?:"
    r"(?:자료\s*)?(?:사진|화면|영상|그래픽|이미지|캡처)\s*(?:(?:제공|출처|촬영)\s*[:=：ㅣ|/]?|[:=：ㅣ|/])"
    r"\s*[^\s:=]{1,30}(?:\s\S{1,15})?"
    r"|[^\s\[\]()]{1,30}\s*(?:제공|촬영|캡처)"
    r"|(?:photos?|image|video)\s*(?:by|courtesy\s+of|[:=])\s*.{1,40}|courtesy\s+of\s+.{1,40}"
    r"|yonhap|ap|afp|reuters|epa|getty\s*images|news1|newsis|연합뉴스|뉴스1|뉴시스"
    r")\s*[\])>]?$")


def is_credit_only(text: str) -> bool:
    """A caption that names only who made or gave the photo."""
    return bool(_CREDIT_ONLY.match(text.strip()))


def _named_caption(node: LexborNode) -> bool:
    attrs = node.attributes
    return node.tag == "figcaption" or bool(_CAPTION_NAME.search(f"{attrs.get('class') or ''} {attrs.get('id') or ''}"))


def _inside(node: LexborNode, marked: set[int]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id in marked:
            return True
        parent = parent.parent
    return False


def _outermost(root: LexborNode) -> list[LexborNode]:
    found: list[LexborNode] = []
    marked: set[int] = set()
    named = [n for n in root.css("figcaption, [class], [id]") if _named_caption(n)][:MAX_BOXES]
    for node in named:
        if _inside(node, marked):
            continue
        if node.tag == "figcaption" or len(node.text() or "") <= MAX_CAPTION_CHARS:
            found.append(node)
            marked.add(node.mem_id)
    return found


def is_aside(node: LexborNode) -> bool:
    attrs = node.attributes
    words = _WORDS.split(f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower())
    return any(w in _ASIDE_WORDS for w in words)


def _chars(node: LexborNode) -> int:
    return len(node.text() or "")


def _link_list(node: LexborNode, size: int) -> bool:
    links = node.css("a")
    return len(links) >= MIN_LIST_LINKS and sum(_chars(a) for a in links) >= MIN_LIST_LINK_SHARE * size


def drop_asides(root: LexborNode) -> None:
    total = _chars(root)
    asides = [n for n in root.css("[class], [id]") if is_aside(n)][:MAX_BOXES]
    marked: set[int] = set()
    for node in asides:
        if _inside(node, marked):
            continue
        size = _chars(node)
        if size <= MAX_ASIDE_SHARE * total or _link_list(node, size):
            marked.add(node.mem_id)
    for node in asides:
        if node.mem_id in marked:
            node.decompose()


def take_captions(root: LexborNode) -> list[str]:
    """Remove media, asides and caption elements from `root`; return the captions' texts, credits left out."""
    for node in root.css(_MEDIA):
        node.decompose()
    drop_asides(root)
    captions = []
    for node in _outermost(root):
        text = " ".join(node.text(separator=" ").split())
        if text and not is_credit_only(text):
            captions.append(text)
        node.decompose()
    return captions


def page_captions(tree: LexborHTMLParser) -> list[str]:
    """Captions anywhere on the page, for an extract that came without its HTML (trafilatura, JSON)."""
    out = []
    root = tree.body or tree.root
    for node in _outermost(root) if root is not None else []:
        text = " ".join(node.text(separator=" ").split())
        if text and not is_credit_only(text) and text not in out:
            out.append(text)
    return out
