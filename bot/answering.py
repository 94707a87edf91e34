"""Answering a chat command within a deadline, the same way on every platform.

A command runs on a free archive reader (bot.workers), so a slow one never holds up the others. If
its answer is not ready after `notice_after` seconds the adapter is asked to say so ("taking longer
than usual…"), and the answer follows when it arrives; after `give_up_after` the caller gets a
failure naming the command instead of silence. Timers go through `sleep`, which tests replace, so
no test waits for a deadline in real time.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.workers import ArchiveWorker
from briefings.archive import Archive
from briefings.commands import Commands, Reply, parse_text
from briefings.settings import ChatSettings
from briefings.textinput import normalize_input

log = logging.getLogger(__name__)
SLOW_NOTICE = ("조회가 평소보다 오래 걸립니다… 준비되는 대로 답을 보냅니다 / "
               "taking longer than usual… the answer follows as soon as it is ready")
Notice = Callable[[], Awaitable[None]]
Sleep = Callable[[float], Awaitable[Any]]


@dataclass(frozen=True)
class Deadlines:
    notice_after: float = ChatSettings().slow_notice_seconds  # Slack and Discord give 3 s for a first word
    give_up_after: float = ChatSettings().give_up_seconds

    @classmethod
    def from_settings(cls, chat: ChatSettings) -> Deadlines:
        return cls(chat.slow_notice_seconds, chat.give_up_seconds)


class CommandTimedOut(Exception):
    """A command still unanswered at the hard cap; the message is for the person who asked."""

    def __init__(self, command: str, seconds: float):
        super().__init__(f"`{command}` 명령이 {seconds:.0f}초 안에 끝나지 않아 답하지 못했습니다. 범위를 좁혀 "
                         f"(기간, 회사) 다시 시도하세요 / `{command}` did not finish within {seconds:.0f} s and was "
                         "given up; try again with a narrower query (a shorter period, one company)")
        self.command = command
        self.seconds = seconds


def command_name(text: str) -> str:
    """The command word of a typed line (`grid` of `grid 30d`), for notices and logs."""
    return parse_text(normalize_input(text))[0][:40]


class Answerer:
    """Runs chat commands on the worker's readers, each against the reader's own archive."""

    def __init__(self, worker: ArchiveWorker, commands: Commands, deadlines: Deadlines | None = None,
                 sleep: Sleep = asyncio.sleep):
        self.worker = worker
        self.commands = commands
        self.deadlines = deadlines or Deadlines.from_settings(commands.ctx.archive.settings.chat)
        self.sleep = sleep  # injected by tests: deadlines pass when the test says so

    def _bound(self, archive: Archive) -> Commands:
        """The same commands (class, channels, clock) answering from `archive`, the reader's own."""
        bound = copy.copy(self.commands)
        bound.ctx = dataclasses.replace(self.commands.ctx, archive=archive)
        return bound

    async def run_text(self, text: str, on_slow: Notice) -> Reply:
        return await self._within(command_name(text), lambda a: self._bound(a).run_text(text), on_slow)

    async def run(self, name: str, positional: list[str], named: dict[str, str], on_slow: Notice) -> Reply:
        return await self._within(name[:40], lambda a: self._bound(a).run(name, positional, named), on_slow)

    async def _within(self, name: str, fn: Callable[[Archive], Reply], on_slow: Notice) -> Reply:
        started = time.monotonic()
        job = asyncio.ensure_future(self.worker.read(fn))
        if await self._ready_within(job, self.deadlines.notice_after):
            return job.result()
        log.info("command %s: not answered within %.1f s; telling the caller", name, self.deadlines.notice_after)
        try:
            await on_slow()
        except Exception as exc:  # the notice is a courtesy: the answer is still worth sending
            log.warning("command %s: could not say it is taking longer: %r", name, exc)
        if await self._ready_within(job, self.deadlines.give_up_after - self.deadlines.notice_after):
            return job.result()
        job.add_done_callback(lambda _job: _log_late(name, started, _job))
        raise CommandTimedOut(name, self.deadlines.give_up_after)

    async def _ready_within(self, job: asyncio.Future, seconds: float) -> bool:
        timer = asyncio.ensure_future(self.sleep(seconds))
        try:
            await asyncio.wait({job, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
        return job.done()


def _log_late(name: str, started: float, job: asyncio.Future) -> None:
    """An answer given up on still ends (its reader cannot be interrupted): the log says when, and how."""
    failed = None if job.cancelled() else job.exception()
    log.warning("command %s: finished after %.1f s, after it was given up%s; its answer was dropped", name,
                time.monotonic() - started, f" (it failed: {failed!r})" if failed else "")
