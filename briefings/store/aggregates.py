"""Reads that never parse whole documents: kept counts (SQLite migration 0008, PostgreSQL 0002) and slim
story rows, written once for both stores; each store says how it runs a statement and its dialect.

Story rows are found newest first by walking one tag's primary key (company_id, article_key) or
(theme_id, article_key) backwards — the rarest tag the subset requires, judged by the kept counts —
and checking the other conditions per key, so a read stops after `limit` rows at any archive size.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from briefings.models import Article
from briefings.store.base import ArticleFilter, GridCounts, Subset
from briefings.store.keys import SEQ_BITS, day_number, day_of, key_range

PARSED = 5000  # slim articles kept parsed per archive in a process (~30 MB): chat digests read the same newest


# Parsed slim articles by where the archive lives (see KeptReads._archive_name): which database
# there and which version of it they are of, and the last PARSED of them (least recently used first).
_PARSED_BY_ARCHIVE: dict[str, tuple[tuple[object, ...], OrderedDict[int, Article]]] = {}


class KeptReads:
    """Mixed into a store. Statements use `?` placeholders; the store's hooks run them in its dialect."""

    ARRIVAL_INDEX = ""  # a planner hint for walking arrivals, where the database takes one
    LEADING_JOIN = "JOIN"  # the join that keeps its left table first
    _totals: tuple[tuple[int, ...], dict[tuple[str, str], int]] | None = None
    _cache_lock = threading.Lock()  # a store may serve several threads, and the parsed rows are shared

    # -- the store's dialect --------------------------------------------------------------------
    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def _moment(self, moment: datetime) -> object:
        """An arrival bound as the ingested_utc column holds it."""
        raise NotImplementedError

    def _any_of(self, expr: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """`expr` is one of `values`: the condition and its parameters."""
        raise NotImplementedError

    def _archive_name(self) -> tuple[str, tuple[object, ...]]:
        """Where the archive this store reads lives, and which database is there now (a file or a
        database made anew at the same place is another): the stores of one archive in a process
        (the bot's readers) share its parsed slim rows. By default a store shares with no other."""
        if "_own_name" not in self.__dict__:
            self.__dict__["_own_name"] = f"store:{uuid.uuid4().hex}"
        return self.__dict__["_own_name"], ()

    # -- counts ---------------------------------------------------------------------------------
    def data_version(self) -> tuple[int, ...]:
        return (self._query("SELECT n FROM archive_changes")[0][0],)

    def count(self) -> int:
        rows = self._query("SELECT n FROM tag_days WHERE kind = 'all' AND tag = '' AND day = -1")
        return rows[0][0] if rows else 0

    def grid_counts(self, flt: ArticleFilter) -> GridCounts:
        if flt.companies or flt.themes:
            raise ValueError("grid_counts counts a whole window: its filter names no company or theme")
        low, high = key_range(flt)
        out: GridCounts = {}
        if flt.ingested_after is not None:  # a since-last window: the few articles that arrived in it
            self._add_arrived(out, low, high, flt.ingested_after, flt.ingested_until, 1)
            return out
        days = (-1, -1) if flt.since is None and flt.until is None else (low >> SEQ_BITS, high >> SEQ_BITS)
        for company, theme, n in self._query(  # day -1: the totals over all days
                "SELECT company_id, theme_id, sum(n) FROM grid_days WHERE day BETWEEN ? AND ? GROUP BY 1, 2", days):
            out[(company, theme)] = n
        if flt.ingested_until is not None:  # as the archive stood then: take back what arrived later
            self._add_arrived(out, low, high, flt.ingested_until, None, -1)
        return {pair: n for pair, n in out.items() if n}

    def _add_arrived(self, out: GridCounts, low: int, high: int, after: datetime, until: datetime | None,
                     sign: int) -> None:
        # The arrivals first: a planner left alone may walk the key range (the whole archive) instead.
        sql = (f"SELECT g.company_id, g.theme_id, sum(g.n) FROM articles a{self.ARRIVAL_INDEX}"
               f" {self.LEADING_JOIN} article_grid g ON g.article_key = a.key"
               " WHERE a.ingested_utc > ? AND a.key BETWEEN ? AND ?")
        params: list[object] = [self._moment(after), low, high]
        if until is not None:
            sql += " AND a.ingested_utc <= ?"
            params.append(self._moment(until))
        for company, theme, n in self._query(sql + " GROUP BY 1, 2", params):
            out[(company, theme)] = out.get((company, theme), 0) + sign * n

    def day_counts(self, kind: str, tag: str, since: date, until: date) -> dict[date, int]:
        rows = self._query("SELECT day, n FROM tag_days WHERE kind = ? AND tag = ? AND day BETWEEN ? AND ?"
                           " AND n > 0", (kind, tag, max(1, day_number(since)), day_number(until)))
        return {day: n for number, n in rows if (day := day_of(number))}

    def arrival_count(self, company: str, start: datetime, end: datetime) -> int:
        return self._query(
            f"SELECT count(*) FROM articles a {self.LEADING_JOIN} article_companies c ON c.company_id = ? AND"
            " c.article_key = a.key WHERE a.ingested_utc > ? AND a.ingested_utc <= ? AND c.about",
            (company, self._moment(start), self._moment(end)))[0][0]

    def stats(self) -> dict[str, dict[str, int]]:
        def counts(kind: str) -> dict[str, int]:
            rows = self._query("SELECT tag, n FROM tag_days WHERE kind = ? AND day = -1 AND n > 0"
                               " ORDER BY 2 DESC, 1", (kind,))
            return {str(k): v for k, v in rows}

        years: dict[str, int] = {}
        for number, n in self._query("SELECT day, n FROM tag_days WHERE kind = 'all' AND day >= 0 AND n > 0"):
            day = day_of(number)
            year = f"{day.year:04d}" if day else "unknown"
            years[year] = years.get(year, 0) + n
        sources = self._query("SELECT status, n FROM source_counts WHERE n > 0 ORDER BY 1")
        return {"articles": {"total": self.count()}, "company": counts("company"), "theme": counts("theme"),
                "outlet": counts("outlet"), "year": dict(sorted(years.items())),
                "sources": {str(k): v for k, v in sources}}

    # -- slim story rows ------------------------------------------------------------------------
    def _tag_totals(self) -> dict[tuple[str, str], int]:
        """Articles per company and theme over the whole archive: which tag to walk (cached per version)."""
        version = self.data_version()
        if self._totals is None or self._totals[0] != version:
            rows = self._query("SELECT kind, tag, n FROM tag_days WHERE kind IN ('company', 'theme') AND day = -1")
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
        # Parsed slim articles are kept while the archive is unchanged (a key names one article until
        # a change, which moves the version), one set per archive in the process; callers only read
        # them, so the bot's readers hand out the same objects (and clustering reuses their features).
        home, identity = self._archive_name()
        version = (*identity, *self.data_version())
        with self._cache_lock:
            entry = _PARSED_BY_ARCHIVE.get(home)
            if entry is None or entry[0] != version:
                entry = _PARSED_BY_ARCHIVE[home] = (version, OrderedDict())
            kept = entry[1]
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
        condition, params = self._any_of("key", keys)
        rows = self._query(f"SELECT key, {column} FROM articles WHERE {condition}", params)
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
            # Arrival-bounded (since-last): walk the arrivals, not every key back to a late one's old date.
            hint = self.ARRIVAL_INDEX if flt.ingested_after is not None else ""
            k, sql, params = "a.key", f"SELECT a.key FROM articles a{hint} WHERE a.key BETWEEN ? AND ?", [low, high]
        else:
            table, column = ("article_companies", "company_id") if kind == "company" else ("article_themes",
                                                                                            "theme_id")
            k = "w.article_key"
            sql = f"SELECT w.article_key FROM {table} w WHERE w.{column} = ? AND w.article_key BETWEEN ? AND ?"
            params = [tag, low, high]
        clauses: list[str] = []
        for company in flt.companies:
            clauses.append(f"EXISTS (SELECT 1 FROM article_companies c WHERE c.company_id = ? AND c.article_key = {k})")
            params.append(company)
        for theme in flt.themes:
            clauses.append(f"EXISTS (SELECT 1 FROM article_themes t WHERE t.theme_id = ? AND t.article_key = {k})")
            params.append(theme)
        for tags, table, column in ((subset.any_companies, "article_companies", "company_id"),
                                    (subset.any_themes, "article_themes", "theme_id")):
            if tags:
                condition, values = self._any_of(f"x.{column}", tags)
                clauses.append(f"EXISTS (SELECT 1 FROM {table} x WHERE {condition} AND x.article_key = {k})")
                params.extend(values)
        if subset.no_theme:
            clauses.append(f"NOT EXISTS (SELECT 1 FROM article_themes t WHERE t.article_key = {k})")
        arrival = "a.ingested_utc" if kind is None else f"(SELECT ingested_utc FROM articles WHERE key = {k})"
        for bound, op in ((flt.ingested_after, ">"), (flt.ingested_until, "<=")):
            if bound is not None:
                clauses.append(f"{arrival} {op} ?")
                params.append(self._moment(bound))
        where = "".join(f" AND {c}" for c in clauses)
        return [row[0] for row in self._query(f"{sql}{where} ORDER BY {k} DESC LIMIT ?", [*params, limit])]


class SqliteAggregates(KeptReads):
    """SQLite's dialect for KeptReads; uses the store's `conn`."""

    conn: sqlite3.Connection
    path: str
    ARRIVAL_INDEX = " INDEXED BY articles_ingested_utc"
    LEADING_JOIN = "CROSS JOIN"  # SQLite's way to keep the written join order

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.conn.execute(sql, params).fetchall()

    def _archive_name(self) -> tuple[str, tuple[object, ...]]:
        if self.path == ":memory:" or not self.path:
            return super()._archive_name()  # each in-memory database is its own
        try:
            found = os.stat(self.path)
        except OSError:
            return super()._archive_name()
        # a file made anew has another inode or change time (a checkpoint moves the time too: then
        # the rows are parsed again, which is only slower)
        return f"sqlite:{os.path.realpath(self.path)}", (found.st_dev, found.st_ino, found.st_ctime_ns)

    def _moment(self, moment: datetime) -> object:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")

    def _any_of(self, expr: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{expr} IN ({','.join('?' * len(values))})", list(values)
