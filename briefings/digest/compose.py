"""Compose a neutral digest from the archive for a spec and a moment."""

from __future__ import annotations

from datetime import datetime

from briefings.analysis.korean import morphemes
from briefings.analysis.taxonomy import Taxonomy
from briefings.digest.model import Digest, Grid, GridCell, Section, Story, SummaryLine
from briefings.digest.spec import DigestSpec, Period, resolve_window
from briefings.models import Article
from briefings.store.base import ArchiveStore, ArticleFilter
from briefings.summarize import repeats, select, story_terms

SAME_STORY = 0.5  # Jaccard of title+lead morphemes above which two articles tell one story
MAX_ARTICLES = 5000
GROUP_SUMMARY_SENTENCES = 3
LABELS = {
    "ko": {"theme": "테마별 브리핑", "company": "기업별 브리핑", "grid": "기업 × 테마 현황", "all": "전체 기간",
           "empty": "{since} 이후 새로운 기사가 없습니다.", "empty_all": "조건에 맞는 기사가 없습니다.",
           "other": "기타"},
    "en": {"theme": "Briefing by theme", "company": "Briefing by company", "grid": "Company × theme",
           "all": "all dates", "empty": "Nothing new since {since}.", "empty_all": "No articles match.",
           "other": "Other"},
}


def _text(article: Article) -> str:
    return "\n".join([article.title, *(p.text for p in article.paragraphs)]).lower()


def _wanted(article: Article, spec: DigestSpec, companies: list[str], themes: list[str]) -> bool:
    if spec.companies and not set(article.company_ids) & set(companies):
        return False
    if spec.themes and not set(article.theme_ids) & set(themes):
        return False
    text = _text(article)
    if spec.include_keywords and not any(k.lower() in text for k in spec.include_keywords):
        return False
    return not any(k.lower() in text for k in spec.exclude_keywords)


def rule_verdict(article: Article, spec: DigestSpec, taxonomy: Taxonomy) -> list[str]:
    """Why a spec takes or leaves an article, one reason a line (for the `why` command)."""
    companies = [taxonomy.resolve_company(c) or c for c in spec.companies]
    themes = [taxonomy.resolve_theme(t) or t for t in spec.themes]
    reasons = []
    if spec.companies:
        hit = set(article.company_ids) & set(companies)
        reasons.append(f"companies {'match' if hit else 'do not match'}: wants {companies}, has {article.company_ids}")
    if spec.themes:
        hit = set(article.theme_ids) & set(themes)
        reasons.append(f"themes {'match' if hit else 'do not match'}: wants {themes}, has {article.theme_ids}")
    text = _text(article)
    if spec.include_keywords:
        found = [k for k in spec.include_keywords if k.lower() in text]
        reasons.append(f"include keywords found: {found}" if found else "no include keyword found")
    excluded = [k for k in spec.exclude_keywords if k.lower() in text]
    if excluded:
        reasons.append(f"excluded by keywords: {excluded}")
    return reasons


def _sort_key(article: Article) -> tuple:
    return (article.published.first_day().isoformat() if article.published else "", article.ingested_at)


def cluster(articles: list[Article]) -> list[list[Article]]:
    """Group articles that tell one story (several outlets), newest story first."""
    groups: list[tuple[set[str], list[Article]]] = []
    for article in sorted(articles, key=_sort_key, reverse=True):
        terms = set(article.story_terms or story_terms(article))  # an archive from before story_terms
        for seen, members in groups:
            if terms and len(terms & seen) / len(terms | seen) >= SAME_STORY:
                members.append(article)
                break
        else:
            groups.append((terms, [article]))
    return [members for _, members in groups]


def story_from(members: list[Article], taxonomy: Taxonomy, lang: str, company: str | None) -> Story:
    lead = members[0]
    summary = lead.company_summaries.get(company, lead.summary) if company else lead.summary
    unknown = "출처 미상" if lang == "ko" else "outlet unknown"
    outlets = list(dict.fromkeys(a.outlet or unknown for a in members))
    return Story(lead.id, lead.title, list(summary), outlets, [a.id for a in members],
                 lead.published.iso() if lead.published else None,
                 [taxonomy.company_name(c, lang) for c in lead.company_ids],
                 [taxonomy.theme_label(t, lang) for t in lead.theme_ids], lead.url)


def group_summary(stories: list[Story]) -> list[SummaryLine]:
    """A few sentences across a section's stories, none saying the same thing twice."""
    candidates = [(s, story.article_id) for story in stories for s in story.summary[:2]]
    if not candidates:
        return []
    token_lists = [morphemes(text) for text, _ in candidates]
    picked = select([c[0] for c in candidates], len(candidates), token_lists)
    lines: list[SummaryLine] = []
    used: list[set[str]] = []
    for i in picked:
        terms = set(token_lists[i])
        if any(repeats(terms, u) for u in used):
            continue
        used.append(terms)
        lines.append(SummaryLine(*candidates[i]))
        if len(lines) == GROUP_SUMMARY_SENTENCES:
            break
    return lines


class Composer:
    def __init__(self, store: ArchiveStore, taxonomy: Taxonomy):
        self.store = store
        self.taxonomy = taxonomy

    def _articles(self, spec: DigestSpec, period: Period) -> list[Article]:
        companies = [self.taxonomy.resolve_company(c) or c for c in spec.companies]
        themes = [self.taxonomy.resolve_theme(t) or t for t in spec.themes]
        found = self.store.articles(ArticleFilter(since=period.start, until=period.end), MAX_ARTICLES)
        return [a for a in found if _wanted(a, spec, companies, themes)]

    def compose(self, spec: DigestSpec, now: datetime, last_delivery: datetime | None = None) -> Digest:
        lang = spec.language
        labels = LABELS[lang]
        period = resolve_window(spec.window, now, last_delivery)
        period_label = labels["all"] if period.start is None and period.end is None else period.label()
        articles = self._articles(spec, period)
        title = spec.title or labels[spec.group]
        digest = Digest(title, period_label, lang, [], generated_at=now.isoformat(timespec="minutes"))
        if not articles:
            digest.empty = True
            digest.empty_message = (labels["empty"].format(since=period.start) if period.start
                                    else labels["empty_all"])
            return digest
        company_ids = [self.taxonomy.resolve_company(c) or c for c in spec.companies] or self.taxonomy.company_ids
        theme_ids = [self.taxonomy.resolve_theme(t) or t for t in spec.themes] or self.taxonomy.theme_ids
        if spec.group == "theme":
            keys = [(t, self.taxonomy.theme_label(t, lang), lambda a, t=t: t in a.theme_ids, None) for t in theme_ids]
            if not spec.themes:  # articles with no theme are not silently dropped
                keys.append(("other", labels["other"], lambda a: not a.theme_ids, None))
        else:
            keys = [(c, self.taxonomy.company_name(c, lang), lambda a, c=c: c in a.company_ids, c)
                    for c in company_ids]
        for key, label, member, company in keys:
            stories = [story_from(m, self.taxonomy, lang, company) for m in cluster([a for a in articles if member(a)])]
            if not stories:
                continue
            shown = stories[: spec.max_stories]
            digest.sections.append(Section(key, label, shown, group_summary(shown), len(stories)))
        if spec.group == "grid":
            digest.grid = self._grid(articles, spec, period, company_ids, theme_ids)
        return digest

    def _grid(self, articles: list[Article], spec: DigestSpec, period: Period, company_ids: list[str],
              theme_ids: list[str]) -> Grid:
        previous = period.previous()
        before = self._articles(spec, previous) if previous else None

        def counts(items: list[Article]) -> dict[tuple[str, str], int]:
            out: dict[tuple[str, str], int] = {}
            for a in items:
                for tag in a.themes:
                    owners = tag.companies or a.company_ids
                    for c in owners:
                        out[(c, tag.theme)] = out.get((c, tag.theme), 0) + 1
            return out

        now_counts = counts(articles)
        old_counts = counts(before) if before is not None else None
        cells = {c: {t: GridCell(now_counts.get((c, t), 0), None if old_counts is None else old_counts.get((c, t), 0))
                     for t in theme_ids} for c in company_ids}
        lang = spec.language
        return Grid([(c, self.taxonomy.company_name(c, lang)) for c in company_ids],
                    [(t, self.taxonomy.theme_label(t, lang)) for t in theme_ids], cells,
                    previous.label() if previous else None)
