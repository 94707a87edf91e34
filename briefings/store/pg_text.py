"""Full-text entries and queries for PostgreSQL as tsvector/tsquery *literals*, built here token by token.

No text-search parser sees a user's words: every lexeme is quoted and escaped, so `a:b`, `&`, `!`,
`'`, `(`, `<->` or a backslash are text, never tsquery syntax. Tokens are split as SQLite's FTS5
`unicode61` tokenizer splits them (letters, numbers, marks and private-use characters are token
characters; everything else separates), so both backends find the same words.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from briefings.store.base import Phrase, TextQuery

MAX_POSITION = 16383  # PostgreSQL's last tsvector position: later words keep 16383 (findable, not as phrases)
MAX_POSITIONS_PER_LEXEME = 256  # what a tsvector keeps per lexeme
MAX_LEXEME_BYTES = 2000  # a tsvector lexeme must stay under 2 KB


def _token_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LNM" or category == "Co"


def pieces(token: str) -> list[str]:
    """The index tokens of one space-separated term or typed word, lower-cased (as FTS5 folds case)."""
    out: list[str] = []
    current: list[str] = []
    for ch in token.lower():
        if _token_char(ch):
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
    position = 0
    for token in stream.split():
        for piece in pieces(token):
            position += 1
            if not _token_char_only_gap(piece):
                kept = positions[piece]
                if len(kept) < MAX_POSITIONS_PER_LEXEME:
                    kept.append(min(position, MAX_POSITION))
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
    lexemes = [p for token in tokens for p in pieces(token) if not _token_char_only_gap(p)]
    if not lexemes:
        return None  # the index keeps nothing of these tokens
    quoted = [_quote(lex) for lex in lexemes]
    if prefix:
        quoted[-1] += ":*"
    return " <-> ".join(quoted)


def _any(options: list[str | None]) -> str | None:
    kept = list(dict.fromkeys(o for o in options if o))
    return " | ".join(f"({o})" for o in kept) or None


def phrase_queries(phrase: Phrase) -> tuple[str | None, str | None]:
    """(tsquery over the morpheme vector, tsquery over the form vector): the phrase matches where either does."""
    morphemes = _any([_phrase(phrase.morphemes), *(_phrase(split) for split in phrase.splits)])
    return morphemes, _any([_phrase(phrase.forms, phrase.prefix)])


def text_queries(query: TextQuery) -> list[tuple[str | None, str | None]]:
    """One (morpheme, form) tsquery pair per phrase the index can hold; every pair must match (AND)."""
    return [pair for pair in map(phrase_queries, query.phrases) if pair != (None, None)]
