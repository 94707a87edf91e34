"""SQLite archive: one file, WAL, versioned migrations, FTS5 over Korean morphemes."""

from __future__ import annotations

import json
import random
import sqlite3
import time
from datetime import UTC
from importlib import resources
from pathlib import Path

from briefings.models import Article
from briefings.store.aggregates import SqliteAggregates
from briefings.store.base import ArticleFilter, SearchHit, SearchPage, TextQuery
from briefings.store.keys import MAX_SEQ as _MAX_SEQ
from briefings.store.keys import SEQ_BITS as _SEQ_BITS
from briefings.store.keys import day_number, key_range
from briefings.store.ledger import SqliteLedger
from briefings.store.slim import slim_doc

__all__ = ["SqliteStore", "day_number", "fts_match", "key_range", "open_store"]
SLIM_BATCH = 500

def _fts_string(token: str) -> str | None:
    """A token as an FTS5 string: always quoted, so no user text is ever FTS5 syntax."""
    if not any(ch.isalnum() for ch in token):
        return None  # the index's tokenizer keeps nothing of it
    return '"' + token.replace('"', '""') + '"'


def _fts_phrase(tokens: tuple[str, ...], prefix: bool = False) -> str | None:
    parts = [p for p in map(_fts_string, tokens) if p]
    if not parts:
        return None
    return " + ".join(parts) + (" *" if prefix else "")


def fts_match(query: TextQuery) -> str | None:
    """The FTS5 MATCH expression: each phrase by its morphemes in order OR its word forms, all ANDed."""
    groups = []
    for phrase in query.phrases:
        options = [_fts_phrase(phrase.morphemes), _fts_phrase(phrase.forms, phrase.prefix),
                   *(_fts_phrase(split) for split in phrase.splits)]
        options = list(dict.fromkeys(o for o in options if o))
        if options:
            groups.append("(" + " OR ".join(options) + ")")
    return " AND ".join(groups) or None


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("briefings.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class SqliteStore(SqliteAggregates, SqliteLedger):
    """The embedded default store. One connection per instance; safe for one thread at a time."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self._enable_wal()
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    def _enable_wal(self, patience: float = 30.0) -> None:
        """Switching a new file to WAL needs it to itself, and SQLite answers 'locked' at once (no busy
        wait) while another process starting together is doing the same: try again for a while."""
        deadline = time.monotonic() + patience
        delay = 0.005
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.2)

    # -- schema -------------------------------------------------------------------------------
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        """Apply what is missing. The version is read under the write lock, so processes starting
        together on one archive apply each step once (the others wait, then see it done)."""
        if self.schema_version() < max((v for v, _ in _migrations()), default=0):
            self._apply_migrations()
        self._fill_slim()

    def _apply_migrations(self) -> None:
        for version, sql in _migrations():
            with self.transaction() as conn:
                if conn.execute("PRAGMA user_version").fetchone()[0] >= version:
                    continue
                for statement in filter(str.strip, sql.split(";\n")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")

    def _fill_slim(self) -> None:
        """Slim documents for rows written before they were kept (once, after an upgrade; a partial
        index lists only those rows, so an archive that has them all answers at once)."""
        while True:
            with self.transaction() as conn:
                rows = conn.execute("SELECT key, doc FROM articles WHERE slim IS NULL LIMIT ?",
                                    (SLIM_BATCH,)).fetchall()
                conn.executemany("UPDATE articles SET slim = ? WHERE key = ?", [
                    (json.dumps(slim_doc(Article.from_dict(json.loads(doc))), ensure_ascii=False), key)
                    for key, doc in rows])
            if len(rows) < SLIM_BATCH:
                return

    def close(self) -> None:
        self.conn.close()

    # -- ingest -------------------------------------------------------------------------------
    def source_seen(self, source: str) -> tuple[str, str | None] | None:
        row = self.conn.execute("SELECT raw_hash, article_id FROM sources WHERE source = ?", (source,)).fetchone()
        return (row["raw_hash"], row["article_id"]) if row else None

    def article_for_raw_hash(self, raw_hash: str) -> str | None:
        row = self.conn.execute(
            "SELECT article_id FROM sources WHERE raw_hash = ? AND article_id IS NOT NULL", (raw_hash,)).fetchone()
        return row["article_id"] if row else None

    def article_for_content(self, content_hash: str) -> str | None:
        row = self.conn.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return row["id"] if row else None

    def _next_key(self, article: Article) -> int:
        day = day_number(article.published.first_day()) if article.published else 0
        low = day << _SEQ_BITS
        row = self.conn.execute("SELECT max(key) FROM articles WHERE key BETWEEN ? AND ?",
                                (low, low | _MAX_SEQ)).fetchone()
        return low if row[0] is None else row[0] + 1

    def supersede(self, old_id: str, new_id: str) -> None:
        """An article updated at its source: its sources now point at the new version, and the old
        version (tags, quotes, index entry) is removed, so the archive holds the story once."""
        with self.transaction() as conn:
            row = conn.execute("SELECT key FROM articles WHERE id = ?", (old_id,)).fetchone()
            conn.execute("UPDATE sources SET article_id = ? WHERE article_id = ?", (new_id, old_id))
            if row is not None:
                conn.execute("DELETE FROM article_fts WHERE rowid = ?", (row[0],))
                conn.execute("DELETE FROM articles WHERE key = ?", (row[0],))

    def add_article(self, article: Article, source_key: str, raw_hash: str) -> None:
        """Store an article, its tags, quotes, index entry and source in one transaction."""
        self.add_articles([(article, source_key, raw_hash)])

    def add_articles(self, items: list[tuple[Article, str, str]]) -> None:
        """Many articles in one transaction: a bulk ingest commits once per batch, not per article. An
        article whose id or text is already archived is not added again; its source records the duplicate."""
        with self.transaction():
            for article, source_key, raw_hash in items:
                self._insert(article, source_key, raw_hash)

    def _insert(self, article: Article, source_key: str, raw_hash: str) -> None:
        conn = self.conn
        key = self._next_key(article)
        added = conn.execute(
            "INSERT INTO articles(key, id, content_hash, title, published, outlet, ingested_at, doc, ingested_utc,"
            " slim) VALUES (?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%S', ?), ?) ON CONFLICT DO NOTHING",
            (key, article.id, article.content_hash, article.title,
             article.published.iso() if article.published else None, article.outlet, article.ingested_at,
             json.dumps(article.to_dict(), ensure_ascii=False), article.ingested_at,
             json.dumps(slim_doc(article), ensure_ascii=False))).rowcount
        if not added:  # already archived (another process added it first): its source is a duplicate of that
            existing = conn.execute("SELECT id FROM articles WHERE content_hash = ? OR id = ?",
                                    (article.content_hash, article.id)).fetchone()[0]
            self._upsert_source(source_key, raw_hash, existing, "duplicate")
            return
        conn.executemany("INSERT INTO article_companies(company_id, article_key, mentions, about) VALUES (?, ?, ?, ?)",
                         [(c.company, key, c.mentions, int(c.about)) for c in article.companies])
        pairs = article.grid_pairs()
        conn.executemany("INSERT INTO article_grid VALUES (?, ?, ?, ?)",
                         [(key, c, t, n) for (c, t), n in pairs.items()])
        conn.executemany("INSERT INTO article_themes VALUES (?, ?, ?)",
                         [(t.theme, key, t.score) for t in article.themes])
        conn.executemany("INSERT INTO quotes VALUES (?, ?, ?, ?, ?)",
                         [(key, q.speaker, q.role, q.company, q.text) for q in article.quotes])
        conn.execute("INSERT INTO article_fts(rowid, terms) VALUES (?, ?)", (key, article.terms))
        conn.execute("DELETE FROM search_stale WHERE article_key = ?", (key,))
        self._upsert_source(source_key, raw_hash, article.id, "added")

    def _upsert_source(self, source: str, raw_hash: str, article_id: str | None, status: str) -> None:
        self.conn.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, datetime('now')) ON CONFLICT(source) DO UPDATE SET"
            " raw_hash = excluded.raw_hash, article_id = excluded.article_id, status = excluded.status,"
            " seen_at = excluded.seen_at", (source, raw_hash, article_id, status))

    def record_source(self, source: str, raw_hash: str, article_id: str | None, status: str) -> None:
        with self.transaction():
            self._upsert_source(source, raw_hash, article_id, status)

    # -- reads --------------------------------------------------------------------------------
    @staticmethod
    def _article(row: sqlite3.Row) -> Article:
        return Article.from_dict(json.loads(row["doc"]))

    def get(self, article_id: str) -> Article | None:
        """By full id, or by a unique prefix of at least 4 characters."""
        article_id = article_id.strip().lower()
        row = self.conn.execute("SELECT doc FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None and len(article_id) >= 4 and article_id.isalnum():
            # a prefix is an index range on id: [prefix, prefix with its last character moved up one)
            upper = article_id[:-1] + chr(ord(article_id[-1]) + 1)
            rows = self.conn.execute("SELECT doc FROM articles WHERE id >= ? AND id < ? LIMIT 2",
                                     (article_id, upper)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return self._article(row) if row else None

    @staticmethod
    def _filter_sql(flt: ArticleFilter, key_column: str) -> tuple[str, list[object]]:
        clauses, params = [f"{key_column} BETWEEN ? AND ?"], list(key_range(flt))
        for company in flt.companies:
            clauses.append(f"EXISTS (SELECT 1 FROM article_companies c WHERE c.company_id = ?"
                           f" AND c.article_key = {key_column})")
            params.append(company)
        for theme in flt.themes:
            clauses.append(f"EXISTS (SELECT 1 FROM article_themes t WHERE t.theme_id = ?"
                           f" AND t.article_key = {key_column})")
            params.append(theme)
        # Arrival times are compared in UTC (ingested_utc, indexed): offsets in ingested_at vary by clock.
        # A lower bound selects the few recent arrivals by index; an upper bound (a slot) lets nearly
        # everything through, so it is checked per row rather than collected.
        if flt.ingested_after is not None:
            clauses.append(f"{key_column} IN (SELECT key FROM articles WHERE ingested_utc > ?)")
            params.append(flt.ingested_after.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"))
        if flt.ingested_until is not None:
            clauses.append(f"(SELECT ingested_utc FROM articles WHERE key = {key_column}) <= ?")
            params.append(flt.ingested_until.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"))
        return " AND ".join(clauses), params

    def search(self, query: TextQuery | None, flt: ArticleFilter, limit: int, offset: int) -> SearchPage:
        """Newest first. With words, FTS leads (CROSS JOIN) so the planner never re-runs MATCH per row."""
        match = fts_match(query) if query is not None else None
        if query is not None and query.phrases and match is None:
            return SearchPage([], offset, limit, has_more=False)  # words, but none the index could hold
        if match:
            where, params = self._filter_sql(flt, "article_fts.rowid")
            sql = (f"SELECT a.doc FROM article_fts CROSS JOIN articles a ON a.key = article_fts.rowid"
                   f" WHERE article_fts MATCH ? AND {where} ORDER BY article_fts.rowid DESC LIMIT ? OFFSET ?")
            params = [match, *params]
        else:
            where, params = self._filter_sql(flt, "a.key")
            sql = f"SELECT a.doc FROM articles a WHERE {where} ORDER BY a.key DESC LIMIT ? OFFSET ?"
        rows = self.conn.execute(sql, [*params, limit + 1, offset]).fetchall()
        hits = [SearchHit(self._article(r)) for r in rows[:limit]]
        return SearchPage(hits, offset, limit, has_more=len(rows) > limit)

    def stale_search_rows(self, limit: int) -> list[Article]:
        rows = self.conn.execute("SELECT a.doc FROM search_stale s JOIN articles a ON a.key = s.article_key"
                                 " ORDER BY s.article_key LIMIT ?", (limit,)).fetchall()
        return [self._article(r) for r in rows]

    def reindex_search(self, entries: list[tuple[str, str]]) -> None:
        """Replace the full-text entries of these articles (by id) and clear their stale marks."""
        with self.transaction() as conn:
            for article_id, terms in entries:
                row = conn.execute("SELECT key FROM articles WHERE id = ?", (article_id,)).fetchone()
                if row is None:
                    continue
                conn.execute("DELETE FROM article_fts WHERE rowid = ?", (row["key"],))
                conn.execute("INSERT INTO article_fts(rowid, terms) VALUES (?, ?)", (row["key"], terms))
                conn.execute("DELETE FROM search_stale WHERE article_key = ?", (row["key"],))

    def articles(self, flt: ArticleFilter, limit: int | None = None) -> list[Article]:
        where, params = self._filter_sql(flt, "a.key")
        sql = f"SELECT a.doc FROM articles a WHERE {where} ORDER BY a.key DESC LIMIT ?"
        return [self._article(r) for r in self.conn.execute(sql, [*params, limit if limit else -1])]

    def quotes(self, company: str | None, speaker: str | None, limit: int) -> list[tuple[Article, dict]]:
        clauses, params = [], []
        if company:
            clauses.append("q.company_id = ?")
            params.append(company)
        if speaker:
            clauses.append("q.speaker = ?")
            params.append(speaker)
        where = " AND ".join(clauses) or "1"
        rows = self.conn.execute(
            f"SELECT a.doc, q.speaker, q.role, q.company_id, q.text FROM quotes q JOIN articles a"
            f" ON a.key = q.article_key WHERE {where} ORDER BY q.article_key DESC, q.rowid LIMIT ?", [*params, limit])
        return [(self._article(r), {"speaker": r["speaker"], "role": r["role"], "company": r["company_id"],
                                    "text": r["text"]}) for r in rows]


def open_store(path: str | Path) -> SqliteStore:
    return SqliteStore(path)
