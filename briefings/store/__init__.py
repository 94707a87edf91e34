"""Archive storage behind one interface; SQLite is the embedded default."""

from briefings.store.base import ArchiveStore, ArticleFilter, SearchHit, SearchPage
from briefings.store.sqlite import SqliteStore, open_store

__all__ = ["ArchiveStore", "ArticleFilter", "SearchHit", "SearchPage", "SqliteStore", "open_store"]
