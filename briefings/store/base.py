"""The storage interface every archive backend implements (SQLite now, PostgreSQL next)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from briefings.models import Article


@dataclass(frozen=True)
class ArticleFilter:
    companies: tuple[str, ...] = ()  # every one must be tagged
    themes: tuple[str, ...] = ()
    since: date | None = None  # inclusive; undated articles never match a date bound
    until: date | None = None  # inclusive


@dataclass
class SearchHit:
    article: Article


@dataclass
class SearchPage:
    hits: list[SearchHit]
    offset: int
    limit: int
    has_more: bool
    notes: list[str] = field(default_factory=list)


class ArchiveStore(Protocol):
    def source_seen(self, source: str) -> tuple[str, str | None] | None: ...
    def article_for_raw_hash(self, raw_hash: str) -> str | None: ...
    def article_for_content(self, content_hash: str) -> str | None: ...
    def add_article(self, article: Article, source_key: str, raw_hash: str) -> None: ...
    def record_source(self, source: str, raw_hash: str, article_id: str | None, status: str) -> None: ...
    def get(self, article_id: str) -> Article | None: ...
    def search(self, match: str | None, flt: ArticleFilter, limit: int, offset: int) -> SearchPage: ...
    def articles(self, flt: ArticleFilter, limit: int | None = None) -> list[Article]: ...
    def quotes(self, company: str | None, speaker: str | None, limit: int) -> list[tuple[Article, dict]]: ...
    def stats(self) -> dict[str, dict[str, int]]: ...
    def count(self) -> int: ...
    def close(self) -> None: ...
