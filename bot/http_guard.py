"""Hygiene for the HTTP endpoint Slack calls: no client can hold it open or make it crash.

aiohttp has no time limit on reading request headers, so an idle or byte-by-byte client could keep
a connection (and a file descriptor) forever. `GuardedServer` wraps aiohttp's protocol factory:
it caps open connections, closes a connection whose request headers have not arrived in time,
and caps a connection's lifetime. A middleware bounds the body read, answers 400 to a malformed
Slack timestamp (Bolt would raise on it: a 500 with a traceback), and refuses a verified request
replayed within Slack's five-minute window.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)
REPLAY_WINDOW_SECONDS = 300  # Slack rejects timestamps older than this, so a replay must fall inside it


@dataclass(frozen=True)
class HttpLimits:
    header_timeout: float = 10.0
    body_timeout: float = 10.0
    max_connections: int = 100
    max_lifetime: float = 300.0
    keepalive_timeout: float = 15.0


class _GuardedProtocol:
    """Stands between asyncio and aiohttp's RequestHandler for one connection."""

    def __init__(self, inner: Any, server: GuardedServer):
        self._inner = inner
        self._server = server
        self._transport: asyncio.Transport | None = None
        self._tail = b""
        self._timers: list[asyncio.TimerHandle] = []

    def __getattr__(self, name: str) -> Any:  # pause_writing, resume_writing, eof_received …
        return getattr(self._inner, name)

    def connection_made(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        server = self._server
        if server.open_connections >= server.limits.max_connections:
            log.warning("slack http: %d connections open; refusing another", server.open_connections)
            transport.close()
            self._transport = None
            return
        server.open_connections += 1
        loop = asyncio.get_running_loop()
        self._timers = [loop.call_later(server.limits.header_timeout, self._headers_overdue),
                        loop.call_later(server.limits.max_lifetime, self._close, "lifetime over")]
        self._inner.connection_made(transport)

    def _headers_overdue(self) -> None:
        self._close("request headers not received in time")

    def _close(self, why: str) -> None:
        if self._transport is not None and not self._transport.is_closing():
            log.info("slack http: closing a connection: %s", why)
            self._transport.close()

    def data_received(self, data: bytes) -> None:
        if self._transport is None:
            return
        if self._timers and self._timers[0] is not None:
            window = self._tail + data[:4096]
            if b"\r\n\r\n" in window:  # the first request's headers are complete
                self._timers[0].cancel()
                self._timers[0] = None  # type: ignore[call-overload]
            self._tail = window[-3:]
        self._inner.data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._transport is None:
            return
        self._server.open_connections -= 1
        for timer in self._timers:
            if timer is not None:
                timer.cancel()
        self._inner.connection_lost(exc)


class GuardedServer:
    """A protocol factory for loop.create_server around aiohttp's web.Server."""

    def __init__(self, server: Callable[[], Any], limits: HttpLimits):
        self._server = server
        self.limits = limits
        self.open_connections = 0

    def __call__(self) -> _GuardedProtocol:
        return _GuardedProtocol(self._server(), self)


def guard_middleware(limits: HttpLimits, clock: Callable[[], float] = time.monotonic) -> Callable:
    seen: OrderedDict[str, float] = OrderedDict()  # verified signatures → when they were served

    @web.middleware
    async def guard(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
        stamp = request.headers.get("X-Slack-Request-Timestamp")
        if stamp is not None and not stamp.strip().isdecimal():
            return web.Response(status=400, text="malformed X-Slack-Request-Timestamp")
        try:
            await asyncio.wait_for(request.read(), limits.body_timeout)  # cached; Bolt reads it again
        except TimeoutError:
            return web.Response(status=408, text="request body not received in time")
        now = clock()
        while seen and next(iter(seen.values())) < now - REPLAY_WINDOW_SECONDS:
            seen.popitem(last=False)
        signature = request.headers.get("X-Slack-Signature", "")
        if signature and signature in seen:
            log.warning("slack http: a replayed request (same signature) was refused")
            return web.Response(status=409, text="replayed request")
        response = await handler(request)
        if signature and response.status < 300:  # only a request Bolt verified and served counts
            seen[signature] = now
        return response

    return guard
