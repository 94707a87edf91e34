"""PostgreSQL archive: psycopg 3 with a connection pool, versioned migrations under an advisory lock,
and full-text search over kiwi's morphemes as tsvectors ('simple' lexemes, GIN-indexed).

Reads run concurrently on pooled connections; every write is one transaction. Articles, tags and
the newest-first key order are the SQLite store's (see briefings/store/sqlite.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from briefings.errors import BriefingsError
from briefings.models import Article
from briefings.store.base import ArticleFilter, SearchHit, SearchPage, TextQuery
from briefings.store.keys import MAX_SEQ, SEQ_BITS, day_number, key_range
from briefings.store.location import redact
from briefings.store.pg_text import terms_vectors, text_queries
from briefings.store.postgres_aggregates import PostgresAggregates, utc_second
from briefings.store.postgres_ledger import PostgresLedger
from briefings.store.slim import slim_doc

# Advisory lock keys (any constant bigint; they are scoped to the database).
MIGRATION_LOCK = 0x62726965_6D696701
WRITE_LOCK = 0x62726965_77726974  # article keys are max+1 per day: writers of articles take turns
SLIM_BATCH = 500
RECENT = 2000  # index entries a search walks newest first before it treats its words as rare


class StoreError(BriefingsError):
    """The archive database cannot be reached or used; the message never holds a password."""


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("briefings.store") / "migrations_pg"
    return sorted((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8"))
                  for entry in folder.iterdir() if entry.name.endswith(".sql"))


def _text(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; the JSON doc keeps the article exactly (json escapes it).
    return value.replace("\x00", "") if value else value


def _arrival(ingested_at: str) -> datetime:
    moment = datetime.fromisoformat(ingested_at)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).replace(microsecond=0)


_UPSERT_SOURCE = ("INSERT INTO sources VALUES (%s, %s, %s, %s, now()) ON CONFLICT (source) DO UPDATE SET"
                  " raw_hash = excluded.raw_hash, article_id = excluded.article_id, status = excluded.status,"
                  " seen_at = excluded.seen_at")
_INSERTS = {  # in this order: tags, quotes and index entries refer to their article
    "articles": "INSERT INTO articles (key, id, content_hash, title, published, outlet, ingested_at, ingested_utc,"
                " doc, slim) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
    "companies": "INSERT INTO article_companies (company_id, article_key, mentions, about) VALUES (%s, %s, %s, %s)",
    "grid": "INSERT INTO article_grid VALUES (%s, %s, %s, %s)",
    "themes": "INSERT INTO article_themes VALUES (%s, %s, %s)",
    "quotes": "INSERT INTO quotes (article_key, speaker, role, company_id, text) VALUES (%s, %s, %s, %s, %s)",
    "terms": "INSERT INTO article_terms VALUES (%s, %s::tsvector, %s::tsvector)",
    "sources": _UPSERT_SOURCE,
}


def _configure(conn: psycopg.Connection) -> None:
    conn.execute("SET TimeZone TO 'UTC'")  # naive datetimes (leases) mean UTC, whatever the server's zone


class PostgresStore(PostgresAggregates, PostgresLedger):
    """The shared store for teams: several processes on one database. Safe to use from several threads."""

    def __init__(self, url: str, max_connections: int = 4, connect_timeout: float = 30.0):
        self.url = url
        try:  # one direct attempt first: the pool would only say "timed out", this says why
            psycopg.connect(url, connect_timeout=int(connect_timeout)).close()
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {redact(url)}: {exc}") from None
        # check: a connection the server dropped (a restart, an idle timeout) is replaced, not handed out
        self.pool = ConnectionPool(url, min_size=1, max_size=max_connections, kwargs={"autocommit": True},
                                   configure=_configure, check=ConnectionPool.check_connection, open=False,
                                   name="briefings-archive")
        self.pool.open(wait=True, timeout=connect_timeout)
        try:
            self.migrate()
        except BaseException:
            self.pool.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresStore({redact(self.url)!r})"

    # -- plumbing -----------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection]:
        with self.pool.connection() as conn, conn.transaction():
            yield conn

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.pool.connection() as conn:
            return conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self.pool.connection() as conn:
            return conn.execute(sql, params).fetchone()

    def close(self) -> None:
        self.pool.close()

    # -- schema -------------------------------------------------------------------------------
    def schema_version(self) -> int:
        row = self._one("SELECT to_regclass('schema_migrations') IS NOT NULL")
        if not row or not row[0]:
            return 0
        return self._one("SELECT coalesce(max(version), 0) FROM schema_migrations")[0]

    def migrate(self) -> None:
        """Apply what is missing, each step in a transaction holding an advisory lock: the version is
        read inside the lock, so processes starting together apply each step once."""
        steps = _migrations()
        if self.schema_version() < max((v for v, _ in steps), default=0):  # a shortcut: the lock's check counts
            self._apply(steps)
        self._fill_slim()

    def _apply(self, steps: list[tuple[int, str]]) -> None:
        for version, sql in steps:
            with self.transaction() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                             " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
                if conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0] >= version:
                    continue
                conn.execute(sql)
                conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))

    def _fill_slim(self) -> None:
        """Slim documents for rows written before they were kept (once, after an upgrade; a partial
        index lists only those rows, so an archive that has them all answers at once)."""
        while True:
            with self.transaction() as conn:
                rows = conn.execute("SELECT key, doc FROM articles WHERE slim IS NULL ORDER BY key LIMIT %s"
                                    " FOR UPDATE SKIP LOCKED", (SLIM_BATCH,)).fetchall()
                with conn.cursor() as cur:
                    cur.executemany("UPDATE articles SET slim = %s WHERE key = %s", [
                        (json.dumps(slim_doc(Article.from_dict(json.loads(doc))), ensure_ascii=False), key)
                        for key, doc in rows])
            if len(rows) < SLIM_BATCH:
                return

    # -- ingest -------------------------------------------------------------------------------
    def source_seen(self, source: str) -> tuple[str, str | None] | None:
        row = self._one("SELECT raw_hash, article_id FROM sources WHERE source = %s", (_text(source),))
        return (row[0], row[1]) if row else None

    def article_for_raw_hash(self, raw_hash: str) -> str | None:
        row = self._one("SELECT article_id FROM sources WHERE raw_hash = %s AND article_id IS NOT NULL LIMIT 1",
                        (_text(raw_hash),))
        return row[0] if row else None

    def article_for_content(self, content_hash: str) -> str | None:
        row = self._one("SELECT id FROM articles WHERE content_hash = %s", (_text(content_hash),))
        return row[0] if row else None

    def supersede(self, old_id: str, new_id: str) -> None:
        """An article updated at its source: its sources point at the new version; the old one (tags,
        quotes, index entry, by cascade) is removed, so the archive holds the story once."""
        with self.transaction() as conn:
            # Kept counts move by trigger: writers of articles take turns, so two never wait on each other.
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            conn.execute("UPDATE sources SET article_id = %s WHERE article_id = %s", (new_id, old_id))
            conn.execute("DELETE FROM articles WHERE id = %s", (old_id,))

    def add_article(self, article: Article, source_key: str, raw_hash: str) -> None:
        self.add_articles([(article, source_key, raw_hash)])

    def add_articles(self, items: list[tuple[Article, str, str]]) -> None:
        """Store articles with tags, quotes, index entries and sources in one transaction, a statement
        per table for the whole batch. An article whose id or text is already archived (another process
        added it first, or it repeats in the batch) is not added again: its source is recorded as a
        duplicate of the archived one."""
        if not items:
            return
        with self.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))  # then nothing changes under us
            archived: dict[str, str] = {}
            for article_id, digest in conn.execute(
                    "SELECT id, content_hash FROM articles WHERE content_hash = ANY(%s) OR id = ANY(%s)",
                    ([a.content_hash for a, _, _ in items], [a.id for a, _, _ in items])):
                archived[digest] = archived[article_id] = article_id
            days = sorted({day_number(a.published.first_day()) if a.published else 0 for a, _, _ in items})
            next_keys = {day: (day << SEQ_BITS) if top is None else top + 1 for day, top in conn.execute(
                "SELECT d, (SELECT max(key) FROM articles WHERE key BETWEEN d << %s AND (d << %s) | %s)"
                " FROM unnest(%s::bigint[]) AS d", (SEQ_BITS, SEQ_BITS, MAX_SEQ, days))}
            rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _INSERTS}
            for article, source_key, raw_hash in items:
                known = archived.get(article.content_hash) or archived.get(article.id)
                if known:
                    rows["sources"].append((_text(source_key), _text(raw_hash), known, "duplicate"))
                    continue
                self._rows_of(article, next_keys, rows)
                archived[article.content_hash] = archived[article.id] = article.id
                rows["sources"].append((_text(source_key), _text(raw_hash), _text(article.id), "added"))
            with conn.cursor() as cur:
                for table, sql in _INSERTS.items():
                    if rows[table]:
                        cur.executemany(sql, rows[table])

    @staticmethod
    def _rows_of(article: Article, next_keys: dict[int, int], rows: dict[str, list[tuple[Any, ...]]]) -> None:
        day = day_number(article.published.first_day()) if article.published else 0
        key = next_keys[day]
        next_keys[day] = key + 1
        rows["articles"].append((key, _text(article.id), _text(article.content_hash), _text(article.title),
                                 article.published.iso() if article.published else None, _text(article.outlet),
                                 _text(article.ingested_at), _arrival(article.ingested_at),
                                 json.dumps(article.to_dict(), ensure_ascii=False),
                                 json.dumps(slim_doc(article), ensure_ascii=False)))
        rows["companies"] += [(_text(c.company), key, c.mentions, c.about) for c in article.companies]
        pairs = article.grid_pairs()
        rows["grid"] += [(key, _text(c), _text(t), n) for (c, t), n in pairs.items()]
        rows["themes"] += [(_text(t.theme), key, t.score) for t in article.themes]
        rows["quotes"] += [(key, _text(q.speaker), _text(q.role), _text(q.company), _text(q.text) or "")
                           for q in article.quotes]
        rows["terms"].append((key, *terms_vectors(article.terms)))

    def record_source(self, source: str, raw_hash: str, article_id: str | None, status: str) -> None:
        with self.transaction() as conn:
            conn.execute(_UPSERT_SOURCE, (_text(source), _text(raw_hash), _text(article_id), status))

    # -- reads --------------------------------------------------------------------------------
    @staticmethod
    def _articles(rows: list[tuple[Any, ...]]) -> list[Article]:
        return [Article.from_dict(json.loads(row[0])) for row in rows]

    def get(self, article_id: str) -> Article | None:
        """By full id, or by a unique prefix of at least 4 characters."""
        article_id = article_id.strip().lower()
        if "\x00" in article_id:
            return None
        rows = self._rows("SELECT doc FROM articles WHERE id = %s", (article_id,))
        if not rows and len(article_id) >= 4 and article_id.isalnum():  # alphanumeric: no LIKE wildcard
            rows = self._rows("SELECT doc FROM articles WHERE id LIKE %s LIMIT 2", (article_id + "%",))
        return self._articles(rows)[0] if len(rows) == 1 else None

    @staticmethod
    def _filter_sql(flt: ArticleFilter, key_column: str = "a.key") -> tuple[str, list[Any]]:
        # With words, the key range is put on the index entry's key: PostgreSQL does not carry a range
        # across a join, and the planner may walk article_terms backwards by key, stopping at the limit.
        clauses, params = [f"{key_column} BETWEEN %s AND %s"], list(key_range(flt))
        for company in flt.companies:
            clauses.append("EXISTS (SELECT 1 FROM article_companies c WHERE c.company_id = %s"
                           " AND c.article_key = a.key)")
            params.append(company)
        for theme in flt.themes:
            clauses.append("EXISTS (SELECT 1 FROM article_themes t WHERE t.theme_id = %s AND t.article_key = a.key)")
            params.append(theme)
        for bound, op in ((flt.ingested_after, ">"), (flt.ingested_until, "<=")):
            if bound is not None:
                clauses.append(f"a.ingested_utc {op} %s")
                params.append(utc_second(bound))
        return " AND ".join(clauses), params

    def search(self, query: TextQuery | None, flt: ArticleFilter, limit: int, offset: int) -> SearchPage:
        """Newest first; each phrase matches on the morpheme vector or the form vector, all ANDed.

        With words, two plans: the newest RECENT index entries of the date range are walked in key
        order (a common word fills the page at once); when they hold too few hits, the word is rare
        and its hits are collected through the GIN indexes, then sorted. The page is the same either
        way: hits among the newest entries are the newest hits."""
        queries = text_queries(query) if query is not None else []
        if query is not None and query.phrases and not queries:
            return SearchPage([], offset, limit, has_more=False)  # words, but none the index could hold
        where, params = self._filter_sql(flt, "t.article_key" if queries else "a.key")
        if not queries:
            sql = f"SELECT a.doc FROM articles a WHERE {where} ORDER BY a.key DESC LIMIT %s OFFSET %s"
            return self._page(self._rows(sql, [*params, limit + 1, offset]), limit, offset)
        match = " AND ".join(["(t.morphemes @@ %s::tsquery OR t.forms @@ %s::tsquery)"] * len(queries))
        match_params = [q for q in queries for _ in range(2)]
        low, high = key_range(flt)
        recent = (f"SELECT a.doc FROM (SELECT article_key FROM article_terms WHERE article_key BETWEEN %s AND %s"
                  f" ORDER BY article_key DESC LIMIT %s) r JOIN article_terms t ON t.article_key = r.article_key"
                  f" JOIN articles a ON a.key = t.article_key WHERE {match} AND {where}"
                  f" ORDER BY t.article_key DESC LIMIT %s OFFSET %s")
        rows = self._rows(recent, [low, high, RECENT, *match_params, *params, limit + 1, offset])
        if len(rows) <= limit and self._more_than_recent(low, high):
            # MATERIALIZED: the hits come from the GIN indexes, never from a key walk. (A date range of
            # fewer than RECENT entries was walked whole: its page is complete, however common the word.)
            rare = (f"WITH hits AS MATERIALIZED (SELECT t.article_key FROM article_terms t WHERE {match})"
                    f" SELECT a.doc FROM hits JOIN article_terms t ON t.article_key = hits.article_key"
                    f" JOIN articles a ON a.key = t.article_key WHERE {where}"
                    f" ORDER BY t.article_key DESC LIMIT %s OFFSET %s")
            rows = self._rows(rare, [*match_params, *params, limit + 1, offset])
        return self._page(rows, limit, offset)

    def _more_than_recent(self, low: int, high: int) -> bool:
        """Whether the date range holds more index entries than a search walks newest first."""
        row = self._one("SELECT count(*) FROM (SELECT 1 FROM article_terms WHERE article_key BETWEEN %s AND %s"
                        " LIMIT %s) r", (low, high, RECENT + 1))
        return bool(row) and row[0] > RECENT

    def _page(self, rows: list[tuple[Any, ...]], limit: int, offset: int) -> SearchPage:
        hits = [SearchHit(article) for article in self._articles(rows[:limit])]
        return SearchPage(hits, offset, limit, has_more=len(rows) > limit)

    def stale_search_rows(self, limit: int) -> list[Article]:
        return self._articles(self._rows("SELECT a.doc FROM search_stale s JOIN articles a ON a.key = s.article_key"
                                         " ORDER BY s.article_key LIMIT %s", (limit,)))

    def reindex_search(self, entries: list[tuple[str, str]]) -> None:
        """Replace the full-text entries of these articles (by id) and clear their stale marks."""
        with self.transaction() as conn:
            for article_id, terms in entries:
                row = conn.execute("SELECT key FROM articles WHERE id = %s", (article_id,)).fetchone()
                if row is None:
                    continue
                conn.execute("INSERT INTO article_terms VALUES (%s, %s::tsvector, %s::tsvector) ON CONFLICT"
                             " (article_key) DO UPDATE SET morphemes = excluded.morphemes, forms = excluded.forms",
                             (row[0], *terms_vectors(terms)))
                conn.execute("DELETE FROM search_stale WHERE article_key = %s", (row[0],))

    def articles(self, flt: ArticleFilter, limit: int | None = None) -> list[Article]:
        where, params = self._filter_sql(flt)
        return self._articles(self._rows(f"SELECT a.doc FROM articles a WHERE {where} ORDER BY a.key DESC LIMIT %s",
                                         [*params, limit or None]))

    def quotes(self, company: str | None, speaker: str | None, limit: int) -> list[tuple[Article, dict]]:
        clauses, params = ["TRUE"], []
        if company:
            clauses.append("q.company_id = %s")
            params.append(company)
        if speaker:
            clauses.append("q.speaker = %s")
            params.append(speaker)
        rows = self._rows(f"SELECT a.doc, q.speaker, q.role, q.company_id, q.text FROM quotes q JOIN articles a"
                          f" ON a.key = q.article_key WHERE {' AND '.join(clauses)} ORDER BY q.article_key DESC, q.seq"
                          f" LIMIT %s", [*params, limit])
        return [(article, {"speaker": r[1], "role": r[2], "company": r[3], "text": r[4]})
                for article, r in zip(self._articles(rows), rows, strict=True)]
