"""Poll one source once: fetch (conditionally), read its items, ingest them through the archive.

An item polled again is `unchanged` (same stable key, same content); one whose content changed at
the source is stored as a new article the key now points at, as the pipeline does for a changed
file, and reported as `updated`. Failures back off exponentially (with jitter, at least as long as
the server's Retry-After asks); the backoff is kept in the archive's state so restarts respect it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from briefings.archive import Archive
from briefings.errors import RejectedInput
from briefings.feeds.config import MIN_INTERVAL_MINUTES, SourceSpec, load_sources
from briefings.feeds.fetch import FetchResult, HttpClient, load_validators, save_validators
from briefings.feeds.parse import FeedItem, canonical_link, parse_feed
from briefings.ingest.pipeline import ItemReport
from briefings.ingest.readers import RawArticle, looks_like_feed, read_file

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=6)
FAILURES_TO_REPORT = 3  # failures in a row after which every further failure is a warning in the log


@dataclass
class PollReport:
    source: str
    url: str
    new: list[str] = field(default_factory=list)  # article ids
    updated: list[str] = field(default_factory=list)  # new versions of items already stored
    unchanged: int = 0
    duplicate: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (item, reason)
    not_modified: bool = False
    skipped: bool = False  # still backing off from an earlier failure; nothing fetched
    blocked: str | None = None  # robots.txt keeps the bot off this page: skipped, not a failure
    error: str | None = None
    status: int | None = None
    backoff_until: datetime | None = None
    notes: list[str] = field(default_factory=list)  # e.g. a linked page that could not be fetched

    def summary_line(self) -> str:
        if self.blocked:
            return f"{self.source}: skipped: {self.blocked}"
        if self.skipped:
            return f"{self.source}: backing off until {self.backoff_until:%Y-%m-%d %H:%M %Z}; not fetched"
        if self.error:
            return f"{self.source}: error: {self.error}; next try after {self.backoff_until:%Y-%m-%d %H:%M %Z}"
        if self.not_modified:
            return f"{self.source}: not modified"
        return (f"{self.source}: {len(self.new)} new, {len(self.updated)} updated, {self.unchanged} unchanged, "
                f"{self.duplicate} duplicates, {len(self.rejected)} rejected")


def _backoff_key(name: str) -> str:
    return f"feeds:backoff:{name}"


def _status_key(name: str) -> str:
    return f"feeds:status:{name}"


def source_status(archive: Archive, name: str) -> dict:
    """What `sources` shows: last poll, last success, last error, items seen, failures in a row."""
    raw = archive.store.get_state(_status_key(name))
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        return {}


def _record(archive: Archive, source: SourceSpec, report: PollReport, now: datetime) -> PollReport:
    """Keep the source's status for `sources`; a source failing again and again is said loudly in the
    log (it is never disabled: it keeps being retried, at most every MAX_BACKOFF)."""
    if report.skipped:
        return report
    status = source_status(archive, source.name)
    status["last_poll"] = now.isoformat(timespec="seconds")
    status.pop("skipped", None)
    if report.blocked:  # shown by `sources`; neither a success nor a failure
        status["skipped"] = report.blocked
    if report.error:
        until = report.backoff_until.isoformat(timespec="seconds") if report.backoff_until else None
        status.update(last_error=report.error[:300], last_error_at=now.isoformat(timespec="seconds"),
                      failures=int(status.get("failures", 0)) + 1, backoff_until=until)
        if status["failures"] >= FAILURES_TO_REPORT:
            log.warning("source %s has failed %d times in a row (last: %s); still retrying, next after %s",
                        source.name, status["failures"], report.error, status["backoff_until"])
    elif not report.blocked:
        seen = len(report.new) + len(report.updated) + report.unchanged + report.duplicate
        status.update(last_success=now.isoformat(timespec="seconds"), failures=0, backoff_until=None,
                      items_seen=int(status.get("items_seen", 0)) + seen,
                      new_total=int(status.get("new_total", 0)) + len(report.new) + len(report.updated))
    archive.store.set_state(_status_key(source.name), json.dumps(status, ensure_ascii=False), now)
    return report


def backoff_state(archive: Archive, name: str) -> tuple[int, datetime | None]:
    raw = archive.store.get_state(_backoff_key(name))
    try:
        data = json.loads(raw) if raw else {}
        return int(data.get("failures", 0)), datetime.fromisoformat(data["until"]) if data.get("until") else None
    except (ValueError, TypeError, KeyError):
        return 0, None


def _fail(archive: Archive, source: SourceSpec, report: PollReport, result: FetchResult | None, error: str,
          now: datetime, jitter: Callable[[], float]) -> PollReport:
    failures = backoff_state(archive, source.name)[0] + 1
    base = timedelta(minutes=source.interval) * 2 ** min(failures - 1, 10)
    delay = min(base, MAX_BACKOFF) * (1 + 0.25 * jitter())  # jitter: many failing feeds do not retry in step
    if result is not None and result.retry_after is not None:
        delay = max(delay, timedelta(seconds=result.retry_after))
    until = now + delay
    archive.store.set_state(_backoff_key(source.name), json.dumps({"failures": failures, "until": until.isoformat()}),
                            now)
    report.error, report.backoff_until = error, until
    report.status = result.status if result is not None else None
    return report


def _page_article(result: FetchResult, url: str) -> RawArticle:
    """A fetched page read as the project reads an .html file; its identity is its text, not its bytes
    (a page's ads and tokens change every load)."""
    raw = read_file(Path("page.html"), result.body, "", source=url).articles[0]
    raw.raw_bytes_hash = hashlib.sha256(json.dumps([raw.title, raw.lines], ensure_ascii=False).encode()).hexdigest()
    raw.url = raw.url or canonical_link(url)
    return raw


def _with_page(item: FeedItem, http: HttpClient, now: datetime) -> tuple[RawArticle, str | None]:
    """The item's full text from its linked page; the feed's summary (and a note why) if that fails."""
    verdict = http.allowed(item.link or "")
    if not verdict.allowed:
        return item.raw, f"page not fetched ({verdict.reason}); the feed's summary kept"
    result = http.get(item.link or "", now=now)
    if not result.ok:
        return item.raw, f"page not fetched ({result.error}); the feed's summary kept"
    try:
        page = _page_article(result, item.link or "")
    except RejectedInput as exc:
        return item.raw, f"page not read ({exc.reason}); the feed's summary kept"
    feed = item.raw
    merged = RawArticle(feed.source, page.lines, feed.raw_bytes_hash, "feed+page", title=feed.title or page.title,
                        url=feed.url, published=feed.published or page.published, outlet=feed.outlet,
                        site_name=page.site_name or feed.site_name, captions=page.captions)
    return merged, None


def poll_source(archive: Archive, source: SourceSpec, http: HttpClient, now: datetime, *, force: bool = False,
                jitter: Callable[[], float] = random.random) -> PollReport:
    """Fetch `source` once and ingest what is new. `now` is aware; nothing here sleeps but the politeness
    delay of `http` (injected). The outcome is kept as the source's status."""
    return _record(archive, source, _poll(archive, source, http, now, force, jitter), now)


def _poll(archive: Archive, source: SourceSpec, http: HttpClient, now: datetime, force: bool,
          jitter: Callable[[], float]) -> PollReport:
    store = archive.store
    report = PollReport(source.name, source.url)
    if source.folder is not None:  # a watched folder: a re-scan ingests what is new or changed
        return _scan_folder(archive, source, report)
    _, until = backoff_state(archive, source.name)
    if not force and until is not None and until > now:
        report.skipped, report.backoff_until = True, until
        return report
    if source.page is not None and not (verdict := http.allowed(source.page)).allowed:
        report.blocked = verdict.reason
        return report
    result = http.get(source.url, validators=load_validators(store, source.url), now=now)
    report.status = result.status
    if result.not_modified:
        report.not_modified = True
        store.set_state(_backoff_key(source.name), "{}", now)
        return report
    if not result.ok:
        return _fail(archive, source, report, result, result.error or f"HTTP {result.status}", now, jitter)
    error = _ingest_fetched(archive, source, result, report, http, now)
    if error:
        return _fail(archive, source, report, result, error, now, jitter)
    save_validators(store, source.url, result, now)
    store.set_state(_backoff_key(source.name), "{}", now)
    return report


def _scan_folder(archive: Archive, source: SourceSpec, report: PollReport) -> PollReport:
    folder = Path(source.folder or "")
    if not folder.is_dir():
        report.error = f"folder not found: {folder}"
        return report
    outcome = archive.ingest([folder])
    for item in outcome.items:
        _tally(report, item)
    return report


def _tally(report: PollReport, item: ItemReport, updated: bool = False) -> None:
    """One ingested item into the report: new (or updated, for a key seen before), unchanged, ..."""
    if item.status == "added":
        (report.updated if updated else report.new).append(item.article_id or "")
    elif item.status == "unchanged":
        report.unchanged += 1
    elif item.status == "duplicate":
        report.duplicate += 1
    else:
        report.rejected.append((item.source, item.reason or "rejected"))


def _ingest_fetched(archive: Archive, source: SourceSpec, result: FetchResult, report: PollReport,
                    http: HttpClient, now: datetime) -> str | None:
    """Read a fetched feed or page into articles and ingest them; the error text if it cannot be read."""
    store = archive.store
    batch: list[tuple[RawArticle, str]] = []
    if source.feed:
        feed = parse_feed(result.body, result.url, result.headers.get("content-type", "application/xml"),
                          outlet=source.outlet)
        if feed.error:
            return feed.error
        report.rejected += feed.rejected
        for item in feed.items:
            seen = store.source_seen(item.key)
            raw = item.raw
            if source.fetch_pages and item.summary_only and item.link and not (seen and seen[0] == raw.raw_bytes_hash):
                raw, note = _with_page(item, http, now)
                if note:
                    report.notes.append(f"{item.raw.source}: {note}")
            batch.append((raw, item.key))
    else:
        try:
            page = _page_article(result, source.url)
        except RejectedInput as exc:
            return exc.reason
        page.outlet = source.outlet
        batch.append((page, canonical_link(source.url)))
    before = {key: store.source_seen(key) for _, key in batch}
    outcome = archive.ingest_raw(batch)
    for (_, key), item in zip(batch, outcome.items, strict=True):
        _tally(report, item, updated=bool(before[key]))
    return None


def ingest_url(archive: Archive, url: str, http: HttpClient, now: datetime) -> PollReport:
    """`briefings ingest URL`: a feed (all its items) or an article page, once, as a source would be.

    Whether URL is a feed is known only once fetched, so robots.txt is asked first, as for a page;
    a feed the site keeps robots off can still be followed by listing it as a feed in sources.yaml."""
    verdict = http.allowed(url)
    if not verdict.allowed:
        return PollReport(url, url, blocked=verdict.reason)
    result = http.get(url, now=now)
    report = PollReport(url, url, status=result.status)
    if not result.ok:
        report.error = result.error or f"HTTP {result.status}"
        return report
    head = result.body[:4096].decode("utf-8", "replace").lstrip("\ufeff")
    kind = "feed" if looks_like_feed(head) else "page"
    source = SourceSpec(name="url", interval=MIN_INTERVAL_MINUTES, **{kind: url})
    report.error = _ingest_fetched(archive, source, result, report, http, now)
    return report


def sources_overview(archive: Archive, now: datetime) -> list[dict]:
    """Every configured source with its status and when it is next due (by its interval or backoff)."""
    path = Path(archive.config_dir) / "sources.yaml"
    rows = []
    for source in load_sources(path) if path.exists() else []:
        status = source_status(archive, source.name)
        due = None
        if status.get("last_poll"):
            due = datetime.fromisoformat(status["last_poll"]) + timedelta(minutes=source.interval)
        if status.get("backoff_until"):
            due = max(filter(None, [due, datetime.fromisoformat(status["backoff_until"])]))
        rows.append({"name": source.name, "kind": source.kind, "url": source.url,
                     "interval_minutes": source.interval, **status,
                     "next_poll": (due or now).isoformat(timespec="minutes")})
    return rows
