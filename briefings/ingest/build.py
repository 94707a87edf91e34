"""Turn one raw article into an archived Article: clean, date, attribute, analyse, tag."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from briefings.analysis.korean import InContext, split_sentences
from briefings.analysis.people import PeopleFinder
from briefings.analysis.tagging import tag_companies, tag_themes
from briefings.analysis.taxonomy import Taxonomy, load_taxonomy
from briefings.digest.fingerprint import article_fingerprint
from briefings.errors import RejectedInput
from briefings.ingest.clean import CleanedText, clean_lines, fold
from briefings.ingest.metadata import OutletMap, attribute, load_outlets, parse_stated_date, published_from_stamps
from briefings.ingest.readers import RawArticle
from briefings.ingest.rules import CompiledRules, load_rules
from briefings.models import Article, Paragraph
from briefings.search import article_terms
from briefings.summarize import story_terms, summarize_article, summary_terms

DERIVED_TITLE_CHARS = 60
MIN_BODY_CHARS = 20
TIME_BUDGET_SECONDS = 30.0  # one article's analysis; a real one takes well under a second


def _language(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    hangul = sum(1 for c in letters if "가" <= c <= "힣")
    if letters and hangul / len(letters) >= 0.2:
        return "ko"
    return "en" if letters and all(c.isascii() for c in letters[:2000]) else "other"


def content_hash(title: str, paragraphs: list[Paragraph]) -> str:
    body = "\n".join(fold(p.text) for p in paragraphs if p.kind != "caption")
    return hashlib.sha256(f"{fold(title)}\n{body}".encode()).hexdigest()


def derive_title(paragraphs: list[Paragraph]) -> str:
    sentences = [s for p in paragraphs if p.kind == "body" for s in p.sentences]
    first = next((s for s in sentences if len(s) >= 15), sentences[0] if sentences else "")
    first = first.rstrip(".")
    return first if len(first) <= DERIVED_TITLE_CHARS else first[: DERIVED_TITLE_CHARS - 1].rstrip() + "…"


def _keep_as_body(paragraphs: list[Paragraph]) -> int:
    """An article whose only text a rule took for captions or sub-heads keeps that text as body:
    one rule firing on the only line must not cost the whole article. Returns the body's size."""
    for para in paragraphs:
        if para.kind in ("caption", "subhead"):
            para.kind = "body"
    return sum(len(p.text) for p in paragraphs if p.kind == "body")


@dataclass
class ArticleBuilder:
    rules: CompiledRules
    outlets: OutletMap
    taxonomy: Taxonomy
    people: PeopleFinder
    time_budget: float = TIME_BUDGET_SECONDS
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    @classmethod
    def from_config(cls, config_dir: Path, taxonomy: Taxonomy | None = None) -> ArticleBuilder:
        taxonomy = taxonomy or load_taxonomy(config_dir)
        return cls(load_rules(config_dir), load_outlets(config_dir), taxonomy, PeopleFinder(taxonomy))

    def _checkpoint(self, raw: RawArticle, started: float, stage: str) -> None:
        """Every stage is linear, but an input may still be huge: past the budget the article is rejected
        with a reason instead of stalling the batch (checked between stages; none can run unbounded)."""
        elapsed = self.clock() - started
        if elapsed > self.time_budget:
            raise RejectedInput(raw.source, f"analysis ran over its time budget ({elapsed:.0f} s > "
                                            f"{self.time_budget:.0f} s, at {stage}): too long or unusual to analyse")

    def clean(self, raw: RawArticle) -> tuple[CleanedText, list[Paragraph]]:
        """The cleaned article's paragraphs, or RejectedInput when no article text is left."""
        cleaned = clean_lines(raw.lines, self.rules, raw.title)
        paragraphs = [Paragraph(i, kind, text) for i, (kind, text) in enumerate(cleaned.paragraphs)]
        paragraphs += [Paragraph(len(paragraphs) + i, "caption", c) for i, c in enumerate(raw.captions)]
        body_chars = sum(len(p.text) for p in paragraphs if p.kind == "body")
        if body_chars < MIN_BODY_CHARS:
            body_chars = _keep_as_body(paragraphs)
        if body_chars < MIN_BODY_CHARS:
            raise RejectedInput(raw.source, f"no article text left after cleaning ({body_chars} characters of body)")
        return cleaned, paragraphs

    def build(self, raw: RawArticle, ingested_at: datetime) -> Article:
        started = self.clock()
        cleaned, paragraphs = self.clean(raw)
        self._checkpoint(raw, started, "cleaning")
        for para in paragraphs:
            para.sentences = split_sentences(para.text) if para.kind == "body" else [para.text]
        self._checkpoint(raw, started, "sentences")
        title, derived = (cleaned.title, False) if cleaned.title else (derive_title(paragraphs), True)

        stated = parse_stated_date(raw.published) if raw.published else None
        stated = stated or published_from_stamps(cleaned.stamps, self.rules.published_labels)
        who = attribute(cleaned.bylines, cleaned.source_urls, self.outlets, stated_outlet=raw.outlet,
                        site_name=raw.site_name, url=raw.url, stated_author=raw.author)
        digest = content_hash(title, paragraphs)
        companies = tag_companies(self.taxonomy, paragraphs, title)
        self._checkpoint(raw, started, "company tags")
        # the whole text exactly as article_terms joins it: analysed once, for themes and the index
        context = InContext.of(title, [(p.index, p.text) for p in paragraphs])
        article = Article(
            id=digest[:12], content_hash=digest, title=title, title_derived=derived, paragraphs=paragraphs,
            reporter=who.reporter, byline=who.byline, outlet=who.outlet, outlet_domain=who.outlet_domain,
            url=raw.url or (cleaned.source_urls[0] if cleaned.source_urls else None),
            published=stated[0] if stated else None, published_time=stated[1] if stated else None,
            ingested_at=ingested_at.isoformat(timespec="seconds"), source=raw.source,
            language=_language(" ".join(p.text for p in paragraphs)),
            companies=companies,
            themes=tag_themes(self.taxonomy, [p for p in paragraphs if p.kind != "caption"], title, companies,
                              context),
            removed=cleaned.removed,
        )
        self._checkpoint(raw, started, "theme tags")
        article.people, article.quotes = self.people.find(paragraphs)
        self._checkpoint(raw, started, "speakers")
        article.summary, article.company_summaries = summarize_article(article, context)
        self._checkpoint(raw, started, "summary")
        article.story_terms = story_terms(article, context)
        article.summary_terms = summary_terms(article, context)
        article.terms = article_terms(article)
        article.fingerprint = article_fingerprint(article)
        return article
