"""Extractive summaries (placeholder: lead sentences; the ranked summariser replaces it)."""

from __future__ import annotations

from briefings.models import Article


def summarize_article(article: Article) -> tuple[list[str], dict[str, list[str]]]:
    sentences = [s for p in article.body_paragraphs for s in p.sentences]
    return sentences[:3], {}
