"""What people type, made comparable: one normalisation for command text, options and autocomplete.

Keyboards send the same word in several encodings: decomposed Hangul (NFD, some macOS and iOS input),
full-width Latin and digits (`ＫＴ`, `５Ｇ`) from Korean IMEs, and spaces that are not U+0020 (U+3000,
NBSP, thin spaces). Every adapter passes user text through `normalize_input` before the core sees it.
NFKC is applied only to the full-width ASCII block, where it is safe; applied everywhere it would also
rewrite `㈜`, `①` or `™`, which may be what someone is searching for.
"""

from __future__ import annotations

import re
import unicodedata

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"[^\S\n]+|[\u180e\u200b]")  # any Unicode space except newline
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # ！..～ → !..~
# Phone keyboards turn quotes "smart"; the command grammar quotes phrases with plain ones.
_SMART_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                               "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'"})


def normalize_input(text: str) -> str:
    """NFC, full-width ASCII folded to ASCII, invisible characters dropped, every space one U+0020."""
    text = unicodedata.normalize("NFC", text).translate(_FULL_WIDTH).translate(_ZERO_WIDTH).translate(_SMART_QUOTES)
    text = text.replace("\u3000", " ")
    return _SPACES.sub(" ", text).strip()


# How Korean speakers read Latin letters, digits and signs aloud: `KT` is typed as 케이티.
_LETTER_READINGS = {
    "a": "에이", "b": "비", "c": "씨", "d": "디", "e": "이", "f": "에프", "g": "지", "h": "에이치", "i": "아이",
    "j": "제이", "k": "케이", "l": "엘", "m": "엠", "n": "엔", "o": "오", "p": "피", "q": "큐", "r": "알",
    "s": "에스", "t": "티", "u": "유", "v": "브이", "w": "더블유", "x": "엑스", "y": "와이", "z": "지",
    "0": "영", "1": "일", "2": "이", "3": "삼", "4": "사", "5": "오", "6": "육", "7": "칠", "8": "팔", "9": "구",
    "+": "플러스", "&": "앤",
}


def korean_reading(text: str) -> str:
    """`SK텔레콤` → `에스케이텔레콤`, `LGU+` → `엘지유플러스`: Latin letters spelled out as read in Korean."""
    return "".join(_LETTER_READINGS.get(ch, ch) for ch in text.lower())


_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def initials(text: str, *, silent_ieung: bool = True) -> str:
    """Initial consonants (초성) of the Hangul syllables: `케이티` → `ㅋㅇㅌ` (or `ㅋㅌ` without silent ㅇ)."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            initial = _INITIALS[code // 588]
            if silent_ieung or initial != "ㅇ":
                out.append(initial)
        elif "ㄱ" <= ch <= "ㅎ":
            out.append(ch)
    return "".join(out)


def is_initials(text: str) -> bool:
    return bool(text) and all("ㄱ" <= ch <= "ㅎ" for ch in text)


def folded(text: str) -> str:
    """The comparison key of a name: normalised, case-folded, without spaces or separators."""
    return re.sub(r"[\s·_\-./()]+", "", normalize_input(text).casefold())
