"""Sentences and index terms from kiwipiepy, loaded once per process and warmed.

Sentences come from briefings.analysis.sentences, which cannot run away on a stray quote mark.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING

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


def split_sentences(text: str) -> list[str]:
    """Sentences by the rule-based splitter (linear, bounded quotes, no sentence over ~400 chars)."""
    return _split_sentences(text)


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
