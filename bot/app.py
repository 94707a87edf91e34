"""`briefings run`: one asyncio loop with the scheduler and every adapter that has credentials."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.actions import Actions
from bot.adapters import PLATFORMS
from bot.alerts import CHECK_MINUTES as ALERT_CHECK_MINUTES
from bot.alerts import check_alerts
from bot.channels import load_channels
from bot.config_check import check_config_dir
from bot.console import ConsoleAdapter
from bot.credentials import Credentials
from bot.delivery import ArchiveWorker, Deliverer
from bot.leadership import LEASE_SECONDS, SOURCES_LEASE, Leadership, platform_lease
from bot.scheduler import build_scheduler, catch_up
from bot.sources import schedule_sources, source_notifier, sources_in, watch_folder
from briefings.analysis.korean import warm_analyser
from briefings.archive import Archive
from briefings.commands import CommandContext, Commands
from briefings.feeds.fetch import HttpClient
from briefings.settings import config_dir, load_settings

log = logging.getLogger("briefings.bot")
SHUTDOWN_GRACE_SECONDS = 10  # how long a stopping bot lets a digest being posted finish


async def _serve_until_stopped(adapters: list[asyncio.Task], stopper: asyncio.Task, stderr: TextIO) -> list[str]:
    """Adapters are peers: one that ends (a rejected token; every retryable fault is retried inside it)
    is reported and the others and the scheduler go on. The bot stops when asked or when none is left."""
    running, failed = set(adapters), []
    while running:
        done, _ = await asyncio.wait([*running, stopper], return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            break
        for task in done:
            running.discard(task)
            if task.cancelled() or task.exception() is None:
                return failed  # ended on purpose (`quit` at the console): the bot stops
            failed.append(task.get_name())
            rest = ", ".join(sorted(t.get_name() for t in running)) or "nothing"
            stderr.write(f"stopping: the {task.get_name()} adapter failed: {task.exception()!r}; "
                         f"still running: {rest}\n")
    return failed


async def run_bot(cfg_dir: str | None = None, db: str | None = None, *, force_console: bool = False,
                  creds: Credentials | None = None, clock: Callable[[], datetime] | None = None,
                  stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr,
                  stop: asyncio.Event | None = None, lease_seconds: float = LEASE_SECONDS,
                  started: Callable[[AsyncIOScheduler], None] | None = None) -> int:
    """Run until `stop` is set (or SIGINT/SIGTERM); `started` sees the running scheduler (for embedding).
    Scheduled jobs fire only while this process holds their lease (bot/leadership.py)."""
    clock = clock or (lambda: datetime.now(UTC))
    try:
        creds = creds or Credentials.from_env()
    except ValueError as exc:
        stderr.write(f"not starting: {exc}\n")
        return 2
    for warning in creds.incomplete():
        stderr.write(f"warning: {warning}\n")
    folder = config_dir(cfg_dir)
    problems = check_config_dir(folder)
    if problems:  # never start half-configured
        for problem in problems:
            stderr.write(f"{problem}\n")
        stderr.write(f"not starting: {len(problems)} problem(s) in {folder}\n")
        return 2
    # Chat commands run on `readers` connections side by side; writes go through this one writer.
    worker = ArchiveWorker(lambda: Archive.open(folder, db, clock=lambda: clock().astimezone()),
                           readers=load_settings(folder).chat.readers)
    poll_worker: ArchiveWorker | None = None
    try:
        seeds = await worker.write(lambda a: a.ingest([Path(a.settings.ingest.seeds)]))
        stdout.write(f"archive: {seeds.summary_line()} (seeds)\n")
        # The Korean analyser loads in ~1-2 s; loaded lazily by the first command it would make that
        # command miss Discord's 3 s deadline. It is ready before any adapter connects.
        await worker.write(lambda _a: warm_analyser())
        config = await worker.write(lambda a: load_channels(folder / "channels.yaml", a.taxonomy))
        digests = {c.name: c.digest for c in config.channels}
        commands = await worker.write(lambda a: Commands(CommandContext(a, digests, clock=clock)))
        # What start-up built (the analyser, taxonomy, templates, imports) lives as long as the process:
        # moved out of the collector's reach, a reply's garbage collections stop re-scanning it.
        gc.freeze()
        stop = stop or asyncio.Event()
        posters: dict = {}
        tasks: list[asyncio.Task] = []
        closers = []
        for platform in PLATFORMS:  # every platform whose credentials are set, as peers
            if platform.enabled(creds):
                adapter = platform.create(creds, worker, commands, config)
                posters[platform.name] = adapter
                tasks.append(asyncio.create_task(adapter.run(), name=platform.name))
                closers.append(adapter.close)
        console = None
        if force_console or not posters:
            console = ConsoleAdapter(worker, commands, stdout, stdin)
            posters["console"] = console
        deliverer = Deliverer(worker, config, posters, clock)
        preview = Deliverer(worker, config, posters, clock, ledger_prefix="console:")

        async def post_slot(channel, slot) -> int:
            """Through the channel's platform, or printed at the console when this process has no
            credentials for it (under its own `console:` ledger)."""
            if channel.platform in posters:
                return await deliverer.deliver(channel, slot)
            return await preview.deliver(channel, slot, poster_platform="console")

        posting: set[tuple[str, datetime]] = set()  # a takeover's catch-up and a job may meet on one slot

        async def deliver(channel, slot):
            if (channel.name, slot) in posting:
                return
            posting.add((channel.name, slot))
            try:
                if channel.platform in posters or console is not None:
                    await post_slot(channel, slot)
                else:
                    log.warning("no adapter for %s: digest %s skipped", channel.platform, channel.name)
            except Exception as exc:  # the ledger keeps what was posted; a restart in the grace window resumes
                log.error("digest %s for %s failed: %r", channel.name, slot.isoformat(), exc)
            finally:
                posting.discard((channel.name, slot))

        async def post_now(name: str) -> int:
            """An admin's `post NAME`: the digest as of this minute, through the same ledger (so a second
            request within the minute posts nothing) and the same retries as a scheduled one."""
            channel = config.by_name()[name]
            # The slot is the end of this minute: a digest is composed as the archive stood at its slot,
            # so the minute's start would leave out what arrived in the last seconds (a story just polled).
            slot = clock().astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
            return await post_slot(channel, slot)

        actions = Actions(post_now)
        for poster in posters.values():
            poster.actions = actions

        scheduler = build_scheduler(config, deliver, clock)
        sources = sources_in(folder)  # config/sources.yaml
        watch_stop = asyncio.Event()
        watchers: list[asyncio.Task] = []
        if sources:  # polls get their own archive connection and thread: a slow feed never delays a command
            poll_worker = ArchiveWorker(lambda: Archive.open(folder, db, clock=lambda: clock().astimezone()))
            schedule_sources(scheduler, poll_worker, [s for s in sources if s.folder is None], HttpClient(), clock,
                             notify=source_notifier(config, posters, clock))
            watchers = [asyncio.create_task(watch_folder(poll_worker, s, watch_stop), name=f"folder {s.name}")
                        for s in sources if s.folder is not None]
            for source in sources:
                if source.folder is not None:
                    stdout.write(f"watching: folder {source.name} ({source.folder})\n")
        # Each platform's jobs fire in one process at a time (several may share the archive): the lease
        # holder's. Whoever takes a lease (at start, or from a process that died) first catches up.
        def lease_of(channel) -> str | None:
            platform = channel.platform if channel.platform in posters else "console" if console else None
            return platform_lease(platform) if platform else None

        catch_ups: list[asyncio.Task] = []

        async def take_over(won: set[str]) -> None:
            catch_ups.extend(await catch_up(worker, [c for c in config.channels if lease_of(c) in won], deliver,
                                            clock, config.misfire_grace_seconds, lambda c: c.name if
                                            c.platform in posters else "console:" + c.name))

        leases = Leadership(worker, {platform_lease(p) for p in posters} | ({SOURCES_LEASE} if sources else set()),
                            clock, lease_seconds=lease_seconds, on_gain=take_over)
        for job in scheduler.get_jobs():
            channel = config.by_name().get(job.id)
            lease = SOURCES_LEASE if job.id.startswith("source:") else lease_of(channel) if channel else None
            if channel and lease is None:  # another process, with this platform's credentials, posts it
                log.warning("no %s adapter in this process: digest %s is not posted here", channel.platform, job.id)
            job.modify(func=leases.gate(lease or "", job.func))

        async def alerts() -> None:  # each channel's alerts are checked by its platform's lease holder
            led = {p: poster for p, poster in posters.items() if await leases.confirm(platform_lease(p))}
            if led:
                await check_alerts(worker, config, led, clock)

        if any(c.alerts for c in config.channels):  # coverage spikes, checked every few minutes
            scheduler.add_job(alerts, IntervalTrigger(minutes=ALERT_CHECK_MINUTES), id="alerts",
                              name="coverage alerts", replace_existing=True)
        scheduler.start()
        for job in scheduler.get_jobs():
            stdout.write(f"scheduled: {job.name} next at {job.next_run_time.isoformat()}\n")
        if started is not None:
            started(scheduler)
        await leases.hold()  # the leases won now: their due slots and unfinished digests are posted now
        renewer = asyncio.create_task(leases.run(), name="leases")
        if console is not None:
            tasks.append(asyncio.create_task(console.run(), name="console"))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        stopper = asyncio.create_task(stop.wait(), name="stop")
        failed = await _serve_until_stopped(tasks, stopper, stderr)
        scheduler.shutdown(wait=False)
        renewer.cancel()
        watch_stop.set()
        for watcher in watchers:
            watcher.cancel()
        pending = [task for task in catch_ups if not task.done()]
        if pending:  # a digest being posted is finished first (bounded), rather than left half-posted
            await asyncio.wait(pending, timeout=SHUTDOWN_GRACE_SECONDS)
        await leases.release()
        for close in closers:
            await close()
        for task in [*tasks, *catch_ups, stopper]:
            task.cancel()
        return 1 if failed else 0
    finally:
        worker.close()
        if poll_worker is not None:
            poll_worker.close()
