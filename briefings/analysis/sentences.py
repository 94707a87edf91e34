"""A sentence splitter for Korean and English news that cannot run away, in linear time.

One left-to-right pass over the text. A sentence ends at `.`, `!`, `?` or `。` (with any closing
quotes or brackets glued to it) followed by white space, the end of the text, or, glued, a new
sentence after a Hangul syllable ("사용됐다.KT는"). Inside a quotation a full stop does not end
the sentence ("…이다. …했다"고 말했다), but only while the quote is young: a quote mark that
does not close within QUOTE_BOUND characters (a year like ‘19년, a stray or mismatched mark) is
ignored from then on. Whatever still comes out longer than MAX_SENTENCE_CHARS (tables, lists,
text with no punctuation) is cut at the last clause boundary, space or character that fits.
"""

from __future__ import annotations

import re
from collections import deque

QUOTE_BOUND = 300
MAX_OPEN_QUOTES = 8  # deeper nesting is noise; bounding it keeps every step constant-time
MAX_SENTENCE_CHARS = 400

# A candidate end (terminal punctuation plus closers) or a quote mark; nothing else is looked at.
_TOKEN = re.compile(r"(?P<end>[.!?。]+[\"'”’」』)\]]*)|(?P<quote>[\"“”'‘’「」『』])")
_OPENERS = {"“": "double", "‘": "single", "「": "corner", "『": "white"}
_CLOSERS = {"”": "double", "’": "single", "」": "corner", "』": "white"}
_STRAIGHT = {'"': "double", "'": "single"}
# Short Latin abbreviations whose full stop does not end a sentence ("Mr. Kim", "U.S. 정부").
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "no", "co", "inc", "ltd",
                            "corp", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "jan", "feb",
                            "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})
# Where an overlong sentence may be cut, best first: a clause ending, a comma or semicolon.
_CLAUSE_ENDS = ("다 ", "고 ", "며 ", "면서 ", "지만 ", "데 ", "; ", ", ")
_GLUE_AFTER = re.compile(r"[가-힣A-Z0-9\"“‘'(\[◇◆■□▲△▶☞【<]")


def _is_hangul(ch: str) -> bool:
    return "가" <= ch <= "힣"


def _abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` closes an abbreviation or an initial rather than a sentence."""
    start = dot
    while start > 0 and dot - start < 8 and (text[start - 1].isascii() and (text[start - 1].isalpha()
                                                                         or text[start - 1] == ".")):
        start -= 1
    word = text[start:dot].lower()
    if not word:
        return False
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha() and text[dot - 1].isupper())


class _QuoteState:
    """Open quotation marks of the current sentence: family and position, oldest first."""

    def __init__(self) -> None:
        self.open: deque[tuple[str, int]] = deque(maxlen=MAX_OPEN_QUOTES)

    def feed(self, mark: str, pos: int, text: str) -> None:
        if mark in _OPENERS:
            self.open.append((_OPENERS[mark], pos))
        elif mark in _CLOSERS:
            self.close(_CLOSERS[mark])
        else:
            family = _STRAIGHT[mark]
            if self.open and self.open[-1][0] == family:
                self.open.pop()
            elif family == "single" and pos > 0 and text[pos - 1].isalnum():
                return  # an apostrophe ("it's", "KT's"), not a quote
            else:
                self.open.append((family, pos))

    def close(self, family: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == family:
                while len(self.open) > i:
                    self.open.pop()
                return
        # a closer with nothing to close (an apostrophe ’) is ignored

    def expire(self, pos: int) -> int | None:
        """Forget quotes older than the bound at `pos`; the position of the oldest still open."""
        while self.open and pos - self.open[0][1] > QUOTE_BOUND:
            self.open.popleft()
        return self.open[0][1] if self.open else None


def _breaks_here(text: str, match: re.Match[str]) -> bool:
    start, end = match.span()
    token = match.group()
    if end >= len(text) or text[end].isspace():
        plain_stop = token.startswith(".") and len(token.rstrip("\"'”’」』)]")) == 1
        return not (plain_stop and _abbreviation(text, start))
    # glued: only a plain stop after a Hangul syllable starts a new sentence ("됐다.KT", not "3.5" or "…다.”라고")
    return token in {".", "!", "?"} and start > 0 and _is_hangul(text[start - 1]) \
        and bool(_GLUE_AFTER.match(text, end))


def _raw_sentences(text: str) -> list[str]:
    quotes = _QuoteState()
    breaks: list[int] = []
    held: deque[int] = deque()  # breaks inside an open quote: dropped if it closes, kept if it never does

    def settle(oldest_open: int | None) -> None:
        while held and (oldest_open is None or held[0] < oldest_open):
            breaks.append(held.popleft())

    for match in _TOKEN.finditer(text):
        was_open = bool(quotes.open)
        if match.lastgroup == "quote":
            quotes.feed(match.group(), match.start(), text)
        else:
            for ch in match.group():  # marks glued after the stop close quotes; they never open one
                if ch in _CLOSERS or ch in _STRAIGHT:
                    quotes.close((_CLOSERS | _STRAIGHT)[ch])
        if was_open and not quotes.open:
            held.clear()  # the quotation closed within the bound: its stops were not sentence ends
        settle(quotes.expire(match.start()))
        if match.lastgroup == "quote" or not _breaks_here(text, match):
            continue
        (held if quotes.open else breaks).append(match.end())
    settle(None)  # a quote still open at the end never closed: ignore it
    pieces = [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]
    return [p.strip() for p in pieces if p.strip()]


def _cut_long(sentence: str, limit: int) -> list[str]:
    """Cut at the last clause boundary (else space, else character) within `limit`; linear overall."""
    out: list[str] = []
    begin, size = 0, len(sentence)
    while size - begin > limit:
        end = begin + limit
        cut = -1
        for boundary in _CLAUSE_ENDS:
            at = sentence.rfind(boundary, begin, end)
            if at >= begin + limit // 2:
                cut = at + len(boundary.rstrip())
                break
        if cut < 0:
            at = sentence.rfind(" ", begin, end)
            cut = at if at >= begin + limit // 4 else end
        out.append(sentence[begin:cut].strip())
        begin = cut
        while begin < size and sentence[begin].isspace():
            begin += 1
    out.append(sentence[begin:].strip())
    return [s for s in out if s]


def split_sentences(text: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Sentences of `text`, none longer than `limit` characters."""
    text = text.strip()
    if not text:
        return []
    return [piece for sentence in _raw_sentences(text) for piece in _cut_long(sentence, limit)]
