"""PostgreSQL's dialect for the kept counts and slim story rows (briefings/store/aggregates.py, migration 0002)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from briefings.store.aggregates import KeptReads


def utc_second(moment: datetime) -> datetime:
    """A moment in UTC to the second, as the SQLite store compares arrival times."""
    return moment.astimezone(UTC).replace(microsecond=0)


class PostgresAggregates(KeptReads):
    """Mixed into PostgresStore; uses its `_rows`."""

    url: str

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _archive_name(self) -> tuple[str, tuple[object, ...]]:
        # The database's oid and the server's start: a database or server made anew at the same URL
        # is another archive. (The URL is a key in memory only: never shown or logged.)
        identity = self.__dict__.get("_identity")
        if identity is None:
            rows = self._rows("SELECT d.oid::bigint, extract(epoch FROM pg_postmaster_start_time())::float8 "
                              "FROM pg_database d WHERE d.datname = current_database()")
            identity = self.__dict__["_identity"] = tuple(rows[0]) if rows else ()
        return f"postgresql:{self.url}", identity

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._rows(sql.replace("?", "%s"), params)  # the shared statements hold no other `?`

    def _moment(self, moment: datetime) -> object:
        return utc_second(moment)

    def _any_of(self, expr: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{expr} = ANY(?)", [list(values)]
