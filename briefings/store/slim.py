"""The slim document of an article: what composing a digest reads, without the 14–37 KB of text.

Clustering, ranking and a story line need the title, dates, outlet, tags, summaries, the title/lead
terms and the MinHash fingerprint; not the paragraphs' text, evidence spans, people, quotes or the
cleaner's removed lines. The body stays as one placeholder paragraph with one empty string per
sentence, so a report's length still counts. An article the analyser did not fully score (an older archive:
no fingerprint or story terms, or a company tag without salience) keeps its paragraphs and evidence,
because ranking and clustering then estimate from the text. Every backend stores this at ingest.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from briefings.models import Article, CompanyTag


def _scored(article: Article) -> bool:
    return bool(article.fingerprint and article.story_terms) and all(t.about or t.salience > 0
                                                                     for t in article.companies)


def _company(tag: CompanyTag, full: bool) -> dict[str, Any]:
    if full:
        return asdict(tag)
    # Clustering reads the evidence texts (the names an article was tagged by, as one string it
    # looks words up in), ranking the verdict: each distinct text once, without its place.
    texts = dict.fromkeys(e.text for e in tag.evidence)
    evidence = [{"term": "", "text": text, "paragraph": 0, "start": 0, "end": 0, "weight": 1.0} for text in texts]
    return {"company": tag.company, "mentions": tag.mentions, "paragraphs": tag.paragraphs,
            "inherited_paragraphs": tag.inherited_paragraphs, "evidence": evidence, "salience": tag.salience,
            "about": tag.about, "sentences": tag.sentences}


def slim_doc(article: Article) -> dict[str, Any]:
    """The slim document (Article.from_dict reads it back) of an article."""
    full = not _scored(article)
    if full:
        paragraphs = [asdict(p) for p in article.paragraphs]
    else:
        # one placeholder body paragraph holding as many (empty) sentences as the body has
        sentences = sum(len(p.sentences) for p in article.paragraphs if p.kind == "body")
        paragraphs = [{"index": 0, "kind": "body", "text": "", "sentences": [""] * sentences}] if sentences else []
    published = article.published
    return {
        "id": article.id, "content_hash": article.content_hash, "title": article.title,
        "title_derived": article.title_derived, "paragraphs": paragraphs,
        "reporter": {"name": article.reporter.name, "email": article.reporter.email},
        "byline": article.byline, "outlet": article.outlet, "outlet_domain": article.outlet_domain,
        "url": article.url, "published": published.iso() if published else None,
        "published_precision": published.precision if published else None,
        "published_time": article.published_time, "ingested_at": article.ingested_at, "source": article.source,
        "language": article.language, "companies": [_company(t, full) for t in article.companies],
        "themes": [{"theme": t.theme, "score": t.score, "evidence": [], "companies": t.companies}
                   for t in article.themes],
        "people": [], "quotes": [], "removed": [], "summary": article.summary,
        "company_summaries": article.company_summaries, "story_terms": article.story_terms,
        "fingerprint": article.fingerprint, "summary_terms": article.summary_terms,
    }
