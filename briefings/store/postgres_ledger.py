"""Delivery ledger, leases and bot state on PostgreSQL: the same claims as SqliteLedger, made atomic with
row locks (SELECT … FOR UPDATE) and upserts instead of SQLite's whole-database write lock."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

import psycopg

from briefings.store.ledger import LedgerReads, Start, claim_verdict, lease_held_by_another


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # the session's zone is UTC


class PostgresLedger(LedgerReads):
    """Mixed into PostgresStore; uses its pooled `transaction` (reads: LedgerReads through its `_query`)."""

    def transaction(self) -> AbstractContextManager[psycopg.Connection]:
        raise NotImplementedError

    def begin_delivery(self, channel: str, slot: datetime, now: datetime, owner: str = "",
                       claim_until: datetime | None = None, owner_gone: Callable[[str], bool] | None = None
                       ) -> Start:
        """'new' (claimed now), 'resume' (an earlier run stopped part-way; claimed now), 'done' (posted)
        or 'busy' (another live process holds the claim: it is posting this slot)."""
        key = (channel, slot.isoformat())
        until = (claim_until or now).isoformat()
        with self.transaction() as conn:
            # Of two processes inserting at once, the second waits for the first and then finds its row.
            if conn.execute("INSERT INTO deliveries (channel, slot, status, started_at, owner, claimed_until)"
                            " VALUES (%s, %s, 'posting', %s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                            (*key, now.isoformat(), owner, until)).fetchone():
                return "new"
            row = conn.execute(
                "SELECT status, owner, claimed_until FROM deliveries WHERE channel = %s AND slot = %s FOR UPDATE",
                key).fetchone()
            if verdict := claim_verdict(*row, owner, now, owner_gone):
                return verdict
            conn.execute("UPDATE deliveries SET status = 'posting', owner = %s, claimed_until = %s"
                         " WHERE channel = %s AND slot = %s", (owner, until, *key))
        return "resume"

    def renew_claim(self, channel: str, slot: datetime, owner: str, until: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE deliveries SET claimed_until = %s WHERE channel = %s AND slot = %s AND owner = %s",
                         (until.isoformat(), channel, slot.isoformat(), owner))

    def record_part(self, channel: str, slot: datetime, part: int, ref: str, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO delivery_parts VALUES (%s, %s, %s, %s, %s)",
                         (channel, slot.isoformat(), part, ref, now.isoformat()))

    def finish_delivery(self, channel: str, slot: datetime, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE deliveries SET status = 'posted', finished_at = %s WHERE channel = %s AND slot = %s",
                         (now.isoformat(), channel, slot.isoformat()))

    def fail_delivery(self, channel: str, slot: datetime, error: str, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE deliveries SET status = 'failed', finished_at = %s, error = %s WHERE channel = %s"
                         " AND slot = %s", (now.isoformat(), error[:500].replace("\x00", ""), channel,
                                            slot.isoformat()))

    # -- leases -------------------------------------------------------------------------------
    def hold_lease(self, name: str, owner: str, now: datetime, until: datetime,
                   owner_gone: Callable[[str], bool] | None = None) -> bool:
        """Take the lease when it is free, lapsed or ours (renewing it until `until`), or when its holder's
        process is known gone; False while another live owner holds it. The row is locked while read."""
        with self.transaction() as conn:
            conn.execute("INSERT INTO leases (name, owner, held_until, since) VALUES (%s, '', %s, %s)"
                         " ON CONFLICT (name) DO NOTHING", (name, now, now))  # a row to lock, lapsed at once
            holder, held_until = conn.execute("SELECT owner, held_until FROM leases WHERE name = %s FOR UPDATE",
                                              (name,)).fetchone()
            if lease_held_by_another(holder, held_until, owner, _aware(now), owner_gone):
                return False
            conn.execute("UPDATE leases SET owner = %s, held_until = %s, since = CASE WHEN owner = %s THEN since"
                         " ELSE %s END WHERE name = %s", (owner, until, owner, now, name))
        return True

    def release_lease(self, name: str, owner: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM leases WHERE name = %s AND owner = %s", (name, owner))

    # -- bot state ----------------------------------------------------------------------------
    def set_state(self, key: str, value: str, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO bot_state VALUES (%s, %s, %s) ON CONFLICT (key) DO UPDATE SET"
                         " value = excluded.value, updated_at = excluded.updated_at", (key, value, now.isoformat()))

