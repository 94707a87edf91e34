"""Polling config/sources.yaml on a schedule: one APScheduler interval job per source.

Each run polls on the worker it is given: `run_bot` gives polls their own archive connection and
thread, so a slow feed (bounded by the client's timeout) never delays a chat command. Backoff after
errors, with jitter and at least the server's Retry-After, lives in the core (briefings.feeds.poll):
a run that falls inside a backoff fetches nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.channels import ChannelConfig
from bot.delivery import FORMAT_FOR, ArchiveWorker
from bot.rendering import render_off_loop
from briefings.digest.model import Digest
from briefings.feeds.config import SourceSpec, load_sources
from briefings.feeds.fetch import HttpClient
from briefings.feeds.poll import FAILURES_TO_REPORT, PollReport, poll_source, source_status
from briefings.ingest.pipeline import IngestReport
from briefings.templating import TemplateSet

log = logging.getLogger(__name__)
MAX_JITTER_SECONDS = 120  # sources with the same interval do not all fire in the same second


def sources_in(folder: Path) -> list[SourceSpec]:
    """The sources of `folder`/sources.yaml; none when the file is absent (it is optional)."""
    path = folder / "sources.yaml"
    return load_sources(path) if path.exists() else []


Notify = Callable[[SourceSpec, str], Awaitable[None]]


async def run_poll(worker: ArchiveWorker, source: SourceSpec, http: HttpClient,
                   clock: Callable[[], datetime], notify: Notify | None = None) -> PollReport | None:
    try:
        report = await worker.write(lambda a: poll_source(a, source, http, clock()))
    except Exception as exc:  # a bug in one poll must not stop the scheduler or the other sources
        log.exception("polling %s failed: %r", source.name, exc)
        return None
    if report.error:
        log.warning("%s", report.summary_line())
        failures = int((await worker.read(lambda a: source_status(a, source.name))).get("failures", 0))
        if failures == FAILURES_TO_REPORT and notify is not None and source.notify:  # once per failing streak
            await notify(source, f"뉴스 소스 {source.name} 가 {failures}회 연속 실패했습니다 / source {source.name} "
                                 f"has failed {failures} times in a row: {report.error[:200]} "
                                 "(계속 재시도 / still retrying)")
    elif not report.skipped:
        log.info("%s", report.summary_line())
    for item, reason in report.rejected:
        log.info("source %s: rejected %s: %s", source.name, item, reason)
    return report


def schedule_sources(scheduler: BaseScheduler, worker: ArchiveWorker, sources: list[SourceSpec],
                     http: HttpClient, clock: Callable[[], datetime], first_delay: float = 5.0,
                     notify: Notify | None = None) -> None:
    """One interval job per source; the first poll comes soon after start (staggered), then every interval."""
    for n, source in enumerate(sources):
        jitter = min(MAX_JITTER_SECONDS, source.interval * 6)  # at most a tenth of the interval
        scheduler.add_job(run_poll, IntervalTrigger(minutes=source.interval, jitter=jitter),
                          args=(worker, source, http, clock, notify), id=f"source:{source.name}",
                          name=f"source {source.name}", replace_existing=True,
                          next_run_time=clock() + timedelta(seconds=first_delay + 3 * n))


async def watch_folder(worker: ArchiveWorker, source: SourceSpec, stop: asyncio.Event,
                       on_report: Callable[[IngestReport], None] | None = None, *, force_polling: bool = False) -> None:
    """Ingest files as they arrive in or change under a watched folder (watchfiles: inotify, or polling
    where the system offers no events). The folder is scanned once at start for what arrived meanwhile."""
    from watchfiles import Change, awatch

    folder = Path(source.folder or "")
    if not folder.is_dir():
        log.error("folder %s: %s is not a folder; not watching it (fix sources.yaml and restart)", source.name, folder)
        return
    report = await worker.write(lambda a: a.ingest([folder]))
    log.info("folder %s: %s", source.name, report.summary_line())
    if on_report:
        on_report(report)
    async for changes in awatch(folder, stop_event=stop, force_polling=force_polling, debounce=500,
                                recursive=True):
        paths = sorted({Path(p) for change, p in changes if change != Change.deleted and Path(p).is_file()})
        if not paths:
            continue
        try:
            report = await worker.write(lambda a, paths=paths: a.ingest(paths))
        except Exception as exc:  # one bad batch must not end the watch
            log.exception("folder %s: ingest failed: %r", source.name, exc)
            continue
        log.info("folder %s: %s", source.name, report.summary_line())
        if on_report:
            on_report(report)


def source_notifier(config: ChannelConfig, posters: dict[str, Any], clock: Callable[[], datetime]) -> Notify:
    """Tells a failing source's `notify` channels, once a day per source (the message key says so)."""
    async def notify(source: SourceSpec, message: str) -> None:
        channels = config.by_name()
        for name in source.notify:
            channel = channels.get(name)
            platform = channel.platform if channel is not None and channel.platform in posters else "console"
            poster = posters.get(platform)
            if channel is None or poster is None:
                continue
            digest = Digest(f"뉴스 소스 경고 / source warning: {source.name}", "", "ko", [], notes=[message])
            payload = (await render_off_loop(digest, FORMAT_FOR[platform], TemplateSet()))[0]
            key = f"source-failing:{source.name}:{clock():%Y-%m-%d}"
            try:
                await poster.post(channel, payload, key=key, thread_ref=None, resume=True)
            except Exception as exc:  # the log still has it
                log.warning("could not tell channel %s that source %s is failing: %r", name, source.name, exc)
    return notify
