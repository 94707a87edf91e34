"""PostgreSQL reads that never parse whole documents: kept counts (migration 0002) and slim story rows.

The same answers as briefings/store/aggregates.py gives on SQLite: story rows are found newest first by
walking one tag's primary key (company_id, article_key) backwards — the rarest tag the subset requires,
judged by the kept counts — and checking the other conditions per key, so a read stops after `limit`.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from briefings.models import Article
from briefings.store.aggregates import PARSED
from briefings.store.base import ArticleFilter, GridCounts, Subset
from briefings.store.keys import SEQ_BITS, day_number, day_of, key_range


def utc_second(moment: datetime) -> datetime:
    """A moment in UTC to the second, as the SQLite store compares arrival times."""
    return moment.astimezone(UTC).replace(microsecond=0)


class PostgresAggregates:
    """Mixed into PostgresStore; uses its `_rows` and `_one`."""

    _totals: tuple[tuple[int, ...], dict[tuple[str, str], int]] | None = None
    _parsed: tuple[tuple[int, ...], OrderedDict[int, Article]] | None = None
    _cache_lock = threading.Lock()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        raise NotImplementedError

    def data_version(self) -> tuple[int, ...]:
        return (self._one("SELECT n FROM archive_changes")[0],)

    def count(self) -> int:
        row = self._one("SELECT n FROM tag_days WHERE kind = 'all' AND tag = '' AND day = -1")
        return row[0] if row else 0

    # -- counts ---------------------------------------------------------------------------------
    def grid_counts(self, flt: ArticleFilter) -> GridCounts:
        if flt.companies or flt.themes:
            raise ValueError("grid_counts counts a whole window: its filter names no company or theme")
        low, high = key_range(flt)
        out: GridCounts = {}
        if flt.ingested_after is not None:  # a since-last window: the few articles that arrived in it
            self._add_arrived(out, low, high, flt.ingested_after, flt.ingested_until, 1)
            return out
        days = (-1, -1) if flt.since is None and flt.until is None else (low >> SEQ_BITS, high >> SEQ_BITS)
        for company, theme, n in self._rows(  # day -1: the totals over all days
                "SELECT company_id, theme_id, sum(n) FROM grid_days WHERE day BETWEEN %s AND %s GROUP BY 1, 2", days):
            out[(company, theme)] = n
        if flt.ingested_until is not None:  # as the archive stood then: take back what arrived later
            self._add_arrived(out, low, high, flt.ingested_until, None, -1)
        return {pair: n for pair, n in out.items() if n}

    def _add_arrived(self, out: GridCounts, low: int, high: int, after: datetime, until: datetime | None,
                     sign: int) -> None:
        sql = ("SELECT g.company_id, g.theme_id, sum(g.n) FROM articles a JOIN article_grid g"
               " ON g.article_key = a.key WHERE a.ingested_utc > %s AND a.key BETWEEN %s AND %s")
        params: list[object] = [utc_second(after), low, high]
        if until is not None:
            sql += " AND a.ingested_utc <= %s"
            params.append(utc_second(until))
        for company, theme, n in self._rows(sql + " GROUP BY 1, 2", params):
            out[(company, theme)] = out.get((company, theme), 0) + sign * n

    def day_counts(self, kind: str, tag: str, since: date, until: date) -> dict[date, int]:
        rows = self._rows("SELECT day, n FROM tag_days WHERE kind = %s AND tag = %s AND day BETWEEN %s AND %s"
                          " AND n > 0", (kind, tag, max(1, day_number(since)), day_number(until)))
        return {day: n for number, n in rows if (day := day_of(number))}

    def arrival_count(self, company: str, start: datetime, end: datetime) -> int:
        return self._one(
            "SELECT count(*) FROM articles a JOIN article_companies c ON c.company_id = %s AND c.article_key = a.key"
            " WHERE a.ingested_utc > %s AND a.ingested_utc <= %s AND c.about",
            (company, utc_second(start), utc_second(end)))[0]

    def stats(self) -> dict[str, dict[str, int]]:
        def counts(kind: str) -> dict[str, int]:
            rows = self._rows("SELECT tag, n FROM tag_days WHERE kind = %s AND day = -1 AND n > 0 ORDER BY 2 DESC, 1",
                              (kind,))
            return {str(k): v for k, v in rows}

        years: dict[str, int] = {}
        for number, n in self._rows("SELECT day, n FROM tag_days WHERE kind = 'all' AND day >= 0 AND n > 0"):
            day = day_of(number)
            year = f"{day.year:04d}" if day else "unknown"
            years[year] = years.get(year, 0) + n
        sources = self._rows("SELECT status, n FROM source_counts WHERE n > 0 ORDER BY 1")
        return {"articles": {"total": self.count()}, "company": counts("company"), "theme": counts("theme"),
                "outlet": counts("outlet"), "year": dict(sorted(years.items())),
                "sources": {str(k): v for k, v in sources}}

    # -- slim story rows ------------------------------------------------------------------------
    def _tag_totals(self) -> dict[tuple[str, str], int]:
        """Articles per company and theme over the whole archive: which tag to walk (cached per version)."""
        version = self.data_version()
        if self._totals is None or self._totals[0] != version:
            rows = self._rows("SELECT kind, tag, n FROM tag_days WHERE kind IN ('company', 'theme') AND day = -1")
            self._totals = (version, {(kind, tag): n for kind, tag, n in rows})
        return self._totals[1]

    def slim_articles(self, subset: Subset, limit: int, full: bool = False) -> list[Article]:
        if limit <= 0:
            return []
        keys = self._subset_keys(subset, limit)
        if not keys:
            return []
        if full:
            parsed = self._parse(keys, "doc")
            return [parsed[k] for k in keys if k in parsed]
        # Parsed slim articles are kept while the archive is unchanged (a key names one article until a
        # change, which moves the version); callers only read them. As on SQLite (aggregates.PARSED).
        version = self.data_version()
        with self._cache_lock:  # the store may serve several threads
            if self._parsed is None or self._parsed[0] != version:
                self._parsed = (version, OrderedDict())
            kept = self._parsed[1]
            missing = [k for k in keys if k not in kept]
        parsed = self._parse(missing, "coalesce(slim, doc)")
        with self._cache_lock:
            kept.update(parsed)
            found = []
            for key in keys:
                if key in kept:  # (a key gone since the walk, removed by another process, is left out)
                    kept.move_to_end(key)
                    found.append(kept[key])
            while len(kept) > PARSED:
                kept.popitem(last=False)
        return found

    def _parse(self, keys: list[int], column: str) -> dict[int, Article]:
        if not keys:
            return {}
        rows = self._rows(f"SELECT key, {column} FROM articles WHERE key = ANY(%s)", (keys,))
        return {key: Article.from_dict(json.loads(doc)) for key, doc in rows}

    def _subset_keys(self, subset: Subset, limit: int) -> list[int]:
        flt = subset.window
        low, high = key_range(flt)
        totals = self._tag_totals()
        # Each candidate walk: (estimated size, kind, tags walked one by one and merged).
        walks: list[tuple[int, str, tuple[str, ...]]] = []
        walks += [(totals.get(("company", c), 0), "company", (c,)) for c in flt.companies]
        walks += [(totals.get(("theme", t), 0), "theme", (t,)) for t in flt.themes]
        if subset.any_companies:
            walks.append((sum(totals.get(("company", c), 0) for c in subset.any_companies), "company",
                          subset.any_companies))
        if subset.any_themes:
            walks.append((sum(totals.get(("theme", t), 0) for t in subset.any_themes), "theme", subset.any_themes))
        if flt.ingested_after is not None or not walks:
            return self._walk(subset, None, "", low, high, limit)
        _, kind, tags = min(walks)
        found: set[int] = set()
        for tag in tags:
            found.update(self._walk(subset, kind, tag, low, high, limit))
        return sorted(found, reverse=True)[:limit]

    def _walk(self, subset: Subset, kind: str | None, tag: str, low: int, high: int, limit: int) -> list[int]:
        flt = subset.window
        if kind is None:
            k, sql, params = "a.key", "SELECT a.key FROM articles a WHERE a.key BETWEEN %s AND %s", [low, high]
        else:
            table, column = ("article_companies", "company_id") if kind == "company" else ("article_themes",
                                                                                            "theme_id")
            k = "w.article_key"
            sql = f"SELECT w.article_key FROM {table} w WHERE w.{column} = %s AND w.article_key BETWEEN %s AND %s"
            params = [tag, low, high]
        clauses: list[str] = []
        for company in flt.companies:
            clauses.append(f"EXISTS (SELECT 1 FROM article_companies c WHERE c.company_id = %s"
                           f" AND c.article_key = {k})")
            params.append(company)
        for theme in flt.themes:
            clauses.append(f"EXISTS (SELECT 1 FROM article_themes t WHERE t.theme_id = %s AND t.article_key = {k})")
            params.append(theme)
        for tags, table, column in ((subset.any_companies, "article_companies", "company_id"),
                                    (subset.any_themes, "article_themes", "theme_id")):
            if tags:
                clauses.append(f"EXISTS (SELECT 1 FROM {table} x WHERE x.{column} = ANY(%s) AND x.article_key = {k})")
                params.append(list(tags))
        if subset.no_theme:
            clauses.append(f"NOT EXISTS (SELECT 1 FROM article_themes t WHERE t.article_key = {k})")
        arrival = "a.ingested_utc" if kind is None else f"(SELECT ingested_utc FROM articles WHERE key = {k})"
        for bound, op in ((flt.ingested_after, ">"), (flt.ingested_until, "<=")):
            if bound is not None:
                clauses.append(f"{arrival} {op} %s")
                params.append(utc_second(bound))
        where = "".join(f" AND {c}" for c in clauses)
        return [row[0] for row in self._rows(f"{sql}{where} ORDER BY {k} DESC LIMIT %s", [*params, limit])]
