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

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._rows(sql.replace("?", "%s"), params)  # the shared statements hold no other `?`

    def _moment(self, moment: datetime) -> object:
        return utc_second(moment)

    def _any_of(self, expr: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{expr} = ANY(?)", [list(values)]
