"""The console adapter: commands typed at a prompt, digests printed as they fire.

What `make run` starts on a fresh machine (no chat credentials). Input is read on a thread so
the scheduler keeps running while the prompt waits.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import uuid
from pathlib import Path
from typing import Any, TextIO

from bot.actions import Actions
from bot.answering import SLOW_NOTICE, Answerer, CommandTimedOut, command_name
from bot.channels import ChannelSpec
from bot.rendering import attachment, render_off_loop
from bot.workers import ArchiveWorker
from briefings.commands import Commands
from briefings.templating import TemplateSet

PROMPT = "briefings> "
CHART_FOLDER = Path("var/files")  # charts and exports asked for at the console


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

    async def answer(self, line: str) -> str:
        async def taking_longer() -> None:
            self.write(f"({command_name(line)}) {SLOW_NOTICE}")

        try:
            reply = await self.answerer.run_text(line, taking_longer)
        except CommandTimedOut as exc:
            return str(exc)
        reply = await self.actions.carry_out(reply, admin=True, who="console")  # the operator at the terminal
        text = (await render_off_loop(reply.digest, "text", self.templates))[0]["text"]
        if (attached := await attachment(reply)) is not None:  # a terminal shows no file: it goes to a folder
            name, data = attached
            path = CHART_FOLDER / f"{Path(name).stem}-{uuid.uuid4().hex[:8]}{Path(name).suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            text += f"\n파일 / file: {path}"
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
        while True:
            self.out.write(PROMPT)
            self.out.flush()
            line = await lines.get()
            if not line:  # end of input
                return
            line = line.strip()
            if line in ("quit", "exit", "q"):
                return
            if line:
                self.write(await self.answer(line))

    async def post_file(self, channel: ChannelSpec, name: str, data: bytes, comment: str) -> None:
        path = CHART_FOLDER / f"{Path(name).stem}-{uuid.uuid4().hex[:8]}{Path(name).suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.write(f"[{channel.name}] {comment}\n파일 / file: {path}")

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
