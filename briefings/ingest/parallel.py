"""Article analysis in worker processes, results handed back in input order.

kiwi holds the GIL-free part of the work but the rest of the analysis is Python, so threads do not
use a second core: a process pool does. Each worker builds its own analyser and taxonomy matchers
once (the initializer), then analyses articles; the parent keeps reading, deciding and writing, so
the archive has one writer. Analysis is pure (same article in, same document out), so the results
equal a serial run's. A pool costs a few seconds to start (each worker loads kiwi), so a small
input is analysed in the parent.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime

from briefings.analysis.korean import warm_analyser
from briefings.analysis.people import PeopleFinder
from briefings.analysis.taxonomy import Taxonomy
from briefings.errors import RejectedInput
from briefings.ingest.build import ArticleBuilder
from briefings.ingest.metadata import OutletMap
from briefings.ingest.readers import RawArticle
from briefings.ingest.rules import CompiledRules
from briefings.models import Article

log = logging.getLogger(__name__)
POOL_FROM = 150  # articles to analyse before a pool pays for its start (~2 s on 2 idle cores: each worker loads kiwi)
IN_FLIGHT_PER_WORKER = 8  # enough queued work to keep every worker busy while the parent writes


@dataclass
class Built:
    """One article's analysis: the article, or why it was rejected (`source` names the item)."""

    source: str
    article: Article | None = None
    reason: str | None = None


def build_one(builder: ArticleBuilder, raw: RawArticle, ingested_at: datetime) -> Built:
    """A bug or an over-budget article is this item's verdict; nothing escapes to stop the batch."""
    try:
        return Built(raw.source, builder.build(raw, ingested_at))
    except RejectedInput as exc:
        return Built(exc.source, reason=exc.reason)
    except Exception as exc:
        log.exception("failed to analyse %s", raw.source)
        return Built(raw.source, reason=f"internal error while analysing: {exc!r}")


_worker_builder: ArticleBuilder | None = None


def _start_worker(rules: CompiledRules, outlets: OutletMap, taxonomy: Taxonomy, budget: float) -> None:
    global _worker_builder
    # PeopleFinder registers the taxonomy's roles in this process, as the parent's did in its own
    _worker_builder = ArticleBuilder(rules, outlets, taxonomy, PeopleFinder(taxonomy), budget)
    warm_analyser()


def _build_in_worker(raw: RawArticle, ingested_at: datetime) -> Built:
    assert _worker_builder is not None, "worker started without its initializer"
    return build_one(_worker_builder, raw, ingested_at)


class Pending:
    """An article handed to the analysis: built in the parent on demand, or by a worker."""

    def __init__(self, raw: RawArticle, ingested_at: datetime):
        self.raw = raw
        self.ingested_at = ingested_at
        self.future: Future[Built] | None = None


def default_workers() -> int:
    return os.cpu_count() or 1


class Analysis:
    """Builds articles with `workers` processes (1: in this process). Use as a context manager."""

    def __init__(self, builder: ArticleBuilder, workers: int = 1, pool_from: int = POOL_FROM):
        self.builder = builder
        self.workers = max(1, workers)
        self.pool_from = pool_from
        self._pool: ProcessPoolExecutor | None = None
        self._waiting: list[Pending] = []  # submitted before the pool started
        self._broken = False
        self.pooled = 0  # articles a worker analysed

    @property
    def in_flight(self) -> int:
        """How many articles to read ahead of the one being written."""
        return max(self.pool_from, self.workers * IN_FLIGHT_PER_WORKER) if self.workers > 1 else 1

    def submit(self, raw: RawArticle, ingested_at: datetime) -> Pending:
        item = Pending(raw, ingested_at)
        if self.workers == 1 or self._broken:
            return item
        if self._pool is None:
            self._waiting.append(item)
            if len(self._waiting) >= self.pool_from:
                try:
                    self._start_pool()
                except OSError as exc:  # no processes to be had (limits, a sandbox): analyse here
                    log.warning("cannot start analysis workers (%s); analysing in this process", exc)
                    self._broken, self._waiting = True, []
            return item
        item.future = self._pool.submit(_build_in_worker, raw, ingested_at)
        return item

    def _start_pool(self) -> None:
        b = self.builder
        # Not a plain fork: the parent may run threads (the bot's scheduler, kiwi's own) that a fork
        # copies mid-call. A fork server is a fresh process that imports the analysis once and forks
        # the workers from there (spawning each took about twice as long to start).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        self._pool = ProcessPoolExecutor(self.workers, context, _start_worker,
                                         (b.rules, b.outlets, b.taxonomy, b.time_budget))
        for item in self._waiting:
            item.future = self._pool.submit(_build_in_worker, item.raw, item.ingested_at)
        self._waiting = []

    def result(self, item: Pending) -> Built:
        if item.future is None and item in self._waiting:
            self._waiting.remove(item)  # built here after all: the pool need not start for it
        if item.future is not None:
            try:
                built = item.future.result()
                self.pooled += 1
                return built
            except BrokenProcessPool as exc:  # a worker died (killed, out of memory): go on in this process
                if not self._broken:
                    log.error("analysis worker died (%s); analysing the rest in this process", exc)
                self._broken = True
        return build_one(self.builder, item.raw, item.ingested_at)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Analysis:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
