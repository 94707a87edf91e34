"""What a new user tries first with live intake: the console bot (`make run`) following a local feed.

A feed served on 127.0.0.1 is named in sources.yaml; the real bot polls it on its scheduler (the test
only moves the poll job's next run to now, as time injection), and the new story then shows in `news`,
in a channel's digest posted with `post`, and the feed's status in `sources`.
"""

from __future__ import annotations

import asyncio
import io
import queue
import shutil
import threading
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from briefings.archive import Archive
from tests.conftest import CONFIG
from tests.test_feeds import FeedServer, rss2, server, static, story  # noqa: F401 (server is a fixture)


class TypedLines(io.TextIOBase):
    """stdin for the console: each readline waits for a line the test types."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()

    def type(self, line: str) -> None:
        self.lines.put(line + "\n")

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        return self.lines.get()


class Screen(io.StringIO):
    """stdout whose text can be read from another thread while the bot writes it."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def write(self, text: str) -> int:
        with self.lock:
            return super().write(text)

    def text(self) -> str:
        with self.lock:
            return self.getvalue()


def archived_count(folder: Path, db: Path) -> int:
    archive = Archive.open(folder, db)
    try:
        return archive.store.count()
    finally:
        archive.close()


def wait_for(condition, seconds: float = 60.0) -> None:
    """An observable condition, bounded in wall time (never a fixed sleep)."""
    done = threading.Event()
    deadline = datetime.now(UTC).timestamp() + seconds
    while not condition():
        assert datetime.now(UTC).timestamp() < deadline, "condition not met in time"
        done.wait(0.05)


@pytest.mark.slow
def test_the_console_bot_follows_a_local_feed_into_news_a_digest_and_sources(
        server: FeedServer, seeded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from bot.app import run_bot
    from bot.credentials import Credentials

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.chdir(tmp_path)  # var/ written by the console stays in the test's folder
    now = datetime.now(UTC)
    server.routes["/feed.xml"] = static(rss2([("tip-1", server.url + "/news/양자암호통신망", format_datetime(now),
                                                 story("KT"))]))
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    (folder / "sources.yaml").write_text(f"sources:\n  - name: local-feed\n    feed: {server.url}/feed.xml\n"
                                         "    interval: 30\n", encoding="utf-8")
    (folder / "channels.yaml").write_text(
        "channels:\n  - name: morning\n    platform: console\n    channel: desk\n    schedule: \"0 8 * * *\"\n"
        "    digest: {group: company, companies: [KT], window: 1d, max_stories: 5}\n", encoding="utf-8")
    db = tmp_path / "a.sqlite3"
    shutil.copy(seeded_db, db)
    count_before = archived_count(folder, db)
    stdin, screen = TypedLines(), Screen()
    scheduler_ready = threading.Event()

    def started(scheduler) -> None:
        scheduler.get_job("source:local-feed").modify(next_run_time=datetime.now(UTC))  # poll now
        scheduler_ready.set()

    def user() -> None:
        scheduler_ready.wait(60)
        wait_for(lambda: server.hits("/feed.xml") >= 1 and archived_count(folder, db) > count_before)
        for line in ("news 양자암호통신망", "post morning", "sources", "quit"):
            stdin.type(line)

    typist = threading.Thread(target=user, daemon=True)
    typist.start()
    code = asyncio.run(run_bot(str(folder), str(db), creds=Credentials(), stdin=stdin, stdout=screen,
                               started=started))
    typist.join(5)
    out = screen.text()
    assert code == 0
    # The console prints the answers in the order typed: the search answer, the digest `post` printed, the status.
    search_at = out.index("'양자암호통신망' 검색 결과")
    digest_at = out.index("KT", out.index("양자암호통신망 소식", search_at) + 1)
    status_at = out.index("뉴스 소스 / sources")
    assert search_at < digest_at < status_at
    assert "양자암호통신망 소식" in out[search_at:status_at].split("'양자암호통신망' 검색 결과", 1)[1]
    assert out[digest_at:status_at].count("양자암호통신망 소식") >= 1, out[digest_at:status_at]
    assert "local-feed" in out[status_at:] and "받은 기사 / items seen: 1" in out[status_at:]
