"""Sentences and index terms from kiwipiepy, loaded once per process and warmed.

Fixes for kiwi's known misses: a sentence break with no space after the period
("사용됐다.KT인상") and breaks inside an open quotation.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

_LOCK = threading.Lock()  # kiwi calls are serialised; loading happens once via cache()
# A Hangul syllable, a full stop, then a letter or an opening quote with no space between.
_GLUED_BREAK = re.compile(r"(?<=[가-힣][.!?])(?=[가-힣A-Za-z\"“‘'])")
_INDEX_TAGS = {"NNG", "NNP", "SL", "SN", "SH", "XR", "VV", "VA", "MAG", "NR", "W_HASHTAG"}
_ALNUM_TAGS = {"SL", "SN"}
_OPEN_CLOSE = (("“", "”"), ("‘", "’"))


@cache
def kiwi() -> Kiwi:
    """The process-wide analyser (loading costs ~1 s; the first analysis warms it)."""
    from kiwipiepy import Kiwi

    instance = Kiwi(load_typo_dict=False, load_multi_dict=False)
    instance.split_into_sents("준비. 완료.")
    return instance


def _quote_open(text: str) -> bool:
    if text.count('"') % 2:
        return True
    return any(text.count(o) > text.count(c) for o, c in _OPEN_CLOSE)


def split_sentences(text: str) -> list[str]:
    text = _GLUED_BREAK.sub(" ", text.strip())
    if not text:
        return []
    analyser = kiwi()
    with _LOCK:
        pieces = [s.text.strip() for s in analyser.split_into_sents(text)]
    sentences: list[str] = []
    for piece in filter(None, pieces):
        if sentences and _quote_open(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def _tokens(text: str) -> list:
    if not text.strip():
        return []
    analyser = kiwi()
    with _LOCK:
        return analyser.tokenize(text)


def index_terms(text: str) -> list[str]:
    """Content morphemes, lower-cased; adjacent Latin/number pieces joined ("5"+"G" → "5g")."""
    tokens = _tokens(text)
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
    return [t.form.lower() for t in _tokens(text) if t.tag.split("-")[0] not in _PUNCT_TAGS]
