"""robots.txt for page fetches (RFC 9309), read with urllib.robotparser and cached per host.

- 2xx: the file's rules for our user agent decide.
- 4xx (404 and the rest): no usable rules, so everything is allowed (RFC 9309 §2.3.1.3).
- 5xx, a timeout, a refused connection, an oversize file: the site is unreachable, so its pages are
  treated as disallowed for now (§2.3.1.4) and robots.txt is asked again after UNREACHABLE_TTL.
- A verdict is kept for ROBOTS_TTL (the RFC's 24 hours at most), per scheme and host.
Feeds are not checked: a feed exists to be polled by readers and is followed because someone
listed it; what is checked is every article page the bot fetches.
"""

from __future__ import annotations

import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

ROBOTS_TTL = 24 * 3600.0  # seconds a fetched robots.txt is trusted (RFC 9309: at most 24 hours)
UNREACHABLE_TTL = 15 * 60.0  # seconds before an unreachable robots.txt is asked for again
MAX_HOSTS = 1_000  # verdicts kept; the oldest is forgotten first


class _Fetched(Protocol):
    status: int | None
    body: bytes
    error: str | None


@dataclass
class RobotsVerdict:
    allowed: bool
    reason: str | None = None  # why a page is not fetched, for the report


@dataclass
class _Entry:
    parser: urllib.robotparser.RobotFileParser | None  # None: no rules (4xx)
    blocked: str | None  # the unreachable reason, when robots.txt could not be read
    expires: float


class RobotsCache:
    """Robots verdicts per host, fetched through `get` (the bot's own client, its limits and delay)."""

    def __init__(self, get: Callable[[str], _Fetched], user_agent: str, *,
                 monotonic: Callable[[], float] = time.monotonic, ttl: float = ROBOTS_TTL,
                 unreachable_ttl: float = UNREACHABLE_TTL):
        self._get = get
        self.user_agent = user_agent
        self.monotonic = monotonic
        self.ttl = ttl
        self.unreachable_ttl = unreachable_ttl
        self._hosts: dict[str, _Entry] = {}

    def check(self, url: str) -> RobotsVerdict:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return RobotsVerdict(True)  # nothing to ask; the fetch itself will say what is wrong
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        entry = self._hosts.get(origin)
        if entry is None or entry.expires <= self.monotonic():
            entry = self._fetch(origin)
        if entry.blocked:
            return RobotsVerdict(False, entry.blocked)
        if entry.parser is None or entry.parser.can_fetch(self.user_agent, url):
            return RobotsVerdict(True)
        return RobotsVerdict(False, f"{origin}/robots.txt disallows {parts.path or '/'} for this bot")

    def _fetch(self, origin: str) -> _Entry:
        result = self._get(f"{origin}/robots.txt")
        now = self.monotonic()
        status = result.status
        if status is not None and 200 <= status < 300 and result.error is None:
            parser = urllib.robotparser.RobotFileParser()
            parser.parse(result.body.decode("utf-8", "replace").splitlines())
            entry = _Entry(parser, None, now + self.ttl)
        elif status is not None and 400 <= status < 500:
            entry = _Entry(None, None, now + self.ttl)
        else:
            why = result.error or f"HTTP {status}"
            entry = _Entry(None, f"{origin}/robots.txt unreachable ({why}); its pages are not fetched until "
                                 "it answers (RFC 9309)", now + self.unreachable_ttl)
        if len(self._hosts) >= MAX_HOSTS:
            self._hosts.pop(next(iter(self._hosts)))
        self._hosts.pop(origin, None)  # re-inserted last: the dict's order is the age order
        self._hosts[origin] = entry
        return entry
