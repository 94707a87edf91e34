"""Archive storage behind one interface: SQLite (a file path, the embedded default) or PostgreSQL (a URL)."""

from __future__ import annotations

from pathlib import Path

from briefings.store.base import ArchiveStore, ArticleFilter, Phrase, SearchHit, SearchPage, TextQuery
from briefings.store.location import is_postgres_url
from briefings.store.sqlite import SqliteStore


def open_store(location: str | Path) -> ArchiveStore:
    """`postgresql://…` or `postgres://…` opens PostgreSQL (the password from the URL as given, or from
    libpq's PGPASSWORD / ~/.pgpass); anything else is a SQLite file path."""
    if is_postgres_url(str(location)):
        from briefings.store.postgres import PostgresStore  # psycopg is loaded only for PostgreSQL

        return PostgresStore(str(location))
    return SqliteStore(location)


__all__ = ["ArchiveStore", "ArticleFilter", "Phrase", "SearchHit", "SearchPage", "SqliteStore", "TextQuery",
           "open_store"]
