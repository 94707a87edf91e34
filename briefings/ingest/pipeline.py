"""Ingest a batch of files: every file gets a verdict, a bad one never stops the batch."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from briefings.errors import RejectedInput
from briefings.ingest.build import ArticleBuilder, content_hash
from briefings.ingest.parallel import Analysis, Pending, build_one
from briefings.ingest.readers import RawArticle, display_path, iter_input_files, read_file
from briefings.models import Article
from briefings.store.base import ArchiveStore

log = logging.getLogger(__name__)
Status = Literal["added", "unchanged", "duplicate", "rejected"]


@dataclass
class ItemReport:
    source: str
    status: Status
    article_id: str | None = None
    reason: str | None = None


@dataclass
class IngestReport:
    items: list[ItemReport] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(item.status for item in self.items)
        return {status: counter.get(status, 0) for status in ("added", "unchanged", "duplicate", "rejected")}

    @property
    def rejected(self) -> list[ItemReport]:
        return [item for item in self.items if item.status == "rejected"]

    def summary_line(self) -> str:
        c = self.counts
        return (f"{c['added']} added, {c['unchanged']} unchanged, {c['duplicate']} duplicates, "
                f"{c['rejected']} rejected")


def _source_key(path: Path, source: str) -> str:
    """Sources are keyed by absolute path so the same file is recognised from any folder."""
    return display_path(path.resolve()) + source[len(display_path(path)):]


def _missing_reason(path: Path) -> str:
    if str(path).startswith(("http:/", "https:/")):  # Path folds '//' to '/'
        return "a URL, not a file: add it to config/sources.yaml (feed: or page:) and run `briefings poll`"
    return "no such file or folder"


class Ingestor:
    def __init__(self, store: ArchiveStore, builder: ArticleBuilder, max_file_bytes: int,
                 clock: Callable[[], datetime]):
        self.store = store
        self.builder = builder
        self.max_file_bytes = max_file_bytes
        self.clock = clock

    def ingest(self, paths: list[Path], progress: Callable[[int, int], None] | None = None,
               workers: int = 1) -> IngestReport:
        """Every file and article gets a verdict. `progress(done, total)` counts articles (the total is
        estimated from the files' sizes in records until each is read); `workers` > 1 analyses in that
        many processes once there is enough to analyse, with the same results as one."""
        report = IngestReport()
        missing = [p for p in paths if not p.exists()]
        report.items += [ItemReport(display_path(p), "rejected", reason=_missing_reason(p)) for p in missing]

        def unreadable(name: str, why: str) -> None:
            report.items.append(ItemReport(name, "rejected", reason=why))

        files = list(iter_input_files([p for p in paths if p.exists()], on_error=unreadable))
        with Analysis(self.builder, workers) as analysis:
            BulkRun(self, report, analysis, progress).run(files)
        return report

    def read(self, path: Path) -> tuple[list[ItemReport], list[tuple[RawArticle, str]]]:
        """A file's rejections, and its articles with their source keys."""
        source = display_path(path)
        try:
            size = path.stat().st_size
            if size > self.max_file_bytes:
                raise RejectedInput(source, f"too large: {size:,} bytes (limit {self.max_file_bytes:,})")
            if size == 0:
                raise RejectedInput(source, "empty file")
            data = path.read_bytes()
            outcome = read_file(path, data, hashlib.sha256(data).hexdigest(), source)
        except RejectedInput as exc:
            return [ItemReport(exc.source, "rejected", reason=exc.reason)], []
        except OSError as exc:
            return [ItemReport(source, "rejected", reason=f"cannot read: {exc.strerror or exc}")], []
        rejected = [ItemReport(r.source, "rejected", reason=r.reason) for r in outcome.rejected]
        return rejected, [(raw, _source_key(path, raw.source)) for raw in outcome.articles]

    def ingest_raw(self, raw: RawArticle, key: str) -> ItemReport:
        """One article read elsewhere (a feed item, a fetched page) under a stable source key; a changed
        source is stored as a new article and the key points at it, as for a changed file."""
        try:
            return self._ingest_one(raw, key)
        except Exception as exc:  # e.g. a storage error: this item's verdict
            log.error("could not store %s: %r", raw.source, exc)
            return ItemReport(raw.source, "rejected", reason=f"could not store: {exc!r}")

    def _ingest_one(self, raw: RawArticle, key: str) -> ItemReport:
        seen = self.store.source_seen(key)
        if seen and seen[0] == raw.raw_bytes_hash:
            return ItemReport(raw.source, "unchanged", seen[1])
        same_bytes = self.store.article_for_raw_hash(raw.raw_bytes_hash)
        if same_bytes:
            self.store.record_source(key, raw.raw_bytes_hash, same_bytes, "duplicate")
            return ItemReport(raw.source, "duplicate", same_bytes, reason=f"same as article {same_bytes}")
        try:
            article = self.builder.build(raw, self.clock())
        except RejectedInput as exc:
            return ItemReport(exc.source, "rejected", reason=exc.reason)
        except Exception as exc:  # a bug on one article must not stop the batch
            log.exception("failed to analyse %s", raw.source)
            return ItemReport(raw.source, "rejected", reason=f"internal error while analysing: {exc!r}")
        digest = content_hash(article.title, article.paragraphs)
        existing = self.store.article_for_content(digest)
        if not existing:
            try:
                self.store.add_article(article, key, raw.raw_bytes_hash)
            except Exception:
                # Another process (a second ingest, a bot's poll) stored the same text since the look-up
                # above: the store refused it as a duplicate and rolled back; the archive keeps theirs.
                existing = self.store.article_for_content(digest)
                if not existing:
                    raise
        if existing:
            self.store.record_source(key, raw.raw_bytes_hash, existing, "duplicate")
            return ItemReport(raw.source, "duplicate", existing, reason=f"same text as article {existing}")
        if seen and seen[1] and seen[1] != article.id:  # changed at its source: the new version replaces it
            self.store.supersede(seen[1], article.id)
            return ItemReport(raw.source, "added", article.id, reason=f"updated: replaces article {seen[1]}")
        return ItemReport(raw.source, "added", article.id)


BATCH_ARTICLES = 200  # articles per write transaction in a bulk ingest


def estimated_articles(path: Path) -> int:
    """Articles a file will give, before reading it: a JSONL file's lines, else one."""
    if path.suffix.lower() != ".jsonl":
        return 1
    try:
        with path.open("rb") as f:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) or 1
    except OSError:
        return 1


@dataclass
class _Entry:
    """One article on its way: read, maybe handed to the analysis, not yet decided."""

    report: ItemReport  # already in the report, in input order; its verdict is filled in when decided
    raw: RawArticle
    key: str
    pending: Pending | None  # None: the store already answered (unchanged or same bytes) when it was read


class BulkRun:
    """The articles of many files, analysed ahead (possibly in other processes) and decided and
    written in input order, so every verdict is the one a one-by-one run gives.

    Written articles wait in a batch that is committed in one transaction; a lookup that the batch
    could change (the same source, bytes or text as a waiting article) commits it first, and so
    does any other write (a duplicate's source record, a replaced version), so the store itself
    answers every question exactly as it would have one article at a time.
    """

    def __init__(self, ingestor: Ingestor, report: IngestReport, analysis: Analysis,
                 progress: Callable[[int, int], None] | None = None, batch: int = BATCH_ARTICLES):
        self.ingestor = ingestor
        self.store = ingestor.store
        self.report = report
        self.analysis = analysis
        self.progress = progress
        self.batch_size = batch
        self.batch: list[tuple[Article, str, str, ItemReport]] = []
        self.waiting_keys: set[str] = set()
        self.waiting_hashes: set[str] = set()  # raw bytes and content hashes of the waiting articles
        self.done = 0
        self.total = 0

    def run(self, files: list[Path]) -> None:
        estimates = [estimated_articles(f) for f in files] if self.progress else []
        self.total = sum(estimates)
        queue: deque[_Entry] = deque()
        for n, path in enumerate(files):
            rejected, articles = self.ingestor.read(path)
            self.report.items += rejected
            self._advance(len(rejected), (len(rejected) + len(articles) - estimates[n]) if estimates else 0)
            for raw, key in articles:
                queue.append(self._enter(raw, key))
                while len(queue) > self.analysis.in_flight:
                    self._decide(queue.popleft())
        while queue:
            self._decide(queue.popleft())
        self._flush()

    def _advance(self, done: int, total_change: int = 0) -> None:
        self.done += done
        self.total += total_change
        if self.progress and (done or total_change):
            self.progress(self.done, max(self.total, self.done))

    def _enter(self, raw: RawArticle, key: str) -> _Entry:
        item = ItemReport(raw.source, "added")
        self.report.items.append(item)
        if key in self.waiting_keys or raw.raw_bytes_hash in self.waiting_hashes:
            return _Entry(item, raw, key, self.analysis.submit(raw, self.ingestor.clock()))
        seen = self.store.source_seen(key)
        if (seen and seen[0] == raw.raw_bytes_hash) or self.store.article_for_raw_hash(raw.raw_bytes_hash):
            return _Entry(item, raw, key, None)  # decided without analysis (checked again in order)
        return _Entry(item, raw, key, self.analysis.submit(raw, self.ingestor.clock()))

    def _decide(self, entry: _Entry) -> None:
        try:
            self._verdict(entry)
        except Exception as exc:  # e.g. a storage error: reported for this article, the rest goes on
            log.error("could not store %s: %r", entry.raw.source, exc)
            _set(entry.report, "rejected", reason=f"could not store: {exc!r}")
        self._advance(1)

    def _verdict(self, entry: _Entry) -> None:
        raw, key, item = entry.raw, entry.key, entry.report
        if key in self.waiting_keys or raw.raw_bytes_hash in self.waiting_hashes:
            self._flush()
        seen = self.store.source_seen(key)
        if seen and seen[0] == raw.raw_bytes_hash:
            return _set(item, "unchanged", seen[1])
        same_bytes = self.store.article_for_raw_hash(raw.raw_bytes_hash)
        if same_bytes:
            self.store.record_source(key, raw.raw_bytes_hash, same_bytes, "duplicate")
            return _set(item, "duplicate", same_bytes, f"same as article {same_bytes}")
        built = self.analysis.result(entry.pending) if entry.pending else build_one(
            self.ingestor.builder, raw, self.ingestor.clock())
        if built.article is None:
            item.source = built.source
            return _set(item, "rejected", reason=built.reason)
        article = built.article
        if article.content_hash in self.waiting_hashes:
            self._flush()
        existing = self.store.article_for_content(article.content_hash)
        if existing:
            self.store.record_source(key, raw.raw_bytes_hash, existing, "duplicate")
            return _set(item, "duplicate", existing, f"same text as article {existing}")
        _set(item, "added", article.id)
        self.batch.append((article, key, raw.raw_bytes_hash, item))
        self.waiting_keys.add(key)
        self.waiting_hashes.update((raw.raw_bytes_hash, article.content_hash))
        replaced = seen[1] if seen and seen[1] and seen[1] != article.id else None
        if replaced or len(self.batch) >= self.batch_size:
            self._flush()
        if replaced and item.status == "added":  # changed at its source: the new version replaces it
            self.store.supersede(replaced, article.id)
            item.reason = f"updated: replaces article {replaced}"

    def _flush(self) -> None:
        """Write the waiting articles in one transaction; if that fails, one by one, so only the
        article that cannot be stored is rejected."""
        batch, self.batch = self.batch, []
        self.waiting_keys.clear()
        self.waiting_hashes.clear()
        # Another process may have stored one of these texts since it was looked up: the store would
        # keep theirs and record ours as a duplicate, so look again to report it as one.
        batch = [entry for entry in batch if not self._stored_meanwhile(*entry)]
        if not batch:
            return
        try:
            self.store.add_articles([(a, key, raw_hash) for a, key, raw_hash, _ in batch])
        except Exception as exc:
            log.warning("writing %d articles at once failed (%r); writing them one by one", len(batch), exc)
            for article, key, raw_hash, item in batch:
                try:
                    self.store.add_article(article, key, raw_hash)
                except Exception as one:
                    self._write_failed(article, key, raw_hash, item, one)

    def _stored_meanwhile(self, article: Article, key: str, raw_hash: str, item: ItemReport) -> bool:
        existing = self.store.article_for_content(article.content_hash)
        if existing:
            self.store.record_source(key, raw_hash, existing, "duplicate")
            _set(item, "duplicate", existing, f"same text as article {existing}")
        return bool(existing)

    def _write_failed(self, article: Article, key: str, raw_hash: str, item: ItemReport, exc: Exception) -> None:
        """Another process may have stored the same text since it was looked up: then it is a duplicate."""
        try:
            existing = self.store.article_for_content(article.content_hash)
            if existing:
                self.store.record_source(key, raw_hash, existing, "duplicate")
                return _set(item, "duplicate", existing, f"same text as article {existing}")
        except Exception as again:
            exc = again
        log.error("could not store %s: %r", item.source, exc)
        _set(item, "rejected", reason=f"could not store: {exc!r}")


def _set(item: ItemReport, status: Status, article_id: str | None = None, reason: str | None = None) -> None:
    item.status, item.article_id, item.reason = status, article_id, reason
