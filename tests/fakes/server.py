"""What both fakes share: an aiohttp app on 127.0.0.1 (never another address) at a free port,
and the faults tests steer: 429 storms per channel, and posts accepted but never answered."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Self

from aiohttp import web


class LocalServer:
    def __init__(self) -> None:
        self.url = ""
        self.posted: asyncio.Queue[dict[str, Any]] = asyncio.Queue()  # every message accepted
        self.rate_limits: dict[str, int] = {}  # channel -> how many 429s before accepting
        self.retry_after = 1
        self.down: Callable[[], bool] = lambda: False  # while true, posts get a 500 (an outage)
        self.missing_channels: set[str] = set()  # posts to these fail as an unknown channel
        self.swallow: int | None = None  # accept this many more posts, then hang on the next one
        self._hung = asyncio.Event()
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None

    def add_routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> Self:
        app = web.Application()
        self.add_routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def close(self) -> None:
        self._hung.set()
        for ws in self._sockets:
            await ws.close()
        if self._runner:
            await self._runner.cleanup()

    def rate_limited(self, channel: str) -> bool:
        """True while a 429 storm on this channel lasts (each call uses up one 429)."""
        if self.rate_limits.get(channel, 0) <= 0:
            return False
        self.rate_limits[channel] -= 1
        return True

    async def accepted(self, message: dict[str, Any]) -> None:
        """A post is in the channel; when `swallow` runs out, the poster never hears so (it 'dies')."""
        self.posted.put_nowait(message)
        if self.swallow is not None:
            swallow, self.swallow = self.swallow, self.swallow - 1
            if swallow == 0:
                await self._hung.wait()

    async def kill_after(self, delivery: Awaitable[Any], posts: int, timeout: float = 20) -> None:
        """Run a delivery and cancel it, as a kill would, once this fake has accepted `posts` messages."""
        task = asyncio.ensure_future(delivery)
        for _ in range(posts):
            await asyncio.wait_for(self.posted.get(), timeout)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return
        raise AssertionError("the delivery finished before it could be cut off")
