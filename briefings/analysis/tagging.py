"""Company and theme tags per paragraph, each with the words that earned it."""

from __future__ import annotations

from collections import defaultdict

from briefings.analysis.keywords import UNANCHORED_FACTOR, KeywordMatcher, anchored, lead_limits
from briefings.analysis.korean import InContext
from briefings.analysis.salience import apply_salience
from briefings.analysis.taxonomy import Taxonomy
from briefings.models import CompanyTag, Evidence, Paragraph, ThemeTag


def company_mentions(taxonomy: Taxonomy, paragraphs: list[Paragraph]) -> dict[str, list[Evidence]]:
    found: dict[str, list[Evidence]] = defaultdict(list)
    for para in paragraphs:
        for cid, finder in taxonomy.company_finders.items():
            found[cid].extend(Evidence(m.term, m.text, para.index, m.start, m.end) for m in finder.find(para.text))
        for finder, members in taxonomy.group_finders:
            for m in finder.find(para.text):
                for cid in members:
                    found[cid].append(Evidence(m.term, m.text, para.index, m.start, m.end, weight=0.5))
    return found


def tag_companies(taxonomy: Taxonomy, paragraphs: list[Paragraph], title: str = "") -> list[CompanyTag]:
    """Tag companies, most salient first; a paragraph with no mention belongs to the section it stands in.

    A section starts at a sub-heading (or the article start); a body paragraph without any
    mention inherits the companies of the nearest mention before it in the same section.
    Group phrases ("통신 3사") tag every member but are not inherited. Every tag also gets its
    salience, whether the article is `about` the company, and the company's sentences.
    """
    mentions = company_mentions(taxonomy, paragraphs)
    direct: dict[int, set[str]] = defaultdict(set)
    for cid, evidence in mentions.items():
        for ev in evidence:
            if ev.weight >= 1:
                direct[ev.paragraph].add(cid)
    inherited: dict[str, list[int]] = defaultdict(list)
    context: set[str] = set()
    for para in paragraphs:
        if para.kind == "subhead":
            context = set(direct.get(para.index, set()))
            continue
        if para.index in direct:
            context = set(direct[para.index])
        elif para.kind == "body":
            for cid in context:
                inherited[cid].append(para.index)
    tags = []
    for cid in taxonomy.company_ids:
        evidence = mentions.get(cid, [])
        if not evidence:
            continue
        own = sorted({ev.paragraph for ev in evidence})
        tags.append(CompanyTag(cid, len(evidence), own, inherited.get(cid, []), evidence))
    apply_salience(taxonomy, tags, paragraphs, title)
    tags.sort(key=lambda t: (-t.salience, -sum(e.weight for e in t.evidence)))
    return tags


def tag_themes(taxonomy: Taxonomy, paragraphs: list[Paragraph], title: str,
               companies: list[CompanyTag], context: InContext | None = None) -> list[ThemeTag]:
    """Themes whose weighted keyword score reaches the threshold; title words count too.

    Keywords match whole words (see keywords.py), and supporting words cannot tag on their own.
    A theme none of whose words is in the headline or lead needs 1.5 times the threshold: a story
    about earnings that mentions AI twice in its tenth paragraph is not an AI story. `context`, the
    article's whole text as its index entry analyses it, saves analysing paragraphs one by one.
    """
    matcher = KeywordMatcher(taxonomy, context)
    scored = [*paragraphs, Paragraph(-1, "body", title)] if title else list(paragraphs)
    by_index = {p.index: p for p in scored}
    lead = lead_limits(paragraphs)
    tags = []
    for theme in taxonomy.spec.themes:
        score, evidence = matcher.score(theme.id, scored)
        if score < theme.threshold:
            continue
        if not anchored(evidence, lead) and score < UNANCHORED_FACTOR * theme.threshold:
            continue
        owners = []
        for company in companies:
            if len(companies) == 1:
                owners.append(company.company)
                continue
            own = [by_index[i] for i in (*company.paragraphs, *company.inherited_paragraphs) if i in by_index]
            if matcher.score(theme.id, own)[0] >= theme.threshold:
                owners.append(company.company)
        tags.append(ThemeTag(theme.id, round(score, 2), evidence, owners))
    tags.sort(key=lambda t: -t.score)
    return tags
