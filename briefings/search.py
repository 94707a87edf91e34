"""Turn a user's search text into a safe full-text query plus filters.

The user's text is data, never FTS5 syntax: every term reaches SQLite as a quoted string, so
quotes, '*', 'NEAR(', AND/OR/NOT, parentheses, colons and control characters are just words.
Company names in any alias form become company filters (the tag, not the letters).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from briefings.analysis.korean import index_terms
from briefings.analysis.taxonomy import Taxonomy

MAX_QUERY_CHARS = 500
MAX_TERMS = 24
_PHRASE = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")


@dataclass
class ParsedQuery:
    match: str | None  # FTS5 MATCH expression built only from quoted tokens, or None
    companies: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.match is None and not self.companies


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _clean(text: str) -> str:
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def parse_query(text: str, taxonomy: Taxonomy) -> ParsedQuery:
    notes = []
    text = _clean(text)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"query shortened to its first {MAX_QUERY_CHARS} characters")
    companies: list[str] = []
    spans = []
    for cid, finder in taxonomy.company_finders.items():
        for m in finder.find(text):
            spans.append((m.start, m.end))
            if cid not in companies:
                companies.append(cid)
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    phrases = []
    for m in _PHRASE.finditer(text):
        words = index_terms(m.group(1))
        if len(words) > 1:
            phrases.append(words)
    text = _PHRASE.sub(lambda m: " " if len(index_terms(m.group(1))) > 1 else m.group(1), text)
    terms = []
    for term in index_terms(text):
        if term not in terms:
            terms.append(term)
    if len(terms) + len(phrases) > MAX_TERMS:
        notes.append(f"only the first {MAX_TERMS} words were used")
        terms = terms[: max(MAX_TERMS - len(phrases), 0)]
        phrases = phrases[:MAX_TERMS]
    parts = [_quote(t) for t in terms] + [_quote(" ".join(p)) for p in phrases]
    return ParsedQuery(" AND ".join(parts) if parts else None, companies, terms, phrases, notes)
