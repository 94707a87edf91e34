"""The bot's archive threads: one writer, and a pool of readers that answer chat commands side by side.

An Archive (its SQLite connection) is not thread-safe, so every thread here owns one and nothing else
touches it. Writes (ingest, the delivery ledger, state) go through the single writer thread, so two
writes of this process never interleave; reads (chat commands, digest composition) are taken by
whichever reader is free, each on its own connection, so a slow `grid` holds up only its own reader.
SQLite's WAL lets readers run while the writer writes, and each read sees what was committed before
it started.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from briefings.archive import Archive

log = logging.getLogger(__name__)
CLOSE_WAIT_SECONDS = 30.0

Job = tuple[Callable[[Archive], Any], Future] | None  # None tells a reader to close and end


class ArchiveWorker:
    """A writer thread and `readers` reader threads, each with its own Archive from `opener`.

    With `readers=0` reads run on the writer's thread (one connection: what an in-memory
    database needs, and what the single-thread bot did before the pool).
    """

    def __init__(self, opener: Callable[[], Archive], readers: int = 0):
        if readers < 0:
            raise ValueError(f"readers={readers}: give 0 or more")
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-write")
        # The writer opens first: opening runs the migrations, and readers then find them done.
        try:
            self._archive = self._writer.submit(opener).result()
        except BaseException:
            self._writer.shutdown()
            raise
        self._jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._readers: list[threading.Thread] = []
        self._closed = False
        try:
            for n in range(readers):
                self._start_reader(opener, n)
        except BaseException:
            self.close()
            raise

    @property
    def readers(self) -> int:
        return len(self._readers)

    def _start_reader(self, opener: Callable[[], Archive], n: int) -> None:
        opened: Future[None] = Future()
        thread = threading.Thread(target=self._serve, args=(opener, opened), name=f"archive-read-{n}", daemon=True)
        thread.start()
        opened.result()  # an archive that cannot be opened fails the start, not the first command
        self._readers.append(thread)

    def _serve(self, opener: Callable[[], Archive], opened: Future[None]) -> None:
        try:
            archive = opener()
        except BaseException as exc:
            opened.set_exception(exc)
            return
        opened.set_result(None)
        try:
            while (job := self._jobs.get()) is not None:
                fn, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(fn(archive))
                except BaseException as exc:  # the caller sees it; the reader goes on
                    future.set_exception(exc)
        finally:
            archive.close()

    # -- reads -------------------------------------------------------------------------------
    def submit_read(self, fn: Callable[[Archive], Any]) -> Future:
        if self._closed:
            raise RuntimeError("the archive threads are closed")
        if not self._readers:
            return self._writer.submit(fn, self._archive)
        future: Future = Future()
        self._jobs.put((fn, future))
        return future

    async def read(self, fn: Callable[[Archive], Any]) -> Any:
        """`fn(archive)` on a free reader: for anything that only reads."""
        return await asyncio.wrap_future(self.submit_read(fn))

    def read_sync(self, fn: Callable[[Archive], Any]) -> Any:
        return self.submit_read(fn).result()

    # -- writes ------------------------------------------------------------------------------
    async def write(self, fn: Callable[[Archive], Any]) -> Any:
        """`fn(archive)` on the writer thread, after every write submitted before it."""
        return await asyncio.get_running_loop().run_in_executor(self._writer, fn, self._archive)

    def write_sync(self, fn: Callable[[Archive], Any]) -> Any:
        return self._writer.submit(fn, self._archive).result()

    # The single-thread worker's names, kept for callers written before the pool: they write.
    call = write
    call_sync = write_sync

    def close(self, wait_for_reads: float = CLOSE_WAIT_SECONDS) -> None:
        """Queued reads are answered first; a read still running after `wait_for_reads` is left to
        finish on its own (daemon) thread, which then closes its archive."""
        self._closed = True
        for _ in self._readers:
            self._jobs.put(None)
        for thread in self._readers:
            thread.join(wait_for_reads)
            if thread.is_alive():
                log.warning("%s is still busy with a read; not waiting for it", thread.name)
        self._readers.clear()
        self._writer.submit(self._archive.close).result()
        self._writer.shutdown()
