"""SQLite archive: one file, WAL, versioned migrations, FTS5 over Korean morphemes."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import UTC, date
from importlib import resources
from pathlib import Path

from briefings.models import Article
from briefings.store.base import ArticleFilter, SearchHit, SearchPage, TextQuery
from briefings.store.ledger import SqliteLedger

_EPOCH = date(1900, 1, 1)
_SEQ_BITS = 20
_MAX_SEQ = (1 << _SEQ_BITS) - 1


def day_number(day: date) -> int:
    return (day - _EPOCH).days + 1


def key_range(flt: ArticleFilter) -> tuple[int, int]:
    """The article-key range a date filter allows (undated articles sit at day 0)."""
    low = day_number(flt.since) << _SEQ_BITS if flt.since else 0
    high = (day_number(flt.until) << _SEQ_BITS) | _MAX_SEQ if flt.until else (1 << 62)
    if flt.since or flt.until:
        low = max(low, 1 << _SEQ_BITS)
    return low, high


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


class SqliteStore(SqliteLedger):
    """The embedded default store. One connection per instance; safe for one thread at a time."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    # -- schema -------------------------------------------------------------------------------
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        """Apply what is missing. The version is read under the write lock, so processes starting
        together on one archive apply each step once (the others wait, then see it done)."""
        if self.schema_version() >= max((v for v, _ in _migrations()), default=0):
            return
        for version, sql in _migrations():
            with self.transaction() as conn:
                if conn.execute("PRAGMA user_version").fetchone()[0] >= version:
                    continue
                for statement in filter(str.strip, sql.split(";\n")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")

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
            "INSERT INTO articles(key, id, content_hash, title, published, outlet, ingested_at, doc, ingested_utc)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%S', ?)) ON CONFLICT DO NOTHING",
            (key, article.id, article.content_hash, article.title,
             article.published.iso() if article.published else None, article.outlet, article.ingested_at,
             json.dumps(article.to_dict(), ensure_ascii=False), article.ingested_at)).rowcount
        if not added:  # already archived (another process added it first): its source is a duplicate of that
            existing = conn.execute("SELECT id FROM articles WHERE content_hash = ? OR id = ?",
                                    (article.content_hash, article.id)).fetchone()[0]
            self._upsert_source(source_key, raw_hash, existing, "duplicate")
            return
        conn.executemany("INSERT INTO article_companies VALUES (?, ?, ?)",
                         [(c.company, key, c.mentions) for c in article.companies])
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
            rows = self.conn.execute("SELECT doc FROM articles WHERE id LIKE ? LIMIT 2", (article_id + "%",)).fetchall()
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
        for bound, op in ((flt.ingested_after, ">"), (flt.ingested_until, "<=")):
            if bound is not None:
                clauses.append(f"{key_column} IN (SELECT key FROM articles WHERE ingested_utc {op} ?)")
                params.append(bound.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"))
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
            f" ON a.key = q.article_key WHERE {where} ORDER BY a.key DESC, q.rowid LIMIT ?", [*params, limit])
        return [(self._article(r), {"speaker": r["speaker"], "role": r["role"], "company": r["company_id"],
                                    "text": r["text"]}) for r in rows]

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def stats(self) -> dict[str, dict[str, int]]:
        def counts(sql: str) -> dict[str, int]:
            return {str(k): v for k, v in self.conn.execute(sql)}

        years = Counter((p or "unknown")[:4] if p else "unknown" for (p,) in
                        self.conn.execute("SELECT published FROM articles"))
        return {
            "articles": {"total": self.count()},
            "company": counts("SELECT company_id, count(*) FROM article_companies GROUP BY 1 ORDER BY 2 DESC, 1"),
            "theme": counts("SELECT theme_id, count(*) FROM article_themes GROUP BY 1 ORDER BY 2 DESC, 1"),
            "outlet": counts(
                "SELECT coalesce(outlet, 'unknown'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1"),
            "year": dict(sorted(years.items())),
            "sources": counts("SELECT status, count(*) FROM sources GROUP BY 1 ORDER BY 1"),
        }


def open_store(path: str | Path) -> SqliteStore:
    return SqliteStore(path)
