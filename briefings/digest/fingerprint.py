"""A compact per-article fingerprint for same-story clustering, computed once at ingest.

MinHash (Broder 1997) over shingles of consecutive content morphemes of the title and text: the
share of equal slots between two fingerprints estimates the Jaccard similarity of their shingle
sets, so composing a digest compares stories without re-running the analyser. Content morphemes
(not characters) make the shingles robust to the particles and spacing that outlets vary.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from briefings.analysis.korean import GAP, search_terms
from briefings.models import Article

if TYPE_CHECKING:
    import numpy as np

SLOTS = 64  # 64 slots: Jaccard estimate ±0.06 (1 s.d. at 0.5), 512 hex characters per article
SHINGLE = 2  # morpheme bigrams: single words match every article on one company
_PRIME = (1 << 61) - 1
_MASK = 0xFFFFFFFF
_rng = random.Random(20190101)  # fixed seed: fingerprints must agree across processes and versions
_PERMUTATIONS = [(_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(SLOTS)]


@cache
def _numbers() -> tuple[Any, ...]:
    """numpy and the permutations as its arrays, loaded on the first fingerprint: a process that
    only reads the archive (a chat reply, `briefings stats`) never pays numpy's ~50 ms import."""
    import numpy

    u64 = numpy.uint64
    return (numpy, numpy.array([[a] for a, _ in _PERMUTATIONS], dtype=u64),
            numpy.array([[b] for _, b in _PERMUTATIONS], dtype=u64), u64(_PRIME), u64(0xFFFFFFFF), u64((1 << 29) - 1))


def _reduce(x: np.ndarray) -> np.ndarray:
    """x mod 2^61-1 (2^61 ≡ 1), fully reduced, for any 64-bit x."""
    numpy, _, _, prime, _, _ = _numbers()
    x = (x & prime) + (x >> numpy.uint64(61))
    return numpy.where(x >= prime, x - prime, x)


def _slots(hashes: list[int]) -> list[int]:
    """min over shingles of ((a*h + b) mod 2^61-1) & MASK per permutation, exactly as Python's big
    integers give it, in 64-bit integer arithmetic: a*h is split into 32-bit halves so no product
    overflows (a MinHash in a Python loop cost 5 ms of every article's ingest)."""
    numpy, a, b, _, low32, low29 = _numbers()
    u64 = numpy.uint64
    x = _reduce(numpy.array(hashes, dtype=u64)[None, :])
    a_hi, a_lo = a >> u64(32), a & low32
    x_hi, x_lo = x >> u64(32), x & low32
    high = (a_hi * x_hi) << u64(3)  # 2^64 ≡ 2^3
    mid = a_hi * x_lo + a_lo * x_hi  # < 2^62; mid * 2^32 = (mid >> 29) * 2^61 + (mid & low29) * 2^32
    mid = (mid >> u64(29)) + ((mid & low29) << u64(32))
    low = _reduce(a_lo * x_lo)
    total = _reduce(_reduce(high + mid + low) + b)
    return [int(v) for v in (total & u64(_MASK)).min(axis=1)]


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")


def shingles(terms: Sequence[str]) -> set[str]:
    if len(terms) < SHINGLE:
        return set(terms)
    return {" ".join(terms[i:i + SHINGLE]) for i in range(len(terms) - SHINGLE + 1)}


def fingerprint(terms: Sequence[str] | str) -> str:
    """MinHash signature of a text's content morphemes (as `Article.terms` holds them), as hex."""
    words = terms.split() if isinstance(terms, str) else list(terms)
    hashes = [_hash(s) for s in shingles(words)]
    if not hashes:
        return ""
    return "".join(f"{v:08x}" for v in _slots(hashes))


def slots(fp: str) -> list[str]:
    return [fp[i:i + 8] for i in range(0, len(fp), 8)]


def resemblance(a: Sequence[str], b: Sequence[str]) -> float:
    """Estimated Jaccard similarity of two articles' shingle sets from their slot lists."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def article_fingerprint(article: Article) -> str:
    """The fingerprint of an article: over the morpheme stream its search entry already holds (so
    ingest analyses nothing twice), or, for an archive written before that format, re-analysed."""
    stream = article.terms.split("\n", 1)[0] if "\n" in (article.terms or "") else None
    if stream is None:
        text = "\n".join([article.title, *(p.text for p in article.paragraphs)])
        stream = " ".join(search_terms(text)[0])
    return fingerprint([t for t in stream.split() if t != GAP])
