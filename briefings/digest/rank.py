"""Which stories lead a section: importance to the section's company, reach, then recency.

A company section is about its company: a story whose articles are about it (CompanyTag.about,
then salience, from the analyser) ranks above one that only mentions it in passing, whatever the
outlet count; a passing mention never leads a section and is shown only where room is left.
Among stories equally about the company, more outlets covering it means more important, and
the newer story wins a tie. Where the analyser has not scored a tag (about False and salience 0,
as in archives written before it did), prominence is estimated from where the company appears:
in the title, in the lead sentence, and in what share of the body's sentences.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from briefings.analysis.taxonomy import Taxonomy
from briefings.models import Article, CompanyTag

OUTLET_WEIGHT = 0.1  # one doubling of outlets counts as a tenth of salience
ABOUT_SHARE = 0.3  # estimated: named in the title, the lead sentence or this share of body sentences ...
SUBSTANTIAL_SENTENCES = 3  # a story is shown by a report of at least this many sentences where it has one
ESTIMATE = {"title": 0.4, "lead": 0.3, "share": 0.3}  # ... and these parts make up an estimated salience


@dataclass(frozen=True)
class Prominence:
    about: bool
    salience: float


def _mentioned_sentences(article: Article, tag: CompanyTag) -> tuple[set[tuple[int, int]], int]:
    """Body sentences naming the company, as (paragraph, sentence), and how many body sentences there are."""
    if tag.sentences:  # attributed by the analyser
        found = {(p, s) for p, s in tag.sentences}
    else:  # locate each named mention in its paragraph's sentences
        starts: dict[int, list[int]] = {}
        for p in article.body_paragraphs:
            cursor, spans = 0, []
            for sentence in p.sentences:
                at = p.text.find(sentence, cursor)
                spans.append(at if at >= 0 else cursor)
                cursor = max(cursor, spans[-1] + len(sentence))
            starts[p.index] = spans
        found = set()
        for ev in tag.evidence:
            spans = starts.get(ev.paragraph)
            if spans and ev.weight >= 1:
                found.add((ev.paragraph, max(i for i, at in enumerate(spans) if at <= ev.start or i == 0)))
    total = sum(max(1, len(p.sentences)) for p in article.body_paragraphs)
    return found, total


def _estimate(article: Article, tag: CompanyTag, taxonomy: Taxonomy) -> Prominence:
    found, total = _mentioned_sentences(article, tag)
    body = article.body_paragraphs
    share = len(found) / max(1, total)
    finder = taxonomy.company_finders.get(tag.company)
    in_title = bool(finder and finder.find(article.title))
    in_lead = bool(body) and (body[0].index, 0) in found
    salience = ESTIMATE["title"] * in_title + ESTIMATE["lead"] * in_lead + ESTIMATE["share"] * min(1.0, 2 * share)
    return Prominence(in_title or in_lead or share >= ABOUT_SHARE, round(salience, 3))


def prominence(article: Article, company: str, taxonomy: Taxonomy) -> Prominence:
    """How much an article is about a company: the analyser's verdict, or an estimate without one."""
    tag = next((t for t in article.companies if t.company == company), None)
    if tag is None:
        return Prominence(False, 0.0)
    if tag.about or tag.salience > 0:
        return Prominence(tag.about, tag.salience)
    return _estimate(article, tag, taxonomy)


@dataclass
class Ranked:
    members: list[Article]
    lead: Article  # the article the story is shown by: the one most about the company
    about: bool
    salience: float
    outlets: int
    latest: int  # ordinal of the newest article's date, 0 when none is dated

    @property
    def importance(self) -> float:
        return self.salience + OUTLET_WEIGHT * math.log2(max(1, self.outlets))


def _day(article: Article) -> int:
    return article.published.first_day().toordinal() if article.published else 0


def assess(members: list[Article], company: str | None, taxonomy: Taxonomy) -> Ranked:
    outlets = len({a.outlet or a.outlet_domain or a.id for a in members})
    latest = max(_day(a) for a in members)
    if company is None:  # a theme section: every story belongs; reach and recency decide
        return Ranked(members, members[0], True, 0.0, outlets, latest)
    scored = [(prominence(a, company, taxonomy), n, a) for n, a in enumerate(members)]
    central = _centrality(members)
    # Shown by an article about the company; among those, the one closest to what all outlets say,
    # not a preview or a follow-up that happens to come first.
    *_, lead = max(scored, key=lambda s: (s[0].about, round(s[0].salience, 1), _substantial(s[2]),
                                          central[s[1]], -s[1]))
    return Ranked(members, lead, any(p.about for p, _, _ in scored), max(p.salience for p, _, _ in scored),
                  outlets, latest)


def _substantial(article: Article) -> bool:
    """A report, not a photo caption or a one-line brief."""
    return sum(len(p.sentences) for p in article.body_paragraphs) >= SUBSTANTIAL_SENTENCES


def _centrality(members: list[Article]) -> list[float]:
    """Mean title/lead overlap of each article with the story's others. Outlets' copies of a story
    often carry the very same title/lead terms: each distinct set is compared once, weighted by how
    many members hold it, so a story of a hundred copies costs its distinct wordings squared."""
    sets = [frozenset(a.story_terms) for a in members]
    n = len(sets)
    if n < 2:
        return [0.0] * n
    held = Counter(sets)
    mean: dict[frozenset[str], float] = {}
    for x in held:
        total = 0.0
        for y, count in held.items():
            union = len(x | y)
            if union:
                total += len(x & y) / union * (count - (y == x))  # (not with itself)
        mean[x] = total / (n - 1)
    return [mean[x] for x in sets]


def rank(stories: list[Ranked]) -> list[Ranked]:
    """Stories about the company first (most important, then newest), passing mentions after."""
    return sorted(stories, key=lambda s: (not s.about, -round(s.importance, 6), -s.latest))
