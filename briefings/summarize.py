"""Extractive summaries whose length the product chooses: at most three body sentences, ~250 chars.

Deterministic, no network, no model. Candidates are the first usable body sentences (bylines,
e-mails, captions, copyright lines and promos are skipped by shape); they are scored by a small
logistic model over general features, position first (briefings.summary.learned), then taken best
first while they fit the character budget; one the model rates unlikely is left out. A sentence
over the hard cap is cut at a clause boundary with an ellipsis. Per company, the same scoring runs
over the sentences that speak of that company. Measured against lead baselines by `make eval` (tests/eval/summaries.py).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

from briefings.analysis.korean import InContext, Piece, index_terms, morphemes, morphemes_of, terms_of
from briefings.models import Article
from briefings.summary.company import Key, company_sentences
from briefings.summary.learned import BIAS, WEIGHTS, bound, feature_row, logit, probability
from briefings.summary.score import CANDIDATES, repeats, scores
from briefings.summary.shape import HARD_CAP, clip, is_boilerplate, reads_as_sentence, strip_dateline

__all__ = ["repeats", "select", "story_terms", "summarize_article", "summarize_sentences", "summary_terms"]

BUDGET = 300  # characters a summary aims to stay within (its first sentence alone may reach HARD_CAP)
MAX_SENTENCES = 3
COMPANY_SENTENCES = 2
FILL_SHORTER = True  # when the next-best sentence does not fit, try shorter ones below it
PROBABILITY_FLOOR = 0.1  # a sentence the scorer gives less than this is not worth its room (bar the first)


# a candidate's terms as read in its article's whole text, or None to analyse the sentence alone
TermsFinder = Callable[[Key, str], "list[str] | None"]


class Candidate:
    """A sentence that may go into a summary. Its terms are found when the choice first needs them:
    most of a long article's sentences are never in the running (see `choose`)."""

    __slots__ = ("_find", "_terms", "key", "text")

    def __init__(self, key: Key, text: str, terms: set[str] | None = None, find: TermsFinder | None = None):
        self.key = key
        self.text = text
        self._terms = terms
        self._find = find

    @property
    def terms(self) -> set[str]:
        if self._terms is None:
            found = self._find(self.key, self.text) if self._find else None
            self._terms = set(index_terms(self.text) if found is None else found)
        return self._terms

    def __repr__(self) -> str:
        return f"Candidate({self.key!r}, {self.text!r})"


def _candidates(pairs: Sequence[tuple[Key, str]], find: TermsFinder | None = None) -> list[Candidate]:
    """The first CANDIDATES usable sentences; the rest of a long article is never analysed.

    Sentences that do not end in a predicate (captions, sub-headings) compete only when no
    sentence does.
    """
    kept: list[tuple[Key, str]] = []
    fragments: list[tuple[Key, str]] = []
    for key, sentence in pairs:
        if len(kept) == CANDIDATES:
            break
        text = strip_dateline(sentence.strip())
        if is_boilerplate(text):
            continue
        (kept if reads_as_sentence(text) else fragments).append((key, clip(text, HARD_CAP)))
    chosen = kept or fragments[:CANDIDATES]
    return [Candidate(key, text, find=find) for key, text in chosen]


def choose(cands: Sequence[Candidate], title: set[str], budget: int = BUDGET, limit: int = MAX_SENTENCES,
           fill: bool = FILL_SHORTER, names: frozenset[str] | set[str] = frozenset(),
           weights: Sequence[float] = WEIGHTS, bias: float = BIAS,
           floor: float = PROBABILITY_FLOOR) -> list[Candidate]:
    """Best-scoring candidates that fit the budget (the best always does), back in article order.

    `names` are the article's main companies (a sentence naming one is a feature of the scorer);
    the number of sentences follows from the scores: one under `floor` is left out.

    Candidates are taken best first as before, but a candidate's words (a kiwi pass) are analysed
    only when its upper bound could still put it next: a heap holds each candidate's bound until it
    is analysed, then its exact score, so the order and the outcome are those of scoring them all.
    """
    if not cands:
        return []
    n, names = len(cands), set(names)
    lead = cands[0].terms

    def row(i: int, words: set[str] | None) -> list[float]:
        return feature_row(i, n, cands[i].text, words, title, lead, names)

    heap = [(-bound(row(i, None), i, bool(title), weights, bias), i, True) for i in range(n)]
    heapq.heapify(heap)
    chosen: list[int] = []
    total = 0
    while heap and len(chosen) < limit:
        negative, i, is_bound = heapq.heappop(heap)
        too_long = bool(chosen) and total + len(cands[i].text) > budget
        if is_bound:
            # what would skip it when its turn comes skips it now: `chosen` and `total` only grow
            if fill and chosen and (too_long or probability(-negative) < floor):
                continue
            heapq.heappush(heap, (-logit(row(i, cands[i].terms), weights, bias), i, False))
            continue
        if too_long:
            if fill:
                continue
            break
        if chosen and probability(-negative) < floor:
            continue
        if any(repeats(cands[i].terms, cands[j].terms) for j in chosen):
            continue
        chosen.append(i)
        total += len(cands[i].text)
    return [cands[i] for i in sorted(chosen)]


def select(sentences: Sequence[str], k: int, token_lists: Sequence[list[str]] | None = None) -> list[int]:
    """Indices of up to k non-repeating sentences that carry the story, in their given order.

    Scores by position and centrality among the first CANDIDATES sentences (no title here).
    """
    capped = list(sentences[:CANDIDATES])
    lists = list(token_lists[:CANDIDATES]) if token_lists is not None else [morphemes(s) for s in capped]
    sets = [set(t) for t in lists]
    score = scores(sets, set())
    chosen: list[int] = []
    for i in sorted(range(len(capped)), key=lambda i: (-score[i], i)):
        if len(chosen) >= k:
            break
        if not sets[i] or any(repeats(sets[i], sets[j]) for j in chosen):
            continue
        chosen.append(i)
    return sorted(chosen)


def summarize_sentences(sentences: Sequence[str], title: str = "", budget: int = BUDGET,
                        limit: int = MAX_SENTENCES) -> list[str]:
    """A summary of plain sentences (article order), at the length the product chooses."""
    cands = _candidates([((0, i), s) for i, s in enumerate(sentences)])
    return [c.text for c in choose(cands, set(index_terms(title)) if title else set(), budget, limit)]


def _body(article: Article) -> list[tuple[Key, str]]:
    return [((p.index, i), s) for p in article.body_paragraphs for i, s in enumerate(p.sentences)]


def _finder(article: Article, context: InContext) -> TermsFinder:
    """Terms of a candidate read from the analysis of the article's whole text (one kiwi pass for the
    article instead of one per sentence); a clipped sentence is found without its ellipsis."""
    texts = {p.index: p.text for p in article.paragraphs}

    def find(key: Key, text: str) -> list[str] | None:
        paragraph = texts.get(key[0])
        if paragraph is None:
            return None
        return context.span_terms(key[0], paragraph, _unclipped(text))

    return find


def summarize_article(article: Article, context: InContext | None = None
                      ) -> tuple[list[str], dict[str, list[str]]]:
    """The article's summary, and per company (when several are tagged) a summary of its own sentences.

    `context`, the analysis of the article's whole text (see InContext), saves analysing each sentence.
    """
    body = _body(article)
    find = _finder(article, context) if context else None
    title_terms = context.span_terms(-1, article.title, article.title) if context else None
    title = set(index_terms(article.title) if title_terms is None else title_terms)
    names = main_companies(article)
    summary = [c.text for c in choose(_candidates(body, find), title, names=names)]
    if not summary and body:  # nothing usable by shape: the lead is still better than nothing
        summary = [clip(body[0][1].strip())]
    per_company: dict[str, list[str]] = {}
    if len(article.companies) > 1:
        text = dict(body)
        for company, keys in company_sentences(article).items():
            picked = choose(_candidates([(k, text[k]) for k in keys], find), title, limit=COMPANY_SENTENCES,
                            names=main_companies(article, company))
            if picked:
                per_company[company] = [c.text for c in picked]
    return summary, per_company


def main_companies(article: Article, only: str | None = None) -> frozenset[str]:
    """Names (and strong evidence words) of the companies the article is about, or of one company."""
    names: set[str] = set()
    for tag in article.companies:
        if (only is None and tag.about) or tag.company == only:
            names.add(tag.company)
            names |= {e.text for e in tag.evidence if e.text and e.weight >= 1}
    return frozenset(n for n in names if len(n) >= 2)


def story_terms(article: Article, context: InContext | None = None) -> list[str]:
    """What identifies the story an article tells: content words of its title and lead sentence.

    Computed once at ingest and kept with the article, so composing a digest never re-runs the
    analyser; particles and endings are left out, or any two Korean sentences would look alike.
    With `context`, both are read from the analysis of the whole text.
    """
    if context is not None:
        title = context.span_terms(-1, article.title, article.title)
        lead = _sentence_pieces(article, context, article.summary[0]) if article.summary else []
        if title is not None and lead is not None:
            return sorted(set(title) | set(terms_of(lead)))
    return sorted(set(index_terms(" ".join([article.title, *article.summary[:1]]))))


def summary_terms(article: Article, context: InContext | None = None) -> list[str]:
    """Per sentence of article.summary_sentences(), its distinct morphemes space-joined (kept with the
    article: digests compare summary sentences by them). Read from the whole text's analysis when
    `context` holds the sentence, else from the sentence alone."""
    out = []
    for sentence in article.summary_sentences():
        pieces = _sentence_pieces(article, context, sentence) if context is not None else None
        words = morphemes_of(pieces) if pieces is not None else morphemes(sentence)
        out.append(" ".join(sorted({w for w in words if w.strip() and " " not in w})))
    return out


def _unclipped(text: str) -> str:
    """A summary sentence as it stands in the text (a clipped one without its ellipsis)."""
    return text[:-1] if text.endswith("…") else text


def _sentence_pieces(article: Article, context: InContext, sentence: str) -> list[Piece] | None:
    """The tokens of a summary sentence as read in the whole text, or None when no body paragraph holds it."""
    core = _unclipped(sentence)
    para = next((p for p in article.body_paragraphs if core in p.text), None)
    return context.span_pieces(para.index, para.text, core) if para else None
