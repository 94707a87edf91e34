"""Compose a neutral digest from the archive for a spec and a moment."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from datetime import datetime
from functools import lru_cache

from briefings.analysis.korean import morphemes
from briefings.analysis.taxonomy import Taxonomy
from briefings.digest.cluster import cluster
from briefings.digest.model import Digest, Grid, GridCell, Section, Story, SummaryLine
from briefings.digest.rank import Ranked, assess, rank
from briefings.digest.spec import DigestSpec, Period, resolve_window
from briefings.models import Article
from briefings.store.base import ArchiveStore, ArticleFilter, Subset
from briefings.summarize import repeats
from briefings.summary.score import centrality as rank_sentences

MAX_ARTICLES = 5000  # a section's stories are chosen from at most its newest this many articles (a pool)
MIN_POOL = 40  # the smallest pool a section gets from a shared budget
STORY_SENTENCES = 2  # a story is its line and at most two sentences
GROUP_SUMMARY_SENTENCES = 2
SUMMARY_CANDIDATES = 40  # sentences a section summary is chosen from, at most, of each kind
SENTENCE_CHARS = 300  # a summary sentence longer than this is a splitting miss, not a sentence
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


def _keywords_take(article: Article, spec: DigestSpec) -> bool:
    """The spec's keywords take the article (its companies and themes were matched by the store)."""
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


def _clip(sentence: str) -> str:
    """A run-on 'sentence' (a caption or byline glued to the text) is cut at a word, marked."""
    if len(sentence) <= SENTENCE_CHARS:
        return sentence
    cut = sentence[:SENTENCE_CHARS].rsplit(" ", 1)[0] or sentence[:SENTENCE_CHARS]
    return cut.rstrip() + " …"


def _lines(article: Article, company: str | None) -> list[tuple[str, str]]:
    """A story's summary sentences: each as kept and as shown."""
    summary = article.company_summaries.get(company, article.summary) if company else article.summary
    return [(s, _clip(s)) for s in summary[:STORY_SENTENCES]]


def _summary(article: Article, company: str | None) -> list[str]:
    return [shown for _, shown in _lines(article, company)]


def story_from(ranked: Ranked | list[Article], taxonomy: Taxonomy, lang: str, company: str | None) -> Story:
    """One story as shown; a bare list of articles (e.g. one search hit) is assessed first."""
    if isinstance(ranked, list):
        ranked = assess(ranked, company, taxonomy)
    lead, members = ranked.lead, ranked.members
    unknown = "출처 미상" if lang == "ko" else "outlet unknown"
    outlets = list(dict.fromkeys(a.outlet or unknown for a in [lead, *members]))
    dates = [a.published for a in members if a.published]
    first = min(dates, key=lambda d: d.first_day()) if dates else None
    return Story(lead.id, lead.title, _summary(lead, company), outlets,
                 [lead.id, *(a.id for a in members if a is not lead)], first.iso() if first else None,
                 [taxonomy.company_name(c, lang) for c in lead.company_ids],
                 [taxonomy.theme_label(t, lang) for t in lead.theme_ids], lead.url, mention=not ranked.about)


@lru_cache(maxsize=50_000)
def _terms(sentence: str) -> tuple[str, ...]:
    """A summary sentence's morphemes, analysed once per process (for archives that kept none)."""
    return tuple(morphemes(sentence))


def _sentence_terms(article: Article, kept: str, shown: str) -> Collection[str]:
    """A summary sentence's morphemes as kept at ingest, or (an older archive) analysed now."""
    return article.kept_summary_terms().get(kept) or _terms(shown)


def group_summary(shown: list[Ranked], hidden: list[Ranked], company: str | None) -> list[SummaryLine]:
    """A few sentences the section's story lines do not already say: first what the stories left
    out by max_stories are about (most important first), then what other outlets add to the shown
    ones (the most central of those). A sentence that repeats a shown story's summary, or an earlier
    pick, is skipped; passing mentions add nothing. Sentences are analysed only as far as the choice
    reads them: the other outlets' only when what was left out did not fill the lines."""
    said = [set(_sentence_terms(r.lead, kept, text)) for r in shown for kept, text in _lines(r.lead, company)]
    left_out = [(r.lead, kept, text) for r in hidden if r.about for kept, text in _lines(r.lead, company)[:1]]
    left_out = left_out[:SUMMARY_CANDIDATES]
    lines: list[SummaryLine] = []

    def take(candidates: Iterable[tuple[tuple[str, str], Collection[str]]]) -> bool:
        for candidate, tokens in candidates:
            terms = set(tokens)
            if not terms or any(repeats(terms, u) for u in said):
                continue
            said.append(terms)
            lines.append(SummaryLine(*candidate))
            if len(lines) == GROUP_SUMMARY_SENTENCES:
                return True
        return False

    if take(((text, lead.id), _sentence_terms(lead, kept, text)) for lead, kept, text in left_out):
        return lines
    added = [(other, kept, text) for r in shown if r.about for other in r.members if other is not r.lead
             for kept, text in _lines(other, company)][:SUMMARY_CANDIDATES]
    added_tokens = [_sentence_terms(other, kept, text) for other, kept, text in added]
    scores = rank_sentences([set(t) for t in added_tokens])
    by_centrality = sorted(range(len(added)), key=lambda i: (-scores[i], i))
    take(((added[i][2], added[i][0].id), added_tokens[i]) for i in by_centrality)
    return lines


def section_for(key: str, label: str, articles: list[Article], company: str | None, spec: DigestSpec,
                taxonomy: Taxonomy) -> Section | None:
    if not articles:
        return None
    ranked = rank([assess(members, company, taxonomy) for members in cluster(articles)])
    shown, hidden = ranked[: spec.max_stories], ranked[spec.max_stories:]
    stories = [story_from(r, taxonomy, spec.language, company) for r in shown]
    return Section(key, label, stories, group_summary(shown, hidden, company), len(ranked))


class Composer:
    """Stories per section from the newest `pool` articles of that section (read slim: no text), the
    grid's counts from the store's kept counts (complete for any window). A section holding more
    articles than the pool says so in a note; a keyword spec reads whole documents (it needs the text)."""

    def __init__(self, store: ArchiveStore, taxonomy: Taxonomy, pool: int | None = None,
                 budget: int | None = None):
        self.store = store
        self.taxonomy = taxonomy
        self.pool = budget if budget is not None else MAX_ARTICLES if pool is None else pool
        # A budget (a chat reply's) is shared by the sections: each gets budget / sections, at least
        # MIN_POOL, so a reply's work is bounded whatever its grouping.
        self.budget = budget
        self.capped = False  # a section held more than the pool: the digest must say so

    def _read(self, subset: Subset, spec: DigestSpec, limit: int, probe: bool = False) -> list[Article]:
        """The newest `limit` articles of a subset that the spec takes; marks the digest capped when
        there were more (unless this only `probe`s whether there are any)."""
        if not (spec.include_keywords or spec.exclude_keywords):
            found = self.store.slim_articles(subset, limit + 1)
            self.capped = self.capped or (len(found) > limit and not probe)
            return found[:limit]
        found = self.store.slim_articles(subset, self.pool + 1, full=True)
        self.capped = self.capped or (len(found) > self.pool and not probe)
        return [a for a in found[:self.pool] if _keywords_take(a, spec)][:limit]

    def compose(self, spec: DigestSpec, now: datetime, last_delivery: datetime | None = None,
                as_of: datetime | None = None) -> Digest:
        lang = spec.language
        labels = LABELS[lang]
        period = resolve_window(spec.window, now, last_delivery, as_of=as_of)
        period_label = labels["all"] if period.start is None and period.end is None else period.label()
        since, until = period.date_bounds()
        window = ArticleFilter(since=since, until=until, ingested_after=period.ingested_after,
                               ingested_until=period.ingested_until)
        wanted_companies = tuple(self.taxonomy.resolve_company(c) or c for c in spec.companies)
        wanted_themes = tuple(self.taxonomy.resolve_theme(t) or t for t in spec.themes)
        title = spec.title or labels[spec.group]
        digest = Digest(title, period_label, lang, [], generated_at=now.isoformat(timespec="minutes"))
        if not self._read(Subset(window, wanted_companies, wanted_themes), spec, 1, probe=True):
            digest.empty = True
            digest.empty_message = (labels["empty"].format(since=period.start) if period.start
                                    else labels["empty_all"])
            return digest
        company_ids = list(wanted_companies) or self.taxonomy.company_ids
        theme_ids = list(wanted_themes) or self.taxonomy.theme_ids

        def narrowed(companies: tuple[str, ...] = (), themes: tuple[str, ...] = (), no_theme: bool = False) -> Subset:
            flt = ArticleFilter(companies, themes, since, until, period.ingested_after, period.ingested_until)
            return Subset(flt, wanted_companies, wanted_themes, no_theme)

        if spec.group == "theme":
            keys = [(t, self.taxonomy.theme_label(t, lang), narrowed(themes=(t,)), None) for t in theme_ids]
            if not spec.themes:  # articles with no theme are not silently dropped
                keys.append(("other", labels["other"], narrowed(no_theme=True), None))
        else:
            keys = [(c, self.taxonomy.company_name(c, lang), narrowed(companies=(c,)), c) for c in company_ids]
        if self.budget is not None:
            self.pool = max(MIN_POOL, self.budget // len(keys))
        sections = [section_for(key, label, self._read(subset, spec, self.pool), company, spec, self.taxonomy)
                    for key, label, subset, company in keys]
        # A section holding only passing mentions of its company follows those with stories about theirs.
        found = [s for s in sections if s]
        digest.sections = [s for s in found if s.leads] + [s for s in found if not s.leads]
        if spec.group == "grid":
            digest.grid = self._grid(window, spec, period, company_ids, theme_ids,
                                     Subset(window, wanted_companies, wanted_themes))
        if self.capped:  # never a silent cap: stories come from the newest articles, counts from all
            counts = ("건수는 기간 전체 / counts cover the whole window" if spec.group == "grid" and not
                      (spec.include_keywords or spec.exclude_keywords) else "")
            digest.notes.append(f"이야기는 구역마다 가장 최근 기사 {self.pool:,}건에서 골랐습니다 / stories were "
                                f"chosen from only the newest {self.pool:,} articles of a section: narrow the window "
                                f"to see older ones" + (f"; {counts}" if counts else ""))
        return digest

    def _grid(self, window: ArticleFilter, spec: DigestSpec, period: Period, company_ids: list[str],
              theme_ids: list[str], everything: Subset) -> Grid:
        previous = period.previous()
        before = ArticleFilter(since=previous.start, until=previous.end) if previous else None
        if spec.include_keywords or spec.exclude_keywords:  # the text decides: count what was read
            now_counts = _count(self._read(everything, spec, self.pool))
            old_counts = (_count(self._read(Subset(before, everything.any_companies, everything.any_themes), spec,
                                            self.pool)) if before else None)
        else:  # kept counts: exact for every window, whatever the pool
            now_counts = self.store.grid_counts(window)
            old_counts = self.store.grid_counts(before) if before else None
        cells = {c: {t: GridCell(now_counts.get((c, t), 0), None if old_counts is None else old_counts.get((c, t), 0))
                     for t in theme_ids} for c in company_ids}
        lang = spec.language
        return Grid([(c, self.taxonomy.company_name(c, lang)) for c in company_ids],
                    [(t, self.taxonomy.theme_label(t, lang)) for t in theme_ids], cells,
                    previous.label() if previous else None)


def _count(items: list[Article]) -> dict[tuple[str, str], int]:
    """The grid's counts over articles read (a keyword spec): as the store keeps them otherwise."""
    out: Counter[tuple[str, str]] = Counter()
    for a in items:
        out.update(a.grid_pairs())
    return dict(out)
