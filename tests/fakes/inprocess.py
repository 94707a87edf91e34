"""In-process fakes the bot's tests share: a clock the test moves (with an asyncio sleep that moves it
instead of waiting), and a poster that records what it was asked to post."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any


class FakeTime:
    """A clock and an asyncio sleep that moves it: an hour of backoff takes no real time."""

    def __init__(self, start: datetime):
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)
        await asyncio.sleep(0)


class RecordingPoster:
    """Accepts every post and keeps its text; no error is ever permanent or carries a Retry-After."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def post(self, channel: Any, payload: dict[str, Any], *, key: str, thread_ref: str | None,
                   resume: bool) -> str:
        self.texts.append(payload["text"])
        return f"ref-{len(self.texts)}"

    @staticmethod
    def permanent(exc: Exception) -> bool:
        return False

    @staticmethod
    def retry_after(exc: Exception) -> float | None:
        return None
