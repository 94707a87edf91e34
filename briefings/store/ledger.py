"""Delivery ledger on SQLite: exactly-once posting per (channel, slot), resumable by part; named leases
(one process at a time fires scheduled jobs); plus bot state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from briefings.store.transactions import Transactional

Start = Literal["new", "resume", "done", "busy"]


def claim_verdict(status: str, holder: str | None, held_until: str | None, owner: str, now: datetime,
                  owner_gone: Callable[[str], bool] | None) -> Start | None:
    """What an existing delivery row means for `owner`: 'done', 'busy' (another live process is posting
    it), or None: failed, cut off, or a claim that lapsed or whose process is gone — to be taken over."""
    if status == "posted":
        return "done"
    if (status == "posting" and holder and holder != owner and held_until
            and datetime.fromisoformat(held_until) > now and not (owner_gone and owner_gone(holder))):
        return "busy"
    return None


def lease_held_by_another(holder: str, held_until: datetime, owner: str, now: datetime,
                          owner_gone: Callable[[str], bool] | None) -> bool:
    """A lease another live owner holds: not ours, not lapsed, and its process not known gone."""
    return bool(holder) and holder != owner and held_until > now and not (owner_gone and owner_gone(holder))


class LedgerReads:
    """The ledger's and bot state's reads, one statement each, for both stores (`?` placeholders)."""

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def delivered_parts(self, channel: str, slot: datetime) -> dict[int, str]:
        rows = self._query("SELECT part, ref FROM delivery_parts WHERE channel = ? AND slot = ?",
                           (channel, slot.isoformat()))
        return {part: ref for part, ref in rows}

    def unfinished_deliveries(self, channel: str, since: datetime) -> list[datetime]:
        """Slots since `since` that failed or were cut off: what a start retries."""
        rows = self._query("SELECT slot FROM deliveries WHERE channel = ? AND status != 'posted' AND slot >= ?"
                           " ORDER BY slot", (channel, since.isoformat()))
        return [datetime.fromisoformat(slot) for (slot,) in rows]

    def delivery_status(self, channel: str) -> dict[str, str | int | None] | None:
        """The newest delivery of a channel: slot, status, when it finished, its error and parts posted."""
        rows = self._query(
            "SELECT d.slot, d.status, d.finished_at, d.error, (SELECT count(*) FROM delivery_parts p"
            " WHERE p.channel = d.channel AND p.slot = d.slot) FROM deliveries d WHERE d.channel = ?"
            " ORDER BY d.slot DESC LIMIT 1", (channel,))
        if not rows:
            return None
        row = rows[0]
        return {"slot": row[0], "status": row[1], "finished_at": row[2], "error": row[3], "parts": row[4]}

    def last_delivered(self, channel: str) -> datetime | None:
        rows = self._query("SELECT max(slot) FROM deliveries WHERE channel = ? AND status = 'posted'", (channel,))
        return datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    def last_slot(self, channel: str) -> datetime | None:
        """The newest slot this channel's ledger has seen, posted or not."""
        rows = self._query("SELECT max(slot) FROM deliveries WHERE channel = ?", (channel,))
        return datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    def get_state(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM bot_state WHERE key = ?", (key,))
        return rows[0][0] if rows else None


class SqliteLedger(Transactional, LedgerReads):
    """Mixed into SqliteStore; uses its `conn`."""

    def begin_delivery(self, channel: str, slot: datetime, now: datetime, owner: str = "",
                       claim_until: datetime | None = None, owner_gone: Callable[[str], bool] | None = None
                       ) -> Start:
        """'new' (claimed now), 'resume' (an earlier run stopped part-way; claimed now), 'done' (posted)
        or 'busy' (another live process holds the claim: it is posting this slot)."""
        key = (channel, slot.isoformat())
        until = (claim_until or now).isoformat()
        with self.transaction() as conn:
            row = conn.execute("SELECT status, owner, claimed_until FROM deliveries WHERE channel = ? AND slot = ?",
                               key).fetchone()
            if row is None:
                conn.execute("INSERT INTO deliveries(channel, slot, status, started_at, owner, claimed_until)"
                             " VALUES (?, ?, 'posting', ?, ?, ?)", (*key, now.isoformat(), owner, until))
                return "new"
            if verdict := claim_verdict(*row, owner, now, owner_gone):
                return verdict
            conn.execute("UPDATE deliveries SET status = 'posting', owner = ?, claimed_until = ?"
                         " WHERE channel = ? AND slot = ?", (owner, until, *key))
        return "resume"

    def renew_claim(self, channel: str, slot: datetime, owner: str, until: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE deliveries SET claimed_until = ? WHERE channel = ? AND slot = ? AND owner = ?",
                         (until.isoformat(), channel, slot.isoformat(), owner))

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

    def hold_lease(self, name: str, owner: str, now: datetime, until: datetime,
                   owner_gone: Callable[[str], bool] | None = None) -> bool:
        """Take the lease when it is free, lapsed or ours (renewing it until `until`), or when its holder's
        process is known gone; False while another live owner holds it. Read and write under one lock."""
        with self.transaction() as conn:
            row = conn.execute("SELECT owner, held_until FROM leases WHERE name = ?", (name,)).fetchone()
            if row is not None and lease_held_by_another(row[0], datetime.fromisoformat(row[1]), owner, now,
                                                         owner_gone):
                return False
            conn.execute("INSERT INTO leases(name, owner, held_until, since) VALUES (?, ?, ?, ?) ON CONFLICT(name)"
                         " DO UPDATE SET held_until = excluded.held_until, since = CASE WHEN leases.owner ="
                         " excluded.owner THEN leases.since ELSE excluded.since END, owner = excluded.owner",
                         (name, owner, until.isoformat(), now.isoformat()))
        return True

    def release_lease(self, name: str, owner: str) -> None:
        """Give the lease up (a clean stop), so a standby takes it at its next try rather than at the lapse."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))

    def set_state(self, key: str, value: str, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO bot_state VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                         "value = excluded.value, updated_at = excluded.updated_at", (key, value, now.isoformat()))
