"""The storage interface every archive backend implements (SQLite now, PostgreSQL next)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from briefings.models import Article


@dataclass(frozen=True)
class ArticleFilter:
    companies: tuple[str, ...] = ()  # every one must be tagged
    themes: tuple[str, ...] = ()
    since: date | None = None  # inclusive; undated articles never match a date bound
    until: date | None = None  # inclusive
    ingested_after: datetime | None = None  # exclusive: what a since-last digest already covered
    ingested_until: datetime | None = None  # inclusive: a scheduled digest sees the archive as at its slot


@dataclass(frozen=True)
class Phrase:
    """One typed word or quoted phrase. It matches where its morphemes stand in this order, or
    where its joined word forms do (`prefix`: the last form may go on, 광케이블 → 광케이블망), or
    where one of its `splits` stands in order (광 + 케이블 for a 광케이블 that kiwi kept whole)."""

    morphemes: tuple[str, ...]
    forms: tuple[str, ...] = ()
    prefix: bool = False
    splits: tuple[tuple[str, ...], ...] = ()  # other morpheme sequences that mean the same word


@dataclass(frozen=True)
class TextQuery:
    """Words to find: every phrase must match somewhere in the article (AND)."""

    phrases: tuple[Phrase, ...] = ()


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
    def supersede(self, old_id: str, new_id: str) -> None: ...
    def add_article(self, article: Article, source_key: str, raw_hash: str) -> None: ...
    def record_source(self, source: str, raw_hash: str, article_id: str | None, status: str) -> None: ...
    def get(self, article_id: str) -> Article | None: ...
    def search(self, query: TextQuery | None, flt: ArticleFilter, limit: int, offset: int) -> SearchPage: ...
    # Full-text entries written in an older term format (a migration marks them), re-analysed by
    # briefings.search.reindex: the oldest `limit` of them, then their new terms by article id.
    def stale_search_rows(self, limit: int) -> list[Article]: ...
    def reindex_search(self, entries: list[tuple[str, str]]) -> None: ...
    def articles(self, flt: ArticleFilter, limit: int | None = None) -> list[Article]: ...
    def quotes(self, company: str | None, speaker: str | None, limit: int) -> list[tuple[Article, dict]]: ...
    def stats(self) -> dict[str, dict[str, int]]: ...
    def count(self) -> int: ...
    # The delivery ledger (exactly-once posting per channel and scheduled slot).
    def begin_delivery(self, channel: str, slot: datetime, now: datetime, owner: str = "",
                       claim_until: datetime | None = None, owner_gone: Callable[[str], bool] | None = None
                       ) -> str: ...
    def renew_claim(self, channel: str, slot: datetime, owner: str, until: datetime) -> None: ...
    def delivered_parts(self, channel: str, slot: datetime) -> dict[int, str]: ...
    def record_part(self, channel: str, slot: datetime, part: int, ref: str, now: datetime) -> None: ...
    def finish_delivery(self, channel: str, slot: datetime, now: datetime) -> None: ...
    def fail_delivery(self, channel: str, slot: datetime, error: str, now: datetime) -> None: ...
    def unfinished_deliveries(self, channel: str, since: datetime) -> list[datetime]: ...
    def delivery_status(self, channel: str) -> dict[str, str | int | None] | None: ...
    def last_delivered(self, channel: str) -> datetime | None: ...
    def get_state(self, key: str) -> str | None: ...
    def set_state(self, key: str, value: str, now: datetime) -> None: ...
    def close(self) -> None: ...
