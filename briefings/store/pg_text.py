"""Full-text entries and queries for PostgreSQL as tsvector/tsquery *literals*, built here token by token.

No text-search parser sees a user's words: every lexeme is quoted and escaped, so `a:b`, `&`, `!`,
`'`, `(`, `<->` or a backslash are text, never tsquery syntax. Tokens are split as SQLite's FTS5
`unicode61` tokenizer splits them (letters, numbers and private-use characters are token characters,
and Latin diacritics continue one; everything else separates), so both backends find the same words.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from briefings.store.base import Phrase, TextQuery

MAX_POSITION = 16383  # PostgreSQL's last tsvector position: later words keep 16383 (findable, not as phrases)
MAX_POSITIONS_PER_LEXEME = 256  # what a tsvector keeps per lexeme
MAX_LEXEME_BYTES = 2000  # a tsvector lexeme must stay under 2 KB
MAX_VECTOR_BYTES = 900_000  # and a whole tsvector under 1 MB


# The combining marks FTS5 reads as diacritics (é written as e + U+0301): part of a token they continue.
_DIACRITICS = frozenset(chr(cp) for first, last in ((0x300, 0x304), (0x306, 0x30C), (0x30F, 0x30F), (0x311, 0x311),
                                                    (0x31B, 0x31B), (0x323, 0x328), (0x32D, 0x32E), (0x330, 0x331))
                        for cp in range(first, last + 1))


def _token_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "Co"  # letters, numbers, private use (as FTS5 unicode61)


def _fold(ch: str) -> str:
    lower = ch.lower()
    return lower if len(lower) == 1 else ch  # FTS5 folds one character to one (İ stays İ)


def pieces(token: str) -> list[str]:
    """The index tokens of one space-separated term or typed word, case-folded as FTS5 folds them."""
    out: list[str] = []
    current: list[str] = []
    for ch in map(_fold, token):
        if _token_char(ch) or (current and ch in _DIACRITICS):
            current.append(ch)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return [p for p in out if len(p.encode()) <= MAX_LEXEME_BYTES]


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(stream: str) -> str:
    """A space-separated token stream as a tsvector literal with each token's positions (1-based).

    The analyser's GAP still takes a position, so a phrase never spans it; a token with no token
    character takes none (as in FTS5)."""
    positions: dict[str, list[int]] = defaultdict(list)
    position = size = 0
    for token in stream.split():
        for piece in pieces(token):
            position += 1
            if _token_char_only_gap(piece):
                continue
            if piece not in positions:
                size += len(piece.encode()) + 8  # a lexeme's bytes and entry, as a tsvector stores it
                if size > MAX_VECTOR_BYTES:
                    continue  # a pathological text: its later new words are not indexed
            kept = positions[piece]
            if len(kept) < MAX_POSITIONS_PER_LEXEME:
                kept.append(min(position, MAX_POSITION))
                size += 2
    return " ".join(f"{_quote(lex)}:{','.join(map(str, dict.fromkeys(pos)))}" for lex, pos in positions.items())


def _token_char_only_gap(piece: str) -> bool:
    # The analyser's GAP (a private-use character) marks a sentence end or a word without content: a
    # position, never a word anyone searches for.
    return all(unicodedata.category(ch) == "Co" for ch in piece)


def terms_vectors(terms: str) -> tuple[str, str]:
    """An article's `terms` (morpheme stream, newline, word-form stream) as two tsvector literals."""
    morphemes, _, forms = terms.partition("\n")
    return tsvector_literal(morphemes), tsvector_literal(forms)


def _phrase(tokens: tuple[str, ...], prefix: bool = False) -> str | None:
    # A typed token with no letter or digit is left out, as the SQLite store leaves it out.
    lexemes = [p for token in tokens if any(ch.isalnum() for ch in token)
               for p in pieces(token) if not _token_char_only_gap(p)]
    if not lexemes:
        return None  # the index keeps nothing of these tokens
    quoted = [_quote(lex) for lex in lexemes]
    if prefix:
        quoted[-1] += ":*"
    return " <-> ".join(quoted)


def _any(options: list[str | None]) -> str | None:
    kept = list(dict.fromkeys(o for o in options if o))
    return " | ".join(f"({o})" for o in kept) or None


def phrase_query(phrase: Phrase) -> str | None:
    """The tsquery of one phrase: its morphemes in order, its forms (`prefix`: the last one may go on), or
    any of its splits. It is matched against both vectors, as SQLite's one FTS column holds both streams."""
    return _any([_phrase(phrase.morphemes), _phrase(phrase.forms, phrase.prefix),
                 *(_phrase(split) for split in phrase.splits)])


def text_queries(query: TextQuery) -> list[str]:
    """One tsquery per phrase the index can hold; every one must match (AND)."""
    return [q for q in map(phrase_query, query.phrases) if q]
