"""Turn a user's search text into a TextQuery plus filters, and articles into index terms.

A word typed as one word matches as the phrase of its morphemes (주요기사 → 주요 + 기사 side by
side) or as its joined form (주요기사), so a word is found whether kiwi split it in the text or
not; words typed apart match anywhere (AND); a quoted phrase matches its words in order. The
user's text is data, never FTS5 syntax: the store quotes every token. Company names in any alias
form become company filters (the tag, not the letters).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from briefings.analysis.korean import WordForms, noun_split, search_terms, word_forms
from briefings.analysis.taxonomy import Taxonomy
from briefings.models import Article
from briefings.store.base import ArchiveStore, Phrase, TextQuery

__all__ = ["ParsedQuery", "Phrase", "TextQuery", "article_terms", "parse_query", "reindex"]

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500
MAX_TERMS = 24
PREFIX_MIN_CHARS = 3  # shorter forms as prefixes (주요* …) would match far too much
REINDEX_BATCH = 100
_PHRASE = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")
_HANGUL = re.compile(r"[가-힣]+")


@dataclass
class ParsedQuery:
    query: TextQuery
    companies: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.query.phrases and not self.companies


def _clean(text: str) -> str:
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def _word(word: WordForms) -> Phrase:
    last = word.forms[-1] if word.forms else ""
    # Korean compounds go on (광케이블 → 광케이블망); Latin words are whole (news is not newsis).
    korean = len(last) >= PREFIX_MIN_CHARS and bool(_HANGUL.fullmatch(last[-1]))
    split = None
    if len(word.morphemes) == 1 and korean and _HANGUL.fullmatch(last):
        split = noun_split(last)  # kiwi kept it whole here; a sentence may split it
    return Phrase(word.morphemes, word.forms, prefix=korean, splits=(split,) if split else ())


def _quoted(words: list[WordForms]) -> Phrase:
    return Phrase(tuple(m for w in words for m in w.morphemes), tuple(f for w in words for f in w.forms))


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
    quoted = [words for m in _PHRASE.finditer(text) if (words := word_forms(m.group(1)))]
    typed = list(dict.fromkeys(WordForms(w.morphemes, w.forms) for w in word_forms(_PHRASE.sub(" ", text))))
    if len(quoted) + len(typed) > MAX_TERMS:  # before the per-word look-ups below
        notes.append(f"only the first {MAX_TERMS} words were used")
        quoted = quoted[:MAX_TERMS]
        typed = typed[: MAX_TERMS - len(quoted)]
    phrases: list[Phrase] = []
    for phrase in [*map(_quoted, quoted), *map(_word, typed)]:
        if phrase not in phrases:
            phrases.append(phrase)
    return ParsedQuery(TextQuery(tuple(phrases)), companies, notes)


def article_terms(article: Article) -> str:
    """The full-text entry of an article: its morpheme stream, then its word-form stream."""
    morphemes, forms = search_terms("\n".join([article.title, *(p.text for p in article.paragraphs)]))
    return " ".join(morphemes) + "\n" + " ".join(forms)


def reindex(store: ArchiveStore, progress: Callable[[int], None] | None = None) -> int:
    """Re-analyse every article whose index entry is in an older term format; returns how many."""
    done = 0
    while batch := store.stale_search_rows(REINDEX_BATCH):
        if not done:
            log.info("re-analysing archived articles for search (the index term format changed)")
        store.reindex_search([(a.id, article_terms(a)) for a in batch])
        done += len(batch)
        if progress:
            progress(done)
    if done:
        log.info("re-analysed %d articles for search", done)
    return done
