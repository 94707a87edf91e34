"""Delivery ledger on SQLite: exactly-once posting per (channel, slot), resumable by part; plus bot state."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from briefings.store.transactions import Transactional

Start = Literal["new", "resume", "done"]


class SqliteLedger(Transactional):
    """Mixed into SqliteStore; uses its `conn`."""

    def begin_delivery(self, channel: str, slot: datetime, now: datetime) -> Start:
        """'new' (claimed now), 'resume' (an earlier run stopped part-way) or 'done' (posted)."""
        with self.transaction() as conn:
            row = conn.execute("SELECT status FROM deliveries WHERE channel = ? AND slot = ?",
                               (channel, slot.isoformat())).fetchone()
            if row is None:
                conn.execute("INSERT INTO deliveries(channel, slot, status, started_at) VALUES (?, ?, 'posting', ?)",
                             (channel, slot.isoformat(), now.isoformat()))
        if row is None:
            return "new"
        return "done" if row[0] == "posted" else "resume"

    def delivered_parts(self, channel: str, slot: datetime) -> dict[int, str]:
        rows = self.conn.execute("SELECT part, ref FROM delivery_parts WHERE channel = ? AND slot = ?",
                                 (channel, slot.isoformat()))
        return {part: ref for part, ref in rows}

    def record_part(self, channel: str, slot: datetime, part: int, ref: str, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO delivery_parts VALUES (?, ?, ?, ?, ?)",
                         (channel, slot.isoformat(), part, ref, now.isoformat()))

    def finish_delivery(self, channel: str, slot: datetime, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE deliveries SET status = 'posted', finished_at = ? WHERE channel = ? AND slot = ?",
                         (now.isoformat(), channel, slot.isoformat()))

    def last_delivered(self, channel: str) -> datetime | None:
        row = self.conn.execute("SELECT max(slot) FROM deliveries WHERE channel = ? AND status = 'posted'",
                                (channel,)).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def last_slot(self, channel: str) -> datetime | None:
        """The newest slot this channel's ledger has seen, posted or not."""
        row = self.conn.execute("SELECT max(slot) FROM deliveries WHERE channel = ?", (channel,)).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def get_state(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM bot_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO bot_state VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                         "value = excluded.value, updated_at = excluded.updated_at", (key, value, now.isoformat()))
