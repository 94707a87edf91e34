"""The search before issue 8 (commit 873781b), for comparison in the same run.

Index: the article's morphemes only (index_terms). Query: every morpheme of the text anywhere (AND),
a quoted phrase as its morphemes side by side. Expressed as a TextQuery of one-morpheme phrases with
no word forms, so the real store and FTS5 answer it exactly as the old MATCH string did.
"""

from __future__ import annotations

import re

from briefings.analysis.korean import index_terms
from briefings.analysis.taxonomy import Taxonomy
from briefings.models import Article
from briefings.search import MAX_QUERY_CHARS, MAX_TERMS, Phrase, TextQuery, _clean

_PHRASE = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")


def old_terms(article: Article) -> str:
    return " ".join(index_terms("\n".join([article.title, *(p.text for p in article.paragraphs)])))


def old_query(text: str, taxonomy: Taxonomy) -> tuple[TextQuery, list[str]]:
    text = _clean(text)[:MAX_QUERY_CHARS]
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
    terms: list[str] = []
    for term in index_terms(text):
        if term not in terms:
            terms.append(term)
    if len(terms) + len(phrases) > MAX_TERMS:
        terms = terms[: max(MAX_TERMS - len(phrases), 0)]
        phrases = phrases[:MAX_TERMS]
    return TextQuery(tuple([Phrase((t,)) for t in terms] + [Phrase(tuple(p)) for p in phrases])), companies
