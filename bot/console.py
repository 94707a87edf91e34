"""The console adapter: commands typed at a prompt, digests printed as they fire.

What `make run` starts on a fresh machine (no chat credentials). Input is read on a thread so
the scheduler keeps running while the prompt waits.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import uuid
from pathlib import Path
from typing import Any, TextIO

from bot.actions import Actions
from bot.answering import SLOW_NOTICE, Answerer, CommandTimedOut, Notice, command_name
from bot.channels import ChannelSpec
from bot.rendering import attachment, render_off_loop
from bot.workers import ArchiveWorker
from briefings.commands import INTERNAL_ERROR, Commands
from briefings.templating import TemplateSet

log = logging.getLogger(__name__)
PROMPT = "briefings> "
CHART_FOLDER = Path("var/files")  # charts and exports asked for at the console


def _save(name: str, data: bytes) -> Path:
    """A chart or export written under CHART_FOLDER with a unique suffix: a terminal shows no file."""
    path = CHART_FOLDER / f"{Path(name).stem}-{uuid.uuid4().hex[:8]}{Path(name).suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


class ConsoleAdapter:
    def __init__(self, worker: ArchiveWorker, commands: Commands, out: TextIO = sys.stdout,
                 inp: TextIO = sys.stdin):
        self.worker = worker
        self.commands = commands
        self.answerer = Answerer(worker, commands)  # on the archive's readers, within the chat deadlines
        self.out = out
        self.inp = inp
        self.templates = TemplateSet()
        self.actions = Actions()

    def write(self, text: str) -> None:
        self.out.write(text if text.endswith("\n") else text + "\n")
        self.out.flush()

    async def answer(self, line: str, on_slow: Notice | None = None) -> str:
        async def taking_longer() -> None:
            self.write(f"({command_name(line)}) {SLOW_NOTICE}")
            if on_slow is not None:
                await on_slow()

        try:
            reply = await self.answerer.run_text(line, taking_longer)
        except CommandTimedOut as exc:
            return str(exc)
        reply = await self.actions.carry_out(reply, admin=True, who="console")  # the operator at the terminal
        text = (await render_off_loop(reply.digest, "text", self.templates))[0]["text"]
        if (attached := await attachment(reply)) is not None:  # a terminal shows no file: it goes to a folder
            text += f"\n파일 / file: {_save(*attached)}"
        return text

    def _read_lines_in_background(self) -> asyncio.Queue[str]:
        """Lines from a daemon thread: a blocking read in the loop's executor would hold up shutdown
        (SIGTERM or Ctrl-C at the prompt) until the next line arrived."""
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str] = asyncio.Queue()

        def pump() -> None:
            while True:
                line = self.inp.readline()
                try:
                    loop.call_soon_threadsafe(lines.put_nowait, line)
                except RuntimeError:  # the loop is gone: the bot has stopped
                    return
                if not line:
                    return

        threading.Thread(target=pump, name="console-input", daemon=True).start()
        return lines

    async def run(self) -> None:
        lines = self._read_lines_in_background()
        self.write("briefings console — type `help` (Korean or English commands), `quit` to leave.")
        late: set[asyncio.Task] = set()  # slow answers, printed when they arrive
        try:
            while True:
                self.out.write(PROMPT)
                self.out.flush()
                line = await lines.get()
                if not line or line.strip() in ("quit", "exit", "q"):  # end of input, or asked to
                    break
                if line.strip():
                    await self._answer_at_prompt(line.strip(), late)
        except asyncio.CancelledError:  # the bot is stopping: nothing more is printed
            for task in late:
                task.cancel()
            raise
        if late:  # answers already promised are printed before the console ends (each ends by the cap)
            await asyncio.wait(late)

    async def _answer_at_prompt(self, line: str, late: set[asyncio.Task]) -> None:
        """A quick answer is printed before the next prompt; a slow one, once it has said so, is
        printed when it arrives, and the prompt is back meanwhile."""
        noticed = asyncio.Event()

        async def on_slow() -> None:
            noticed.set()

        job = asyncio.ensure_future(self.answer(line, on_slow))
        told = asyncio.ensure_future(noticed.wait())
        try:
            await asyncio.wait({job, told}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            told.cancel()
        if job.done():
            self.write(job.result())
            return
        late.add(job)
        job.add_done_callback(lambda done: self._print_late(line, done, late))

    def _print_late(self, line: str, job: asyncio.Task, late: set[asyncio.Task]) -> None:
        late.discard(job)
        if job.cancelled():
            return
        if (exc := job.exception()) is not None:
            log.error("console: %r failed: %r", line[:80], exc)
        self.write(f"\n[{command_name(line)}]\n{INTERNAL_ERROR if exc is not None else job.result()}")
        self.out.write(PROMPT)
        self.out.flush()

    async def post_file(self, channel: ChannelSpec, name: str, data: bytes, comment: str) -> None:
        self.write(f"[{channel.name}] {comment}\n파일 / file: {_save(name, data)}")

    @staticmethod
    def permanent(exc: Exception) -> bool:
        return False

    @staticmethod
    def retry_after(exc: Exception) -> float | None:
        return None

    async def post(self, channel: ChannelSpec, payload: dict[str, Any], *, key: str, thread_ref: str | None,
                   resume: bool) -> str:
        self.write(f"\n[scheduled digest · {channel.name}]\n{payload['text']}")
        return key
