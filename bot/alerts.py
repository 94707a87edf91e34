"""Coverage alerts: every few minutes, each channel with `alerts:` is checked for spikes; a spike is
posted once (the delivery ledger, keyed by channel, company and day) and again only each time it
doubles, never in quiet hours (held: the first check after them posts it if it still stands), and at
most `max_per_day` a day."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels import ChannelConfig, ChannelSpec
from bot.delivery import FORMAT_FOR, ArchiveWorker, process_owner
from bot.rendering import render_off_loop
from briefings.alerts import find_spikes, in_quiet_hours, spike_digest
from briefings.templating import TemplateSet

log = logging.getLogger(__name__)
CHECK_MINUTES = 10
OWNER = process_owner()


async def check_alerts(worker: ArchiveWorker, config: ChannelConfig, posters: dict[str, Any],
                       clock: Callable[[], datetime]) -> int:
    """Post what spiked since the last check; returns how many alerts were posted."""
    posted = 0
    for channel in config.channels:
        if channel.alerts is None:
            continue
        platform = channel.platform if channel.platform in posters else "console"
        if platform not in posters:
            continue
        local = clock().astimezone(ZoneInfo(channel.timezone))
        if in_quiet_hours(channel.alerts, local):
            continue  # held: a spike still standing after the quiet hours is posted then
        posted += await _alert_channel(worker, channel, posters[platform], platform, local, clock)
    return posted


async def _alert_channel(worker: ArchiveWorker, channel: ChannelSpec, poster: Any, platform: str,
                         local: datetime, clock: Callable[[], datetime]) -> int:
    spec = channel.alerts
    assert spec is not None
    day = datetime.combine(local.date(), time(0), local.tzinfo)
    count_key = f"alerts:{channel.name}:{local.date().isoformat()}"
    # Counting and composing only read (on a reader); the state and ledger they feed are read and
    # written on the writer, so a count is never overtaken by a write of the same check.
    sent_today = int(await worker.write(lambda a: a.store.get_state(count_key)) or 0)
    spikes = await worker.read(lambda a: find_spikes(a, spec, clock()))
    posted = 0
    for spike in spikes:
        if sent_today + posted >= spec.max_per_day:
            log.info("alerts for %s: %d today, the cap; %s not posted", channel.name, spec.max_per_day, spike.company)
            break
        first_key = f"alerts:first:{channel.name}:{spike.company}:{local.date().isoformat()}"
        first = int(await worker.write(lambda a, k=first_key: a.store.get_state(k)) or spike.count)
        level = int(math.log2(spike.count / first)) if spike.count >= first else 0  # one more per doubling
        key = f"alert:{channel.name}:{spike.company}" + (f":x{2 ** level}" if level else "")
        status = await worker.write(lambda a, key=key: a.store.begin_delivery(
            key, day, clock(), OWNER, clock() + timedelta(minutes=5)))
        if status in ("done", "busy"):
            continue  # this company's spike was told today
        digest = await worker.read(lambda a, spike=spike: spike_digest(a, spike, spec))
        payloads = await render_off_loop(digest, FORMAT_FOR[platform], TemplateSet())
        for part, payload in enumerate(payloads):
            ref = await poster.post(channel, payload, key=f"{key}@{day.isoformat()}#{part}", thread_ref=None,
                                    resume=status == "resume")
            await worker.write(lambda a, part=part, ref=ref, key=key: a.store.record_part(key, day, part, ref, clock()))
        await _post_trend(worker, channel, poster, spike.company, key, day, len(payloads), local, clock)
        await worker.write(lambda a, key=key: a.store.finish_delivery(key, day, clock()))
        if level == 0:
            await worker.write(lambda a, k=first_key, n=spike.count: a.store.set_state(k, str(n), clock()))
        posted += 1
        log.info("alert posted to %s: %s spiked (%d vs %.1f normally)", channel.name, spike.company, spike.count,
                 spike.normal)
    if posted:
        await worker.write(lambda a: a.store.set_state(count_key, str(sent_today + posted), clock()))
    return posted


async def _post_trend(worker: ArchiveWorker, channel: ChannelSpec, poster: Any, company: str, key: str, day: datetime,
                      part: int, local: datetime, clock: Callable[[], datetime]) -> None:
    """The alert's trend chart (the last 30 days), as one more recorded part of the alert."""
    from briefings.charts import render_png, trend

    done = await worker.write(lambda a: a.store.delivered_parts(key, day))
    if part in done or not hasattr(poster, "post_file"):
        return
    chart = await worker.read(lambda a: trend(a, [company], "30d", local.date()))
    png = await asyncio.to_thread(render_png, chart)
    await poster.post_file(channel, "trend.png", png, chart.as_text())
    await worker.write(lambda a: a.store.record_part(key, day, part, "file", clock()))
