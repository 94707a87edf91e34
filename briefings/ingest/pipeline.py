"""Ingest a batch of files: every file gets a verdict, a bad one never stops the batch."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from briefings.errors import RejectedInput
from briefings.ingest.build import ArticleBuilder, content_hash
from briefings.ingest.readers import RawArticle, display_path, iter_input_files, read_file
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

    def ingest(self, paths: list[Path], progress: Callable[[int, int], None] | None = None) -> IngestReport:
        report = IngestReport()
        missing = [p for p in paths if not p.exists()]
        report.items += [ItemReport(display_path(p), "rejected", reason=_missing_reason(p)) for p in missing]

        def unreadable(name: str, why: str) -> None:
            report.items.append(ItemReport(name, "rejected", reason=why))

        files = list(iter_input_files([p for p in paths if p.exists()], on_error=unreadable))
        for done, path in enumerate(files, start=1):
            report.items += self.ingest_file(path)
            if progress:
                progress(done, len(files))
        return report

    def ingest_file(self, path: Path) -> list[ItemReport]:
        """Every error on one file or one of its articles is that item's verdict; the batch goes on."""
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
            return [ItemReport(exc.source, "rejected", reason=exc.reason)]
        except OSError as exc:
            return [ItemReport(source, "rejected", reason=f"cannot read: {exc.strerror or exc}")]
        items = [ItemReport(r.source, "rejected", reason=r.reason) for r in outcome.rejected]
        for raw in outcome.articles:
            try:
                items.append(self._ingest_one(raw, _source_key(path, raw.source)))
            except Exception as exc:  # e.g. a storage error: reported for this article, the rest goes on
                log.error("could not store %s: %r", raw.source, exc)
                items.append(ItemReport(raw.source, "rejected", reason=f"could not store: {exc!r}"))
        return items

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
