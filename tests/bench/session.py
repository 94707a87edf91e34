"""Drive a real bot process (tests.bench.botproc) at its console: time each answer, watch its memory.

A command is timed from writing its line to the bot's stdin until the console's next prompt: the
whole console adapter path (archive thread, command, rendering to text, any chart file written).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

from tests.bench.pool import CONFIG, ROOT, SEEDS

PROMPT = b"briefings> "
START_TIMEOUT_S = 300.0  # a start is not a command: it has its own (generous) limit
NEVER = "0 4 29 2 *"  # 04:00 on 29 February: a bench channel's digest never fires during a run
# Channels of the bench config, besides the shipped one: `digest NAME` previews them.
BENCH_CHANNELS = {
    "daily-kt": {"group": "company", "companies": ["KT"], "window": "7d", "max_stories": 5},
    "weekly-themes": {"group": "theme", "window": "since-last", "max_stories": 3},
    "esg-watch": {"group": "company", "themes": ["esg"], "window": "30d", "max_stories": 5},
    "telco-grid": {"group": "grid", "window": "30d", "max_stories": 2},
    "ai-en": {"group": "theme", "themes": ["ai_dx"], "window": "90d", "language": "en"},
}


class Timeout(Exception):
    """The bot did not answer within the bench's limit (it is then killed)."""


def bench_config(folder: Path) -> Path:
    """The shipped config with absolute seeds and channels that never fire during a run (so no
    scheduled digest lands in the middle of an answer)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in CONFIG.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    settings = yaml.safe_load((CONFIG / "briefings.yaml").read_text(encoding="utf-8")) or {}
    settings.setdefault("ingest", {})["seeds"] = str(SEEDS)
    (folder / "briefings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    channels = yaml.safe_load((CONFIG / "channels.yaml").read_text(encoding="utf-8"))
    for channel in channels["channels"]:
        channel["schedule"] = NEVER
    channels["channels"] += [{"name": name, "platform": "console", "channel": f"bench-{name}", "schedule": NEVER,
                              "digest": spec} for name, spec in BENCH_CHANNELS.items()]
    (folder / "channels.yaml").write_text(yaml.safe_dump(channels, allow_unicode=True), encoding="utf-8")
    return folder


def channel_names() -> list[str]:
    shipped = yaml.safe_load((CONFIG / "channels.yaml").read_text(encoding="utf-8"))["channels"]
    return [c["name"] for c in shipped] + list(BENCH_CHANNELS)


class BotSession:
    """One bot process. `ready_s`: from spawning it to its first prompt."""

    def __init__(self, db: str, config: Path, timeout: float = 120.0):
        self.work = Path(tempfile.mkdtemp(prefix="bench-bot-"))  # var/files (charts) land here
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "BRIEFINGS_"))}
        env["PYTHONPATH"] = str(ROOT)
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.botproc", "--config", str(config), "--db", db],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=self.work, env=env)
        self._buffer = bytearray()
        self._errors = bytearray()
        self._changed = threading.Condition()
        self._closed = False
        threading.Thread(target=self._pump, args=(self.proc.stdout, self._buffer), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self._errors), daemon=True).start()
        self.banner = self._until_prompt(timeout)
        self.ready_s = time.perf_counter() - started

    def _pump(self, stream, into: bytearray) -> None:
        while chunk := os.read(stream.fileno(), 65536):
            with self._changed:
                into.extend(chunk)
                self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _until_prompt(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        with self._changed:
            while (at := self._buffer.find(PROMPT)) < 0:
                left = deadline - time.monotonic()
                if self._closed and self.proc.poll() is not None:
                    raise RuntimeError(f"the bot exited ({self.proc.returncode}): {self.stderr()[-2000:]}")
                if left <= 0:
                    self.kill()
                    raise Timeout(f"no answer within {timeout:.0f} s")
                self._changed.wait(min(left, 0.5))
            text = bytes(self._buffer[:at]).decode("utf-8", "replace")
            del self._buffer[:at + len(PROMPT)]
        return text

    def ask(self, line: str, timeout: float = 120.0) -> tuple[float, str]:
        """Seconds until the answer is complete, and the answer as printed."""
        data = (line + "\n").encode()
        started = time.perf_counter()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()
        text = self._until_prompt(timeout)
        return time.perf_counter() - started, text

    def memory(self) -> dict[str, float]:
        """Peak and current resident memory of the bot process, in MB (Linux /proc)."""
        out = {}
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out["peak_rss_mb" if key == "VmHWM" else "rss_mb"] = round(int(value.split()[0]) / 1024, 1)
        except OSError:
            pass
        return out

    def stderr(self) -> str:
        with self._changed:
            return bytes(self._errors).decode("utf-8", "replace")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b"quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.kill()
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self) -> BotSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
