"""Metadata a page states in <meta> tags: title without the site's name, author, date, site name."""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser

# "제목 | 연합뉴스", "… - SBS 뉴스", "… : 네이트 뉴스", "… :: 조선일보", "… < 경제 < 기사본문 - 매체".
_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " : ", " < ", " · ", " ｜ ")
_OUTLET_WORDS = re.compile(r"(?i)뉴스|일보|신문|방송|미디어|타임[즈스]|투데이|데일리|비즈|경제$|news|times|herald|"
                           r"agency|press|media|\btv\b|daily|post|journal|[a-z]+\.(?:com|co\.kr|kr|net)")
_CALL_SIGN = re.compile(r"^[A-Z]{2,5}$")  # KBS, YTN, JTBC: case-sensitive, so "Apple" is not one
# "홍길동 기자 hong@example.com" states the name only once these are taken off.
_EMAIL = re.compile(r"\S{1,64}@\S{1,255}")
_ROLE = re.compile(r"\s*(?:선임|수석|객원|전문|인턴)?\s*(?:기자|특파원|논설위원|앵커|리포터|PD)\s*$")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.I)
MAX_SUFFIX_CHARS = 40


def meta(tree: LexborHTMLParser, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            for node in tree.css(f'meta[{attr}="{name}"]'):
                content = (node.attributes.get("content") or "").strip()
                if content:
                    return content
    return None


def meta_all(tree: LexborHTMLParser, *names: str) -> list[str]:
    out = []
    for name in names:
        for attr in ("property", "name"):
            for node in tree.css(f'meta[{attr}="{name}"]'):
                content = (node.attributes.get("content") or "").strip()
                if content and content not in out:
                    out.append(content)
    return out


def unescape_twice(text: str) -> str:
    """Some sites escape a title twice (`&amp;#34;`): the parser undoes one level, this the other."""
    return html.unescape(text) if _ENTITY.search(text) else text


def _folded(text: str) -> str:
    return re.sub(r"\W", "", text).lower()


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """The title without a trailing (or leading) site name set off by a common separator.

    A segment is taken for the site's name when it matches a stated name (og:site_name, publisher)
    or looks like an outlet's name and is short; the article's own words are never cut to nothing."""
    known = {_folded(n) for n in site_names if n and _folded(n)}
    for _ in range(3):  # "기사 - 섹션 | 매체" carries more than one
        cut = None
        for sep in _SEPARATORS:
            head, found, tail = title.rpartition(sep)
            if found and len(head.strip()) > len(tail.strip()) and _is_site(tail, known):
                cut = head
                break
            tail2, found, rest = title.partition(sep)
            if found and len(rest.strip()) > len(tail2) and _folded(tail2) in known:
                cut = rest
                break
        if cut is None:
            break
        title = cut.strip()
    return title


def _is_site(segment: str, known: set[str]) -> bool:
    segment = segment.strip()
    if not segment or len(segment) > MAX_SUFFIX_CHARS:
        return False
    folded = _folded(segment)
    if folded in known or any(k and (k in folded or folded in k) for k in known if len(k) >= 2):
        return True
    return (bool(_OUTLET_WORDS.search(segment)) and len(segment.split()) <= 4) or bool(_CALL_SIGN.match(segment))


def looks_like_person(name: str, site_names: list[str]) -> bool:
    """An author field that names the outlet (`SBS 뉴스`) or a profile URL is not a reporter."""
    if not name or name.startswith(("http://", "https://", "www.")) or len(name) > 60:
        return False
    return not _is_site(name, {_folded(n) for n in site_names if n})


def clean_author(name: str) -> str:
    """The author's name without an e-mail address or the `기자`-style role after it."""
    name = " ".join(_EMAIL.sub(" ", name).split())
    return _ROLE.sub("", name).strip(" ,/·") or name
