"""A small, polite HTTP client for feeds and pages: every failure is a value, never an exception.

Conditional GET (ETag / Last-Modified remembered per URL in the archive's key-value state), a
timeout, a streamed size cap, at most MAX_REDIRECTS redirects followed by hand (so a loop stops),
and a politeness delay between two requests to the same host. Time and sleep are injected.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from briefings.feeds.robots import RobotsCache, RobotsVerdict

MAX_BYTES = 5_000_000
MAX_REDIRECTS = 5
USER_AGENT = "briefings-feeds/0.1 (+https://github.com/; polite news reader)"


class StateStore(Protocol):
    def get_state(self, key: str) -> str | None: ...
    def set_state(self, key: str, value: str, now: datetime) -> None: ...


@dataclass
class FetchResult:
    url: str  # the URL finally answered (after redirects)
    status: int | None = None  # None: no HTTP answer (refused, timeout, DNS)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    retry_after: float | None = None  # seconds, from a Retry-After header

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait: Retry-After is either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _state_key(url: str) -> str:
    return f"feeds:http:{url}"


def load_validators(store: StateStore, url: str) -> dict[str, str]:
    raw = store.get_state(_state_key(url))
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return {k: v for k, v in data.items() if k in ("etag", "last_modified") and isinstance(v, str)}


def save_validators(store: StateStore, url: str, result: FetchResult, now: datetime) -> None:
    """Called once the body has been used: saved earlier, a crash would leave items behind a 304."""
    data = {"etag": result.headers.get("etag"), "last_modified": result.headers.get("last-modified")}
    data = {k: v for k, v in data.items() if v}
    if data:
        store.set_state(_state_key(url), json.dumps(data), now)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None  # redirects are followed by hand, counted


class HttpClient:
    def __init__(self, *, timeout: float = 20.0, max_bytes: int = MAX_BYTES, host_delay: float = 2.0,
                 monotonic: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 use_env_proxy: bool = True):
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.host_delay = host_delay  # seconds between two requests to one host
        self.monotonic = monotonic
        self.sleep = sleep
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if not use_env_proxy:
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)
        self._last_hit: dict[str, float] = {}
        # robots.txt goes through this same client: its timeout, size cap, redirects and host delay
        self.robots = RobotsCache(lambda url: self.get(url), USER_AGENT, monotonic=monotonic)

    def allowed(self, url: str) -> RobotsVerdict:
        """Whether the site's robots.txt lets this bot fetch the page `url` (asked once per host and TTL)."""
        return self.robots.check(url)

    def _be_polite(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        last = self._last_hit.get(host)
        if last is not None:
            wait = self.host_delay - (self.monotonic() - last)
            if wait > 0:
                self.sleep(wait)
        self._last_hit[host] = self.monotonic()

    def get(self, url: str, *, validators: dict[str, str] | None = None,
            now: datetime | None = None) -> FetchResult:
        now = now or datetime.now(UTC)
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            result = self._get_once(current, validators or {}, now)
            location = result.headers.get("location")
            if result.status in (301, 302, 303, 307, 308) and location:
                current = urljoin(current, location)
                if urlsplit(current).scheme not in ("http", "https"):
                    return FetchResult(current, result.status, error=f"redirect to a non-HTTP URL: {current}")
                continue
            return result
        return FetchResult(current, None, error=f"more than {MAX_REDIRECTS} redirects (stopped at {current})")

    def _get_once(self, url: str, validators: dict[str, str], now: datetime) -> FetchResult:
        self._be_polite(url)
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
        request = urllib.request.Request(url, headers=headers)
        try:
            response = self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:  # 3xx (not followed here), 304, 4xx, 5xx
            got = {k.lower(): v for k, v in exc.headers.items()} if exc.headers else {}
            exc.close()
            error = None if exc.code in (301, 302, 303, 304, 307, 308) else f"HTTP {exc.code} {exc.reason}"
            return FetchResult(url, exc.code, headers=got, error=error,
                               retry_after=parse_retry_after(got.get("retry-after"), now))
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            return FetchResult(url, None, error=f"cannot fetch {url}: {reason}")
        with response:
            got = {k.lower(): v for k, v in response.headers.items()}
            declared = got.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                return FetchResult(url, response.status, headers=got, error=self._too_large(int(declared)))
            try:
                body = _read_capped(response, self.max_bytes, time.monotonic() + self.timeout)
            except TimeoutError:
                return FetchResult(url, response.status, headers=got,
                                   error=f"the response took longer than {self.timeout:g} s to arrive; gave up")
            except (OSError, http.client.HTTPException) as exc:
                return FetchResult(url, response.status, headers=got, error=f"connection lost while reading: {exc!r}")
            if body is None:
                return FetchResult(url, response.status, headers=got, error=self._too_large(None))
            error = None if response.status == 200 else f"unexpected HTTP {response.status}"
            return FetchResult(url, response.status, body, got, error)

    def _too_large(self, size: int | None) -> str:
        told = f"{size:,} bytes" if size is not None else "more"
        return f"response too large: {told} (limit {self.max_bytes:,} bytes); refused"


def _read_capped(response: object, cap: int, deadline: float) -> bytes | None:
    """The body, read in chunks; None as soon as it passes `cap` (never held whole in memory).
    The socket timeout bounds each read only; `deadline` bounds them all (a server dripping bytes)."""
    chunks, total = [], 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read1(64 * 1024)  # type: ignore[attr-defined]
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > cap:
            return None
        chunks.append(chunk)
