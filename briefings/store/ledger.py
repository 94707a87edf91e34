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
            elif row[0] == "failed":  # retried (at a start, or by hand): posting again, from the first missing part
                conn.execute("UPDATE deliveries SET status = 'posting' WHERE channel = ? AND slot = ?",
                             (channel, slot.isoformat()))
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

    def fail_delivery(self, channel: str, slot: datetime, error: str, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE deliveries SET status = 'failed', finished_at = ?, error = ? WHERE channel = ?"
                         " AND slot = ?", (now.isoformat(), error[:500], channel, slot.isoformat()))

    def unfinished_deliveries(self, channel: str, since: datetime) -> list[datetime]:
        """Slots since `since` that failed or were cut off: what a start retries."""
        rows = self.conn.execute("SELECT slot FROM deliveries WHERE channel = ? AND status != 'posted' AND slot >= ?"
                                 " ORDER BY slot", (channel, since.isoformat()))
        return [datetime.fromisoformat(slot) for (slot,) in rows]

    def delivery_status(self, channel: str) -> dict[str, str | int | None] | None:
        """The newest delivery of a channel: slot, status, when it finished, its error and parts posted."""
        row = self.conn.execute(
            "SELECT d.slot, d.status, d.finished_at, d.error, (SELECT count(*) FROM delivery_parts p"
            " WHERE p.channel = d.channel AND p.slot = d.slot) FROM deliveries d WHERE d.channel = ?"
            " ORDER BY d.slot DESC LIMIT 1", (channel,)).fetchone()
        if row is None:
            return None
        return {"slot": row[0], "status": row[1], "finished_at": row[2], "error": row[3], "parts": row[4]}

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
