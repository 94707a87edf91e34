"""The bot's archive threads: one writer, and a pool of readers that answer chat commands side by side.

An Archive (its SQLite connection) is not thread-safe, so every thread here owns one and nothing else
touches it. Writes (ingest, the delivery ledger, state) go through the single writer thread, so two
writes of this process never interleave; reads (chat commands, digest composition) go to a free
reader, each on its own connection, so a slow `grid` holds up only its own reader. SQLite's WAL lets
readers run while the writer writes, and each read sees what was committed before it started.

A read goes to the first idle reader in a fixed order, not round the pool: the caches that live with
a connection or its article objects (parsed articles, clustering features) stay warm on the first
reader while commands come one at a time, and the others take over only when it is busy.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections import deque
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
        self._inboxes: list[queue.SimpleQueue[Job]] = []  # one per reader: what it was handed
        self._idle: list[bool] = []
        self._backlog: deque[Job] = deque()  # reads waiting for any reader to be free
        self._lock = threading.Lock()
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
        inbox: queue.SimpleQueue[Job] = queue.SimpleQueue()
        thread = threading.Thread(target=self._serve, args=(opener, opened, inbox, n), name=f"archive-read-{n}",
                                  daemon=True)
        thread.start()
        opened.result()  # an archive that cannot be opened fails the start, not the first command
        with self._lock:
            self._inboxes.append(inbox)
            self._idle.append(True)
        self._readers.append(thread)

    def _serve(self, opener: Callable[[], Archive], opened: Future[None], inbox: queue.SimpleQueue[Job],
               n: int) -> None:
        try:
            archive = opener()
        except BaseException as exc:
            opened.set_exception(exc)
            return
        opened.set_result(None)
        try:
            while (job := inbox.get()) is not None:
                while job is not None:
                    fn, future = job
                    outcome: tuple[bool, Any] | None = None
                    if future.set_running_or_notify_cancel():
                        try:
                            outcome = (True, fn(archive))
                        except BaseException as exc:  # the caller sees it; the reader goes on
                            outcome = (False, exc)
                    with self._lock:  # idle again (or on to the backlog) before the caller hears back,
                        job = self._backlog.popleft() if self._backlog else None  # so its next read
                        self._idle[n] = job is None  # comes back to this reader
                    if outcome is not None and outcome[0]:
                        future.set_result(outcome[1])
                    elif outcome is not None:
                        future.set_exception(outcome[1])
        finally:
            archive.close()

    # -- reads -------------------------------------------------------------------------------
    def submit_read(self, fn: Callable[[Archive], Any]) -> Future:
        if self._closed:
            raise RuntimeError("the archive threads are closed")
        if not self._readers:
            return self._writer.submit(fn, self._archive)
        future: Future = Future()
        with self._lock:
            free = next((n for n, idle in enumerate(self._idle) if idle), None)
            if free is None:
                self._backlog.append((fn, future))
            else:
                self._idle[free] = False
                self._inboxes[free].put((fn, future))
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

    def close(self, wait_for_reads: float = CLOSE_WAIT_SECONDS) -> None:
        """Queued reads are answered first; a read still running after `wait_for_reads` is left to
        finish on its own (daemon) thread, which then closes its archive."""
        self._closed = True
        for inbox in self._inboxes:  # after its current read and the backlog, each reader ends
            inbox.put(None)
        for thread in self._readers:
            thread.join(wait_for_reads)
            if thread.is_alive():
                log.warning("%s is still busy with a read; not waiting for it", thread.name)
        self._readers.clear()
        self._writer.submit(self._archive.close).result()
        self._writer.shutdown()
