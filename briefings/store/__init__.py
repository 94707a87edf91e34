"""Archive storage behind one interface; SQLite is the embedded default."""

from briefings.store.base import ArchiveStore, ArticleFilter, Phrase, SearchHit, SearchPage, TextQuery
from briefings.store.sqlite import SqliteStore, open_store

__all__ = ["ArchiveStore", "ArticleFilter", "Phrase", "SearchHit", "SearchPage", "SqliteStore", "TextQuery",
           "open_store"]
