"""Delivery ledger on SQLite: exactly-once posting per (channel, slot), resumable by part."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Literal

Start = Literal["new", "resume", "done"]


class SqliteLedger:
    """Mixed into SqliteStore; uses its `conn`."""

    conn: sqlite3.Connection

    def _write(self, sql: str, params: tuple) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute(sql, params)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def begin_delivery(self, channel: str, slot: datetime, now: datetime) -> Start:
        """'new' (claimed now), 'resume' (an earlier run stopped part-way) or 'done' (posted)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            row = self.conn.execute("SELECT status FROM deliveries WHERE channel = ? AND slot = ?",
                                    (channel, slot.isoformat())).fetchone()
            if row is None:
                self.conn.execute(
                    "INSERT INTO deliveries(channel, slot, status, started_at) VALUES (?, ?, 'posting', ?)",
                    (channel, slot.isoformat(), now.isoformat()))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        if row is None:
            return "new"
        return "done" if row[0] == "posted" else "resume"

    def delivered_parts(self, channel: str, slot: datetime) -> dict[int, str]:
        rows = self.conn.execute("SELECT part, ref FROM delivery_parts WHERE channel = ? AND slot = ?",
                                 (channel, slot.isoformat()))
        return {part: ref for part, ref in rows}

    def record_part(self, channel: str, slot: datetime, part: int, ref: str, now: datetime) -> None:
        self._write("INSERT INTO delivery_parts VALUES (?, ?, ?, ?, ?)",
                    (channel, slot.isoformat(), part, ref, now.isoformat()))

    def finish_delivery(self, channel: str, slot: datetime, now: datetime) -> None:
        self._write("UPDATE deliveries SET status = 'posted', finished_at = ? WHERE channel = ? AND slot = ?",
                    (now.isoformat(), channel, slot.isoformat()))

    def last_delivered(self, channel: str) -> datetime | None:
        row = self.conn.execute("SELECT max(slot) FROM deliveries WHERE channel = ? AND status = 'posted'",
                                (channel,)).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None
