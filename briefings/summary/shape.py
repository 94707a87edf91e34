"""What a summary sentence must look like: not boilerplate, and never longer than the hard cap.

Cleaning removes most bylines and captions, but a news body scraped as one line still carries
some inline; a summary must never show one, so a small shape check runs here as a last guard.
"""

from __future__ import annotations

import re

HARD_CAP = 400  # no summary sentence is ever longer than this (characters, ellipsis included)
MIN_CHARS = 15  # shorter pieces are fragments, sub-headings or labels

# Each alternative is anchored or bounded, so the scan stays linear on a long line.
_BOILERPLATE = re.compile(
    r"[\w.+-]{1,64}@[\w-]{1,63}\.[A-Za-z]{2,}"  # an e-mail address: a byline or a tip line
    r"|[▶☞▷►■◆◇ⓒ©]"  # promo arrows, heading bullets, copyright signs (△ lists items inside real sentences)
    r"|무단\s?전재|재배포\s?금지|저작권자|copyright|all rights reserved"
    r"|(?:^|[\[(<])\s{0,2}(?:사진|그래픽|자료|출처|제공|영상)\s{0,2}[=:]"  # caption credits
    r"|^\s{0,2}[\[(<【]?\s{0,2}(?:사진|그래픽)\s{0,2}[\])>】]"
    r"|(?:기자|특파원|논설위원|연구원)\s{0,2}[\])]?\s{0,2}$"  # a sign-off: "홍길동 기자"
    r"|^[^\s]{2,4}\s{0,2}(?:기자|특파원)\s{0,2}=?\s{0,2}$"
    r"|(?:카카오톡|카톡)\s{0,2}[:：]?\s{0,2}(?:제보|okjebo)|제보\s{0,2}(?:는|하기)\s{0,2}(?:카카오|이메일|메일|전화)"
    r"|뉴스\s?[1-9]\s?코리아|(?:구독|좋아요|바로가기|클릭)\s{0,2}$",
    re.IGNORECASE,
)
# "[서울=뉴시스] 홍길동 기자 = " and "(서울=연합뉴스) 홍길동 기자 = " open many leads; a scraped body
# often glues a caption or sub-heading before them, so the sign is looked for near the start too.
_DATELINE = re.compile(r"^\s{0,3}[\[(【<][^\])】>]{1,40}[\])】>]\s{0,3}"
                       r"(?:[^\s=]{1,12}\s{0,2}){0,3}(?:기자|특파원)?\s{0,2}=\s{0,2}")
_DATELINE_BARE = re.compile(r"^\s{0,3}[\[(【][^\])】]{1,30}(?:=[^\])】]{1,20}|기자|특파원)[\])】]\s{0,3}")
_SIGN_NEAR_START = re.compile(r"(?:기자|특파원)\s{0,2}(?:=|\]|】)\s{0,2}")
_CREDIT_PREFIX = re.compile(r"^\s{0,3}[\[(]?\s{0,2}(?:사진|그래픽|자료)\s{0,2}[=:]\s{0,2}\S{1,20}\s{0,2}"
                            r"(?:제공)?\s{0,2}[\])]?\s{0,3}")
LEAD_WINDOW = 120  # how far into a sentence a glued dateline is looked for
# A Korean news sentence ends in a predicate (…다, …요, …까); a caption or heading does not.
_PREDICATE_END = re.compile(r"(?:다|요|죠|까|음|함|임|됨|라|자|네)\s{0,2}[.!?…]?\s{0,2}[\"”’')\]]{0,3}\s{0,2}$")
# Where a long Korean sentence can be cut and still read as a whole clause.
_CLAUSE_END = re.compile(r"(?:[,，;]|(?<=[가-힣])(?:며|고|지만|는데|면서|으나|했고|하며|해|서))\s")


def is_boilerplate(sentence: str) -> bool:
    """A byline, e-mail, caption credit, copyright line or promo: never a summary sentence."""
    text = sentence.strip()
    return len(text) < MIN_CHARS or bool(_BOILERPLATE.search(text))


def strip_dateline(sentence: str) -> str:
    """The lead's "[서울=뉴시스] 홍길동 기자 =" prefix (and anything glued before it) is no story."""
    text = sentence
    for pattern in (_DATELINE, _DATELINE_BARE):
        cut = pattern.match(text)
        if cut and len(text) - cut.end() >= MIN_CHARS:
            text = text[cut.end():]
            break
    else:
        sign = _SIGN_NEAR_START.search(text, 0, LEAD_WINDOW)
        if sign and len(text) - sign.end() >= MIN_CHARS:
            text = text[sign.end():]
    credit = _CREDIT_PREFIX.match(text)
    if credit and len(text) - credit.end() >= MIN_CHARS:
        text = text[credit.end():]
    return text


FRAGMENT_CHARS = 60  # a short piece ending in a noun is a caption or heading, not a sentence


def reads_as_sentence(sentence: str) -> bool:
    """Ends in a predicate, as body sentences do, or is long (a splitter may cut inside a quote)."""
    return len(sentence) >= FRAGMENT_CHARS or bool(_PREDICATE_END.search(sentence[-12:]))


def clip(sentence: str, limit: int = HARD_CAP) -> str:
    """The sentence, or its opening clauses up to `limit` characters ending in an ellipsis."""
    if len(sentence) <= limit:
        return sentence
    head = sentence[:limit - 1]
    cuts = [m.start() + len(m.group(0).rstrip()) for m in _CLAUSE_END.finditer(head)]
    cuts = [c for c in cuts if c >= limit // 3]
    end = cuts[-1] if cuts else head.rfind(" ")
    if end < limit // 3:
        end = limit - 1
    return head[:end].rstrip(" ,，;") + "…"
