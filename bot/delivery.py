"""Post a channel's digest for one scheduled slot, exactly once, through the channel's adapter."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, Protocol

from bot.channels import ChannelConfig, ChannelSpec
from briefings.archive import Archive
from briefings.formats import render

log = logging.getLogger(__name__)
FORMAT_FOR = {"slack": "slack", "discord": "discord", "console": "text"}


class Poster(Protocol):
    async def post(self, channel: ChannelSpec, payload: dict[str, Any], *, key: str, thread_ref: str | None,
                   resume: bool) -> str:
        """Post one message; return its platform reference (Slack ts, Discord message id)."""


class ArchiveWorker:
    """Runs every archive call on one thread: SQLite objects stay on the thread that made them."""

    def __init__(self, opener: Callable[[], Archive]):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive")
        self._archive = self._pool.submit(opener).result()

    async def call(self, fn: Callable[[Archive], Any]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, self._archive)

    def call_sync(self, fn: Callable[[Archive], Any]) -> Any:
        return self._pool.submit(fn, self._archive).result()

    def close(self) -> None:
        self._pool.submit(self._archive.close).result()
        self._pool.shutdown()


class Deliverer:
    def __init__(self, worker: ArchiveWorker, config: ChannelConfig, posters: dict[str, Poster],
                 clock: Callable[[], datetime], ledger_prefix: str = ""):
        self.worker = worker
        self.config = config
        self.posters = posters
        self.clock = clock
        self.ledger_prefix = ledger_prefix  # console previews keep their own ledger

    def _prepare(self, archive: Archive, channel: ChannelSpec, slot: datetime, key: str):
        status = archive.store.begin_delivery(key, slot, self.clock())
        if status == "done":
            return status, [], {}
        digest = archive.compose_digest(channel.digest, last_delivery=archive.store.last_delivered(key))
        payloads = render(digest, FORMAT_FOR[channel.platform], self.config.templates_for(channel),
                          thread=channel.thread)
        return status, payloads, archive.store.delivered_parts(key, slot)

    async def deliver(self, channel: ChannelSpec, slot: datetime, poster_platform: str | None = None) -> int:
        """Post what is not yet posted for (channel, slot); returns the number of messages sent."""
        key = self.ledger_prefix + channel.name
        poster = self.posters[poster_platform or channel.platform]
        status, payloads, done = await self.worker.call(lambda a: self._prepare(a, channel, slot, key))
        if status == "done":
            log.info("digest %s for %s already posted", channel.name, slot.isoformat())
            return 0
        thread_ref = done.get(0)
        sent = 0
        for part, payload in enumerate(payloads):
            if part in done:
                continue
            ref = await poster.post(channel, payload, key=f"{key}@{slot.isoformat()}#{part}",
                                    thread_ref=thread_ref if payload.get("in_thread") else None,
                                    resume=status == "resume")
            await self.worker.call(
                lambda a, part=part, ref=ref: a.store.record_part(key, slot, part, ref, self.clock()))
            sent += 1
            if part == 0:
                thread_ref = ref
        await self.worker.call(lambda a: a.store.finish_delivery(key, slot, self.clock()))
        log.info("digest %s for %s posted in %d message(s)", channel.name, slot.isoformat(), len(payloads))
        return sent
