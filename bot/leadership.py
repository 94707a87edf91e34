"""Which process fires scheduled jobs: a lease per platform in the archive, one live holder each.

Several bot processes may share one archive (a Slack process and a Discord process, or a standby).
Every process answers chat commands; scheduled jobs (digests, alerts, source polls) are fired only
by the holder of the matching lease: `scheduler:slack` for Slack channels, `scheduler:discord` for
Discord channels, `scheduler:console` for console previews, `scheduler:sources` for feed polls. So a
Slack process and a Discord process each lead their own platform, and two processes of one platform
fire each job once between them.

A holder renews its leases every third of a lease; a job confirms the lease (one write) before it
fires, so a process that stalled past its lease or lost it never fires. When a holder dies, another
process takes the lease when it lapses, or at its next try when the holder's pid is known gone on
this host (`owner_gone`), and first posts what fell due meanwhile (`on_gain`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from bot.delivery import owner_gone, process_owner

log = logging.getLogger(__name__)
LEASE_SECONDS = 30.0  # a dead holder on another host is replaced within this plus a third of it
SOURCES_LEASE = "scheduler:sources"


def platform_lease(platform: str) -> str:
    return f"scheduler:{platform}"


class Leadership:
    """The leases this process competes for, and which of them it holds as of its last try."""

    def __init__(self, worker: Any, names: Iterable[str], clock: Callable[[], datetime], *,
                 lease_seconds: float = LEASE_SECONDS, owner: str | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 on_gain: Callable[[set[str]], Awaitable[None]] | None = None):
        self.worker = worker
        self.names = sorted(set(names))
        self.clock = clock
        self.lease = timedelta(seconds=lease_seconds)
        self.owner = owner or process_owner()
        self.sleep = sleep  # injected in tests: a fake clock's sleep moves the clock instead of waiting
        self.on_gain = on_gain
        self.held: set[str] = set()
        self._told: dict[str, bool] = {}  # the state last logged per lease: each change is logged once

    def leads(self, name: str) -> bool:
        return name in self.held

    async def _hold(self, names: list[str]) -> set[str]:
        """One try at each of `names`; returns the leases newly won (already announced)."""
        now = self.clock()
        until = now + self.lease
        try:
            held = await self.worker.write(lambda a: {n for n in names if a.store.hold_lease(
                n, self.owner, now, until, owner_gone=owner_gone)})
        except Exception as exc:  # the archive is unreachable: we cannot know we hold anything, so fire nothing
            log.error("could not renew %s: %r; not firing their jobs until it works", ", ".join(names), exc)
            self.held -= set(names)
            return set()
        won = held - self.held
        self.held = (self.held - set(names)) | held
        for name in names:
            leading = name in held
            if self._told.get(name) != leading:
                self._told[name] = leading
                if leading:
                    log.info("leading %s: this process (%s) fires its scheduled jobs", name, self.owner)
                else:
                    log.info("standby for %s: another process holds it; this one answers commands and takes "
                             "over if that one stops", name)
        return won

    async def _gained(self, won: set[str]) -> None:
        if won and self.on_gain is not None:
            try:
                await self.on_gain(won)
            except Exception:  # a failed catch-up must not stop the renewals (the next start retries it)
                log.exception("catching up after taking %s failed", ", ".join(sorted(won)))

    async def hold(self) -> set[str]:
        """One round over every lease (at start, then every third of a lease); returns those newly won."""
        won = await self._hold(self.names)
        await self._gained(won)
        return won

    async def confirm(self, name: str) -> bool:
        """Renew `name` right before a job fires: a lapse (a stalled loop, a jump of the clock) is seen then."""
        if name not in self.names:
            return False
        await self._gained(await self._hold([name]))
        return name in self.held

    async def run(self) -> None:
        """Renew until cancelled; a lease lost to another process is taken back only once it lapses."""
        while True:
            await self.sleep(self.lease.total_seconds() / 3)
            await self.hold()

    async def release(self) -> None:
        """A clean stop gives the leases up, so a standby takes over at its next try."""
        held, self.held = sorted(self.held), set()
        if not held:
            return
        try:
            await self.worker.write(lambda a: [a.store.release_lease(n, self.owner) for n in held])
        except Exception as exc:  # they lapse instead: a standby takes over within a lease
            log.warning("could not release %s: %r", ", ".join(held), exc)
            return
        log.info("released %s", ", ".join(held))

    def gate(self, name: str, job: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """`job`, fired only while this process holds `name`."""
        async def gated(*args: Any, **kwargs: Any) -> Any:
            if await self.confirm(name):
                return await job(*args, **kwargs)
            return None
        gated.__name__ = getattr(job, "__name__", "job")
        return gated
