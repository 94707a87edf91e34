"""Turn raw bytes into text without guessing wrong.

Korean archives still hold CP949/EUC-KR files, so after UTF-8 (with or without BOM) and UTF-16
(BOM, or the zero-byte pattern of ASCII-range text), CP949 is tried strictly. A CP949 decode is
accepted only when the result reads as Korean; anything else goes to charset-normalizer, and
if that is not confident the file is rejected as undecodable rather than stored as mojibake.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections import Counter
from functools import lru_cache

from charset_normalizer import from_bytes

from briefings.errors import RejectedInput
from briefings.ingest.mojibake import is_common_hangul

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _western(data: bytes) -> str | None:
    """cp1252 when every non-ASCII character it yields is a Latin letter or common punctuation."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    for ch in text:
        if ord(ch) < 128:
            continue
        if not ("\u00c0" <= ch <= "\u017f" or ch in "\u00a0«»–—‘’“”…€£©®°·¿¡ºª"):
            return None
    # Accented letters are a minority in Western languages; Cyrillic read as cp1252 is all accents.
    letters = [ch for ch in text if ch.isalpha()]
    accented = sum(1 for ch in letters if ord(ch) > 127)
    return text if accented <= 0.3 * len(letters) else None


def _reads_as_korean(text: str) -> bool:
    non_ascii = [c for c in text if ord(c) > 127 and not c.isspace()]
    if not non_ascii:
        return True
    common = sum(1 for c in non_ascii if is_common_hangul(c))
    return common / len(non_ascii) >= 0.6


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_zeros = sample[0::2].count(0) / (len(sample) / 2)
    odd_zeros = sample[1::2].count(0) / (len(sample) / 2)
    encoding = "utf-16-le" if odd_zeros > 0.3 > even_zeros else "utf-16-be" if even_zeros > 0.3 > odd_zeros else None
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8000]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / max(len(sample), 1) > 0.05


_BAD_CATEGORIES = {"Cc", "Cn", "Co", "Cs"}
_KIN_SCRIPTS = ({"HANGUL", "CJK"}, {"CJK", "HIRAGANA", "KATAKANA"})


@lru_cache(maxsize=16_384)
def _script(ch: str) -> str:
    """The first word of a character's Unicode name (HANGUL, CJK, LATIN…): looked up once per distinct
    character, as a text repeats a few thousand of them."""
    return unicodedata.name(ch, "?").split(" ")[0]


def implausibility(text: str) -> str | None:
    """Why decoded text cannot be real text, or None. Catches lucky BOMs and wrong code pages."""
    body = text.lstrip("\ufeff")
    if not body:
        return None
    # (every character of the bad categories is unprintable: the cheap test first)
    bad = sum(1 for ch in body if ch in "\ufffd\ufeff" or (not ch.isprintable()
              and unicodedata.category(ch) in _BAD_CATEGORIES and ch not in "\t\n\r\f"))
    if bad / len(body) > 0.02:
        return f"{bad / len(body):.0%} of characters are control or unassigned codes"
    scripts = Counter(_script(ch) for ch in body if ch.isalpha() and ord(ch) > 0x24F)
    letters = sum(1 for ch in body if ch.isalpha())
    major = {name for name, n in scripts.items() if n / max(letters, 1) >= 0.2}
    if len(major) > 1 and not any(major <= kin for kin in _KIN_SCRIPTS):
        return f"characters of unrelated scripts mixed ({', '.join(sorted(major))})"
    return None


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Return (text, encoding name) or raise RejectedInput saying why."""
    text, encoding = _decode(data, source)
    if (nul := text.find("\x00")) >= 0:  # the binary sniff reads only the first 8 KB
        raise RejectedInput(source, f"binary content: a NUL character at position {nul:,}")
    problem = implausibility(text)
    if problem:
        raise RejectedInput(source, f"undecodable: read as {encoding}, but {problem}")
    return text, encoding


def _decode(data: bytes, source: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise RejectedInput(source, f"undecodable: broken {encoding} at byte {exc.start}") from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16, "utf-16"
    if _looks_binary(data):
        raise RejectedInput(source, "binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp949")
        if _reads_as_korean(text):
            return text, "cp949"
    except UnicodeDecodeError:
        pass
    western = _western(data)
    if western is not None:
        return western, "cp1252"
    best = from_bytes(data).best()
    if best is not None and best.chaos <= 0.05 and best.encoding != "utf_8":
        return str(best), best.encoding
    raise RejectedInput(source, "undecodable: not UTF-8, UTF-16 or CP949/EUC-KR text")
