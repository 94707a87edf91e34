"""The storage interface every archive backend implements: SQLite (sqlite.py) and PostgreSQL (postgres.py)."""

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


@dataclass(frozen=True)
class Subset:
    """The articles of one digest section: a window narrowed by any-of tag lists (a spec's companies
    or themes match when the article carries at least one of them)."""

    window: ArticleFilter  # dates and arrival bounds; its own companies/themes must all be tagged
    any_companies: tuple[str, ...] = ()  # empty: no condition
    any_themes: tuple[str, ...] = ()  # empty: no condition
    no_theme: bool = False  # only articles with no theme tag at all (a theme digest's "other")


GridCounts = dict[tuple[str, str], int]  # (company id, theme id) -> articles


class ArchiveStore(Protocol):
    def source_seen(self, source: str) -> tuple[str, str | None] | None: ...
    def article_for_raw_hash(self, raw_hash: str) -> str | None: ...
    def article_for_content(self, content_hash: str) -> str | None: ...
    def supersede(self, old_id: str, new_id: str) -> None: ...
    def add_article(self, article: Article, source_key: str, raw_hash: str) -> None: ...
    # Many articles in one transaction (bulk ingest): each (article, source key, raw hash), as add_article.
    def add_articles(self, items: list[tuple[Article, str, str]]) -> None: ...
    def record_source(self, source: str, raw_hash: str, article_id: str | None, status: str) -> None: ...
    def get(self, article_id: str) -> Article | None: ...
    def search(self, query: TextQuery | None, flt: ArticleFilter, limit: int, offset: int) -> SearchPage: ...
    # Full-text entries written in an older term format (a migration marks them), re-analysed by
    # briefings.search.reindex: the oldest `limit` of them, then their new terms by article id.
    def stale_search_rows(self, limit: int) -> list[Article]: ...
    def reindex_search(self, entries: list[tuple[str, str]]) -> None: ...
    def articles(self, flt: ArticleFilter, limit: int | None = None) -> list[Article]: ...
    def quotes(self, company: str | None, speaker: str | None, limit: int) -> list[tuple[Article, dict]]: ...
    # stats: totals by company, theme, outlet, year (of publication, "unknown" when undated) and source
    # status, read from kept counts or indexes: never a pass over every article.
    def stats(self) -> dict[str, dict[str, int]]: ...
    def count(self) -> int: ...
    # -- aggregates and slim reads (what digests, the grid, trends and alerts read at any archive size) --
    # Slim articles of a subset, newest first (the key order search uses), at most `limit`: each an
    # Article built from briefings.store.slim.slim_doc(article) as written at ingest — everything
    # clustering, ranking and a story line read, without paragraph text, evidence spans, people,
    # removed lines or quotes. `full=True` reads whole documents instead (keyword specs need the text).
    def slim_articles(self, subset: Subset, limit: int, full: bool = False) -> list[Article]: ...
    # Counts per (company, theme) as the grid counts them — each theme tag counts once for each of its
    # own `companies`, or for each of the article's companies when it names none — over the articles
    # of a window (dates and arrival bounds; the filter's companies/themes must be empty). Exact at any
    # size, from counts kept at ingest; never reads articles.
    def grid_counts(self, flt: ArticleFilter) -> GridCounts: ...
    # Articles per publication day tagged with a company (kind "company") or a theme (kind "theme"),
    # from `since` to `until` inclusive; days without articles are left out.
    def day_counts(self, kind: str, tag: str, since: date, until: date) -> dict[date, int]: ...
    # How many articles tagged with `company` as being about it (CompanyTag.about) arrived (ingested,
    # compared in UTC) after `start` and up to `end`: the coverage-alert counts.
    def arrival_count(self, company: str, start: datetime, end: datetime) -> int: ...
    # A cheap token that changes whenever an article is added, removed or superseded: result caches
    # key on it. Equal tokens mean the archive's articles are the same.
    def data_version(self) -> tuple[int, ...]: ...
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
    def last_slot(self, channel: str) -> datetime | None: ...  # the newest slot seen, posted or not
    # A named lease (e.g. "scheduler"): exactly one live process holds it. hold_lease takes a free or
    # lapsed lease, or renews one this owner holds, until `until`; False while another owner holds it
    # (unless `owner_gone` says the holder's process is dead: then it is taken at once, as a claim is).
    def hold_lease(self, name: str, owner: str, now: datetime, until: datetime,
                   owner_gone: Callable[[str], bool] | None = None) -> bool: ...
    def release_lease(self, name: str, owner: str) -> None: ...
    def get_state(self, key: str) -> str | None: ...
    def set_state(self, key: str, value: str, now: datetime) -> None: ...
    def close(self) -> None: ...
