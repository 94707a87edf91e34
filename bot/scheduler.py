"""APScheduler 3.x wiring: one cron job per channel, rebuilt from YAML at every start.

Jobs coalesce, never overlap (max_instances=1) and have a misfire grace time. No job store is
persisted: the delivery ledger in the archive is what makes a slot post exactly once.

Daylight saving: a schedule means local wall-clock time, posted once per local slot. APScheduler
3's CronTrigger returns the repeated "fall back" hour twice and then keeps answering a time in
the past (or the same time) for the second one, so `WallClockCronTrigger` skips the second
occurrence of a repeated local time and never answers a time at or before the previous one. A
local time skipped by "spring forward" fires once, at the equivalent instant after the jump.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

log = logging.getLogger(__name__)
Deliver = Callable[[object, datetime], Awaitable[None]]
_MAX_PROBES = 48  # each probe at least doubles the step: far more than any DST transition needs
_MAX_SLOTS_SCANNED = 100_000  # a "* * * * *" schedule over a day-long grace window is 1,440


def _repeated_wall_time(moment: datetime) -> bool:
    """The second occurrence of a local time that the fall-back transition repeats."""
    return moment.fold == 1 and moment.replace(fold=0).utcoffset() != moment.utcoffset()


class WallClockCronTrigger(CronTrigger):
    """A CronTrigger whose fire times strictly increase and name each local wall time once."""

    @classmethod
    def from_crontab(cls, expr: str, timezone: str | ZoneInfo | None = None) -> WallClockCronTrigger:
        values = expr.split()
        if len(values) != 5:
            raise ValueError(f"wrong number of fields; got {len(values)}, expected 5")
        return cls(minute=values[0], hour=values[1], day=values[2], month=values[3], day_of_week=values[4],
                   timezone=timezone)

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        floor = now if previous_fire_time is None else max(now, previous_fire_time + timedelta(seconds=1))
        probe, step = floor, timedelta(minutes=1)
        for _ in range(_MAX_PROBES):
            candidate = super().get_next_fire_time(None, probe)
            if candidate is None:
                return None
            if candidate >= floor and not _repeated_wall_time(candidate):
                # a local time skipped by spring forward comes back as a non-existent wall time: name it as
                # the real one (02:30 EST that never was → 03:30 EDT), the same instant
                return candidate.astimezone(UTC).astimezone(candidate.tzinfo)
            probe, step = max(probe, candidate) + step, step * 2
        return None


def channel_trigger(schedule: str, timezone: str) -> WallClockCronTrigger:
    return WallClockCronTrigger.from_crontab(schedule, timezone=ZoneInfo(timezone))


def due_slot(channel, now: datetime, grace_seconds: int) -> datetime | None:
    """The most recent scheduled time at or before `now` and within the grace window, in UTC.

    Slots before the grace window are not posted; they are logged, so a skipped digest is never silent.
    """
    trigger = channel.trigger()
    window_start = now - timedelta(seconds=grace_seconds)
    slot = trigger.get_next_fire_time(None, window_start)
    if slot is None or slot > now:
        return None
    for _ in range(_MAX_SLOTS_SCANNED):
        following = trigger.get_next_fire_time(slot, slot)
        if following is None or following > now or following <= slot:
            break
        slot = following
    return slot.astimezone(UTC)


def log_missed_slots(channel, last_run: datetime | None, now: datetime, grace_seconds: int) -> int:
    """Say in the log which slots fell due while the bot was down and are too old to post now."""
    if last_run is None:
        return 0
    trigger = channel.trigger()
    window_start = now - timedelta(seconds=grace_seconds)
    missed = []
    slot = trigger.get_next_fire_time(None, last_run + timedelta(seconds=1))
    while slot is not None and slot < window_start and len(missed) < _MAX_SLOTS_SCANNED:
        missed.append(slot)
        following = trigger.get_next_fire_time(slot, slot)
        if following is None or following <= slot:
            break
        slot = following
    if missed:
        log.warning("digest %s: %d slot(s) missed while the bot was down and beyond the %d s grace window, "
                    "not posted (first %s, last %s)", channel.name, len(missed), grace_seconds,
                    missed[0].astimezone(UTC).isoformat(), missed[-1].astimezone(UTC).isoformat())
    return len(missed)


def latest_slot(channel, now: datetime, grace_seconds: int) -> datetime:
    """The slot a job run posts for. APScheduler 3 does not tell a job its scheduled time, so the
    job derives it from its own trigger; a run with no slot in the grace window is keyed by its minute.
    """
    slot = due_slot(channel, now, grace_seconds)
    return slot or now.replace(second=0, microsecond=0).astimezone(UTC)


def build_scheduler(config, deliver: Deliver, clock: Callable[[], datetime],
                    channels: list | None = None) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": config.misfire_grace_seconds})

    async def fire(channel) -> None:
        await deliver(channel, latest_slot(channel, clock().astimezone(UTC), config.misfire_grace_seconds))

    for channel in channels if channels is not None else config.channels:
        scheduler.add_job(fire, channel.trigger(), args=[channel], id=channel.name, name=channel.name,
                          replace_existing=True)
    return scheduler


async def catch_up(worker, channels: list, deliver: Deliver, clock: Callable[[], datetime], grace_seconds: int,
                   ledger_key: Callable[[object], str]) -> list[asyncio.Task]:
    """At start, or when this process takes over a platform's schedule: the slot that fell due within
    the grace window is posted now (older ones are logged), and a digest that failed or was cut off in
    the last day is tried again. The ledger skips what is done; tasks are returned, not awaited."""
    tasks = []
    for channel in channels:
        last = await worker.read(lambda a, c=channel: max(
            filter(None, (a.store.last_slot(c.name), a.store.last_slot("console:" + c.name))), default=None))
        log_missed_slots(channel, last, clock(), grace_seconds)
        due = due_slot(channel, clock(), grace_seconds)
        if due is not None:
            tasks.append(asyncio.create_task(deliver(channel, due), name=f"catch-up {channel.name}"))
        since = clock() - timedelta(days=1)
        for slot in await worker.read(lambda a, c=channel, s=since: a.store.unfinished_deliveries(ledger_key(c), s)):
            if slot != due:  # the due one is already being caught up
                tasks.append(asyncio.create_task(deliver(channel, slot), name=f"retry {channel.name}"))
    return tasks
