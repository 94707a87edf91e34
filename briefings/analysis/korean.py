"""Sentences and index terms from kiwipiepy, loaded once per process and warmed.

Sentences come from briefings.analysis.sentences, which cannot run away on a stray quote mark.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, NamedTuple

from briefings.analysis.sentences import split_sentences as _split_sentences

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

_LOCK = threading.Lock()  # kiwi calls are serialised; loading happens once via cache()
_INDEX_TAGS = {"NNG", "NNP", "SL", "SN", "SH", "XR", "VV", "VA", "MAG", "NR", "W_HASHTAG"}
_ALNUM_TAGS = {"SL", "SN"}


@cache
def kiwi() -> Kiwi:
    """The process-wide analyser (loading costs ~1 s; the first analysis warms it)."""
    from kiwipiepy import Kiwi

    instance = Kiwi(load_typo_dict=False, load_multi_dict=False)
    instance.split_into_sents("준비. 완료.")
    return instance


def warm_analyser() -> None:
    """Load the analyser and run it once, so the first real call is as fast as the rest."""
    index_terms("준비 완료. 분석기를 데웁니다.")


def split_sentences(text: str) -> list[str]:
    """Sentences by the rule-based splitter (linear, bounded quotes, no sentence over ~400 chars)."""
    return _split_sentences(text)


_CACHED_CHARS = 1000  # up to this long, the last 1,024 distinct texts are remembered; longer, the last 4


def _tokens(text: str) -> tuple:
    """kiwi's tokens for a text, each distinct text analysed once: an article's whole text (for its
    index entry and, through InContext, its paragraphs), its title, a sentence several companies'
    summaries share, a repeated name. kiwi gives the same tokens for the same text."""
    if not text.strip():
        return ()
    return _analysed(text) if len(text) <= _CACHED_CHARS else _analysed_long(text)


def _analyse(text: str) -> tuple:
    analyser = kiwi()
    with _LOCK:
        return tuple(analyser.tokenize(text))


_analysed = lru_cache(maxsize=1024)(_analyse)
_analysed_long = lru_cache(maxsize=4)(_analyse)


class Piece(NamedTuple):
    """A token of a part of a longer text, its start relative to that part."""

    form: str
    tag: str
    start: int
    len: int


@dataclass(frozen=True)
class InContext:
    """An article's title and paragraphs as the one text its index entry analyses ("\n"-joined),
    so a paragraph's word boundaries are read from that single analysis instead of a second pass."""

    text: str
    starts: dict[int, int]  # paragraph index (-1: the title) → where its text starts in `text`

    @classmethod
    def of(cls, title: str, paragraphs: Sequence[tuple[int, str]]) -> InContext:
        """`paragraphs` as (index, text) in article order: the same text `article_terms` analyses."""
        starts = {-1: 0}
        at = len(title) + 1
        for index, text in paragraphs:
            starts.setdefault(index, at)
            at += len(text) + 1
        return cls("\n".join([title, *(text for _, text in paragraphs)]), starts)

    @cached_property
    def _token_starts(self) -> list[int]:
        return [t.start for t in _tokens(self.text)]

    @cached_property
    def _pieces(self) -> dict[tuple[int, str], list[Piece] | None]:
        return {}

    def tokens(self, index: int, text: str) -> list[Piece] | None:
        """The tokens of paragraph `index` as read in the whole text, or None if it is not that text."""
        key = (index, text)
        if key not in self._pieces:
            self._pieces[key] = self._read_tokens(index, text)
        return self._pieces[key]

    def _read_tokens(self, index: int, text: str) -> list[Piece] | None:
        start = self.starts.get(index)
        if start is None or self.text[start:start + len(text)] != text:
            return None
        end = start + len(text)
        tokens = _tokens(self.text)
        first = bisect_left(self._token_starts, start)
        last = bisect_left(self._token_starts, end, first)
        return [Piece(t.form, t.tag, t.start - start, t.len) for t in tokens[first:last] if t.start + t.len <= end]

    def span_pieces(self, index: int, text: str, part: str) -> list[Piece] | None:
        """The tokens of `part`, a piece of paragraph `index`, as read in the whole text; None when
        `part` is not found there (the caller analyses it alone)."""
        at = text.find(part)
        pieces = self.tokens(index, text) if at >= 0 else None
        if pieces is None:
            return None
        end = at + len(part)
        return [p for p in pieces if p.start >= at and p.start + p.len <= end]

    def span_terms(self, index: int, text: str, part: str) -> list[str] | None:
        """`index_terms` of `part` (see span_pieces)."""
        pieces = self.span_pieces(index, text, part)
        return None if pieces is None else terms_of(pieces)


def index_terms(text: str) -> list[str]:
    """Content morphemes, lower-cased; adjacent Latin/number pieces joined ("5"+"G" → "5g")."""
    return terms_of(_tokens(text))


def terms_of(tokens: Sequence) -> list[str]:
    """`index_terms` of tokens already analysed (kiwi's, or Pieces of a longer text)."""
    terms: list[str] = []
    prev_end = -1
    prev_alnum = False
    for tok in tokens:
        tag = tok.tag.split("-")[0]
        if tag not in _INDEX_TAGS:
            prev_alnum = False
            continue
        form = tok.form.lower()
        alnum = tag in _ALNUM_TAGS
        if alnum and prev_alnum and tok.start == prev_end and terms:
            terms[-1] += form
        else:
            terms.append(form)
        prev_end = tok.start + tok.len
        prev_alnum = alnum
    return terms


_PUNCT_TAGS = {"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB"}


def morphemes(text: str) -> list[str]:
    """Every morpheme but punctuation, lower-cased (particles and endings included)."""
    return morphemes_of(_tokens(text))


def morphemes_of(tokens: Sequence) -> list[str]:
    """`morphemes` of tokens already analysed (kiwi's, or Pieces of a longer text)."""
    return [t.form.lower() for t in tokens if t.tag.split("-")[0] not in _PUNCT_TAGS]


# Search also keeps noun prefixes and suffixes: 신제품 is not any 제품, 요금제 not any 요금.
_SEARCH_TAGS = _INDEX_TAGS | {"XPN", "XSN"}
_NOUN_TAGS = {"NNG", "NNP"}
SPLIT_MARGIN = 6.0  # how much less likely than kiwi's best reading a noun split may be
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class WordForms:
    """One whitespace-delimited word: its content morphemes and its joined forms (runs of them)."""

    morphemes: tuple[str, ...]
    forms: tuple[str, ...]
    ends_sentence: bool = False  # a sentence-final mark follows its last content morpheme


# Stands between words that must not count as side by side: across a word with no content
# (나름의, 등) or a sentence end. A private-use character: FTS5 keeps it as a token, and no query
# can hold it (search drops control and private-use characters from what users type).
GAP = "\ue000"


def _all_words(text: str) -> list[WordForms]:
    """Every whitespace-delimited word in order, those with no content morpheme included (empty)."""
    tokens = _tokens(text)
    words: list[WordForms] = []
    starts = [m.start() for m in _WORD.finditer(text)]
    current = -1
    morphs: list[str] = []
    forms: list[str] = []
    run = ""
    prev_end = -1
    prev_alnum = False
    ends = False

    def close_word() -> None:
        if current >= 0:
            words.append(WordForms(tuple(morphs), (*forms, run) if run else tuple(forms), ends))

    for tok in tokens:
        word = bisect_right(starts, tok.start) - 1
        if word != current:
            close_word()
            words.extend(WordForms((), ()) for _ in range(max(word - current - 1, 0) if current >= 0 else 0))
            current, morphs, forms, run, prev_alnum, ends = word, [], [], "", False, False
        tag = tok.tag.split("-")[0]
        if tag not in _SEARCH_TAGS:
            if run:
                forms.append(run)
            run, prev_alnum = "", False
            ends = ends or (tag == "SF" and bool(morphs))
            continue
        form = tok.form.lower()
        alnum = tag in _ALNUM_TAGS
        if alnum and prev_alnum and tok.start == prev_end and morphs:
            morphs[-1] += form  # "5"+"G" → "5g", as index_terms does
        else:
            morphs.append(form)
        run += form
        prev_end = tok.start + tok.len
        prev_alnum = alnum
        ends = False
    close_word()
    return words


def word_forms(text: str) -> list[WordForms]:
    """Per whitespace-delimited word with content, in order: content morphemes and joined forms.

    Kiwi splits one compound differently alone and in context (광케이블 whole in a query,
    광 + 케이블 in a sentence). A form joins each run of content morphemes written together
    (광케이블, 주요기사), so it is the same string however kiwi split the run; particles and
    endings break a run and are dropped, so 광케이블을 and 광케이블 share the form 광케이블.
    """
    return [w for w in _all_words(text) if w.morphemes]


def search_terms(text: str) -> tuple[list[str], list[str]]:
    """What the full-text index holds for a text: its morpheme stream and its form stream, with a
    GAP where a word without content or a sentence end stands between two words."""
    morphemes: list[str] = []
    forms: list[str] = []
    for word in _all_words(text):
        if word.morphemes:
            morphemes += word.morphemes
            forms += word.forms
        if (not word.morphemes or word.ends_sentence) and morphemes and morphemes[-1] != GAP:
            morphemes.append(GAP)
            forms.append(GAP)
    return morphemes, forms


def noun_split(word: str) -> tuple[str, ...] | None:
    """The likeliest reading of a word kiwi keeps whole as two or more nouns (광케이블 → 광 + 케이블),
    if it is nearly as likely as the whole: the split that word may take inside a sentence."""
    analyser = kiwi()
    with _LOCK:
        readings = analyser.analyze(word, top_n=4)
    best = readings[0][1] if readings else 0.0
    for tokens, score in readings:
        if len(tokens) > 1 and best - score <= SPLIT_MARGIN and all(t.tag in _NOUN_TAGS for t in tokens):
            return tuple(t.form.lower() for t in tokens)
    return None
