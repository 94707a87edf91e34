"""APScheduler 3.x wiring: one cron job per channel, rebuilt from YAML at every start.

Jobs coalesce, never overlap (max_instances=1) and have a misfire grace time. No job store is
persisted: the delivery ledger in the archive is what makes a slot post exactly once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.channels import ChannelConfig, ChannelSpec

Deliver = Callable[[ChannelSpec, datetime], Awaitable[None]]


def due_slot(channel: ChannelSpec, now: datetime, grace_seconds: int) -> datetime | None:
    """The most recent scheduled time at or before `now` and within the grace window, in UTC."""
    trigger = channel.trigger()
    slot = trigger.get_next_fire_time(None, now - timedelta(seconds=grace_seconds))
    if slot is None or slot > now:
        return None
    while (following := trigger.get_next_fire_time(slot, slot + timedelta(seconds=1))) and following <= now:
        slot = following
    return slot.astimezone(UTC)


def latest_slot(channel: ChannelSpec, now: datetime, grace_seconds: int) -> datetime:
    """The slot a job run posts for. APScheduler 3 does not tell a job its scheduled time, so the
    job derives it from its own trigger; a run with no slot in the grace window is keyed by its minute.
    """
    slot = due_slot(channel, now, grace_seconds)
    return slot or now.replace(second=0, microsecond=0).astimezone(UTC)


def build_scheduler(config: ChannelConfig, deliver: Deliver, clock: Callable[[], datetime],
                    channels: list[ChannelSpec] | None = None) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": config.misfire_grace_seconds})

    async def fire(channel: ChannelSpec) -> None:
        await deliver(channel, latest_slot(channel, clock().astimezone(UTC), config.misfire_grace_seconds))

    for channel in channels if channels is not None else config.channels:
        scheduler.add_job(fire, channel.trigger(), args=[channel], id=channel.name, name=channel.name,
                          replace_existing=True)
    return scheduler
