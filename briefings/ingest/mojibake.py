"""Spot lines garbled by decoding with the wrong code page."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=16384)
def is_common_hangul(ch: str) -> bool:
    """True for the 2,350 KS X 1001 syllables that real Korean text is made of.

    CPython's euc-kr codec spells the other 8,822 syllables as 8-byte make-up sequences,
    so a common syllable is one that encodes to exactly two bytes.
    """
    if not "가" <= ch <= "힣":
        return False
    try:
        return len(ch.encode("euc-kr")) == 2
    except UnicodeEncodeError:
        return False


def _is_hangul(ch: str) -> bool:
    return "가" <= ch <= "힣"


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def suspect_counts(line: str) -> tuple[int, int]:
    """(suspect characters, letters) of a line."""
    has_hangul = any(_is_hangul(c) for c in line)
    suspects = letters = 0
    for i, ch in enumerate(line):
        if not ch.isalpha():
            continue
        letters += 1
        if _is_hangul(ch):
            suspects += not is_common_hangul(ch)
        elif _is_cyrillic(ch) and has_hangul:
            suspects += 1
        elif _is_cjk(ch):
            neighbours = line[max(i - 1, 0):i] + line[i + 1:i + 2]
            suspects += any(_is_hangul(n) or n == "_" for n in neighbours)
    return suspects, letters


def is_mojibake(line: str, min_suspects: int, min_ratio: float) -> bool:
    suspects, letters = suspect_counts(line)
    return suspects >= min_suspects and suspects / max(letters, 1) >= min_ratio
