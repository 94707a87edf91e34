"""A progress line for long ingests: count/total, articles per second and the time left.

The rate is measured over the last WINDOW seconds, so the estimate follows the current speed (a
process pool's start, a run of short or long articles) rather than the average since the start.
Time is injected, so the arithmetic is tested without waiting.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import TextIO

WINDOW = 20.0  # seconds of recent progress the rate is measured over


class Throughput:
    """Articles per second over the recent window, and the seconds left at that rate."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, window: float = WINDOW):
        self.clock = clock
        self.window = window
        self.samples: deque[tuple[float, int]] = deque([(clock(), 0)])

    def update(self, done: int) -> None:
        now = self.clock()
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[1][0] >= self.window:
            self.samples.popleft()  # keep one sample at or before the window's start

    def rate(self) -> float | None:
        (t0, d0), (t1, d1) = self.samples[0], self.samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 and d1 > d0 else None

    def seconds_left(self, done: int, total: int) -> float | None:
        rate = self.rate()
        return max(total - done, 0) / rate if rate else None


def clock_text(seconds: float) -> str:
    """1:05 for 65 s, 2:03:20 for 7,400 s."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_text(done: int, total: int, rate: float | None, left: float | None) -> str:
    text = f"ingesting {done:,}/{total:,} articles"
    if rate is not None:
        text += f" · {rate:,.1f}/s"
    if left is not None:
        text += f" · ETA {clock_text(left)}"
    return text


class ProgressLine:
    """Writes the progress line to a stream: redrawn in place on a terminal (at most every `every`
    seconds), one line every `every_plain` seconds elsewhere (a log file, `--progress` in a pipe)."""

    def __init__(self, stream: TextIO, tty: bool, clock: Callable[[], float] = time.monotonic,
                 every: float = 0.25, every_plain: float = 5.0):
        self.stream = stream
        self.tty = tty
        self.clock = clock
        self.every = every if tty else every_plain
        self.throughput = Throughput(clock)
        self.last: float | None = None
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        self.throughput.update(done)
        now = self.clock()
        if self.last is not None and now - self.last < self.every and done < total:
            return
        self.last = now
        text = progress_text(done, total, self.throughput.rate(), self.throughput.seconds_left(done, total))
        self.stream.write(f"\r\x1b[K{text}" if self.tty else f"{text}\n")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """Clear the line on a terminal, so the report that follows starts clean."""
        if self.tty and self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
