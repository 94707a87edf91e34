"""Post a channel's digest for one scheduled slot, exactly once, through the channel's adapter."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.channels import ChannelConfig, ChannelSpec
from bot.rendering import render_off_loop
from bot.workers import ArchiveWorker  # lives there now; importable from here as before
from briefings.archive import Archive

log = logging.getLogger(__name__)
FORMAT_FOR = {"slack": "slack", "discord": "discord", "console": "text"}


class Poster(Protocol):
    async def post(self, channel: ChannelSpec, payload: dict[str, Any], *, key: str, thread_ref: str | None,
                   resume: bool) -> str:
        """Post one message; return its platform reference (Slack ts, Discord message id)."""

    def permanent(self, exc: Exception) -> bool:
        """True for an error no retry can fix (unknown channel, revoked token)."""

    def retry_after(self, exc: Exception) -> float | None:
        """Seconds the platform asked us to wait before the next try, if it said."""


class DeliveryFailed(Exception):
    """A digest could not be posted within its retry budget; the ledger records it as failed."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long a failed post is retried: minutes, not seconds, so an outage does not drop a digest."""

    budget_seconds: float = 1800.0
    first_delay: float = 2.0
    max_delay: float = 300.0


CLAIM_SECONDS = 300  # a delivery's claim lasts this long past its last sign of life (a part, a retry)
_HOST = socket.gethostname()


def process_owner() -> str:
    """host:pid:token — the token tells two deliverers of one process apart (and a restart's)."""
    return f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_gone(owner: str) -> bool:
    """True when the claim's process is known to be dead: same host, and no such pid any more."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != _HOST or not pid.isdecimal():
        return False  # another machine: wait for its claim to lapse
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _backoff(delay: float, retry_after: float | None) -> float:
    jittered = delay * (0.5 + random.random())  # spread retries of many channels apart
    return max(jittered, retry_after or 0.0)


class Deliverer:
    def __init__(self, worker: ArchiveWorker, config: ChannelConfig, posters: dict[str, Poster],
                 clock: Callable[[], datetime], ledger_prefix: str = "", *,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, retry: RetryPolicy | None = None):
        self.worker = worker
        self.config = config
        self.posters = posters
        self.clock = clock
        self.sleep = sleep  # injected in tests, so an hour of retries takes no time
        self.retry = retry or RetryPolicy(budget_seconds=config.retry_seconds)
        self.ledger_prefix = ledger_prefix  # console previews keep their own ledger
        self.owner = process_owner()

    async def _post_part(self, poster: Poster, channel: ChannelSpec, payload: dict[str, Any], *, key: str,
                         thread_ref: str | None, resume: bool,
                         renew: Callable[[datetime], Awaitable[None]] | None = None) -> str:
        """Post one part, retrying with backoff and jitter until the retry budget is spent."""
        deadline = self.clock() + timedelta(seconds=self.retry.budget_seconds)
        delay, attempt = self.retry.first_delay, 0
        while True:
            attempt += 1
            try:
                return await poster.post(channel, payload, key=key, thread_ref=thread_ref, resume=resume)
            except Exception as exc:
                permanent = poster.permanent(exc)
                remaining = (deadline - self.clock()).total_seconds()
                if permanent or remaining <= 0:
                    why = "not retryable" if permanent else f"gave up after {attempt} attempt(s)"
                    raise DeliveryFailed(f"{why}: {exc!r}") from exc
                wait = min(_backoff(delay, poster.retry_after(exc)), remaining)  # the last try at the deadline
                log.warning("digest part %s: post failed (%r); attempt %d, retrying in %.0f s", key, exc, attempt, wait)
                if renew is not None:  # still alive, still ours: the claim outlasts the wait
                    await renew(self.clock() + timedelta(seconds=wait + CLAIM_SECONDS))
                await self.sleep(wait)
                delay = min(delay * 2, self.retry.max_delay)
                resume = True  # the failed call may have reached the platform: check before posting again

    def _claim_until(self) -> datetime:
        return self.clock() + timedelta(seconds=CLAIM_SECONDS)

    async def _renew(self, key: str, slot: datetime, until: datetime | None = None) -> None:
        until = until or self._claim_until()
        await self.worker.write(lambda a: a.store.renew_claim(key, slot, self.owner, until))

    def _compose(self, archive: Archive, channel: ChannelSpec, slot: datetime, key: str):
        # Composed as of the slot, in the channel's timezone: "today" is the channel's today, and a
        # digest recomposed after a restart holds the same articles as the parts already posted.
        digest = archive.compose_digest(channel.digest, last_delivery=archive.store.last_delivered(key),
                                        as_of=slot.astimezone(ZoneInfo(channel.timezone)))
        return digest, archive.store.delivered_parts(key, slot)

    async def deliver(self, channel: ChannelSpec, slot: datetime, poster_platform: str | None = None) -> int:
        """Post what is not yet posted for (channel, slot); returns the number of messages sent."""
        key = self.ledger_prefix + channel.name
        poster = self.posters[poster_platform or channel.platform]
        status = await self.worker.write(lambda a: a.store.begin_delivery(key, slot, self.clock(), self.owner,
                                                                          self._claim_until(), owner_gone))
        if status == "done":
            log.info("digest %s for %s already posted", channel.name, slot.isoformat())
            return 0
        if status == "busy":
            log.info("digest %s for %s is being posted by another process; not posting it here", channel.name,
                     slot.isoformat())
            return 0
        # The claim is committed; composing (seconds for a long window) only reads, on a reader, so
        # the ledger writes of other deliveries and ingest are not held up behind it.
        try:
            digest, done = await self.worker.read(lambda a: self._compose(a, channel, slot, key))
            return await self._post_parts(poster, channel, slot, key, status, digest, done)
        except asyncio.CancelledError:  # stopped mid-way: free the claim so a restart resumes at once
            await asyncio.shield(self._renew(key, slot, self.clock()))
            raise

    async def _post_parts(self, poster: Poster, channel: ChannelSpec, slot: datetime, key: str, status: str,
                          digest: Any, done: dict[int, str]) -> int:
        payloads = await render_off_loop(digest, FORMAT_FOR[channel.platform], self.config.templates_for(channel),
                                         thread=channel.thread)
        thread_ref = done.get(0)
        sent = 0
        for part, payload in enumerate(payloads):
            if part in done:
                continue
            try:
                ref = await self._post_part(poster, channel, payload, key=f"{key}@{slot.isoformat()}#{part}",
                                            thread_ref=thread_ref if payload.get("in_thread") else None,
                                            resume=status == "resume",
                                            renew=lambda until: self._renew(key, slot, until))
            except DeliveryFailed as exc:
                await self.worker.write(lambda a, exc=exc: a.store.fail_delivery(key, slot, str(exc), self.clock()))
                log.error("digest %s for %s FAILED at part %d of %d (%d posted before): %s; recorded in the ledger, "
                          "retried at the next start", channel.name, slot.isoformat(), part + 1, len(payloads),
                          len(done) + sent, exc)
                raise
            await self.worker.write(
                lambda a, part=part, ref=ref: a.store.record_part(key, slot, part, ref, self.clock()))
            await self._renew(key, slot)
            sent += 1
            if part == 0:
                thread_ref = ref
        if channel.chart == "grid" and digest.grid is not None and len(payloads) not in done:
            from briefings.charts import render_grid_png  # matplotlib only when a channel wants a chart
            png = await asyncio.to_thread(render_grid_png, digest.grid, digest.title)
            await poster.post_file(channel, "grid.png", png, digest.title)
            await self.worker.write(lambda a: a.store.record_part(key, slot, len(payloads), "file", self.clock()))
        await self.worker.write(lambda a: a.store.finish_delivery(key, slot, self.clock()))
        log.info("digest %s for %s posted in %d message(s)", channel.name, slot.isoformat(), len(payloads))
        return sent
