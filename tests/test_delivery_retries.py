"""A digest survives an outage: failed posts are retried for minutes with backoff (time injected,
never waited for), a spent budget is recorded as 'failed', shown by `digest`, and retried at the
next start; an error no retry can fix fails at once."""

from __future__ import annotations

import asyncio
import io
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels import load_channels
from bot.delivery import Deliverer, DeliveryFailed, RetryPolicy
from tests.conftest import CONFIG, write_channels
from tests.fakes.inprocess import FakeTime

SLOT = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)


class FlakyPoster:
    """Fails while `down(now)` holds; `fatal` errors are the kind no retry can fix."""

    def __init__(self, time: FakeTime, down_for: float = 0.0, fatal: bool = False):
        self.time, self.down_until, self.fatal = time, SLOT + timedelta(seconds=down_for), fatal
        self.posts: list[str] = []
        self.attempts = 0

    async def post(self, channel, payload, *, key, thread_ref, resume):
        self.attempts += 1
        if self.fatal:
            raise PermissionError("channel_not_found")
        if self.time.now < self.down_until:
            raise ConnectionError("server error 500")
        if key not in self.posts:  # resume: a part the platform already has is not posted twice
            self.posts.append(key)
        return f"ref-{len(self.posts)}"

    def permanent(self, exc: Exception) -> bool:
        return isinstance(exc, PermissionError)

    @staticmethod
    def retry_after(exc: Exception) -> float | None:
        return None


@pytest.fixture
def config(tmp_path):
    return write_channels(tmp_path, """  - name: daily
    platform: console
    channel: t
    schedule: "30 8 * * *"
    digest: {group: company, window: all, max_stories: 50}
""")


async def test_a_60_second_outage_delays_the_digest_and_every_part_is_posted_once(archive_worker, config):
    time = FakeTime(SLOT)
    poster = FlakyPoster(time, down_for=60)
    sent = await Deliverer(archive_worker, config, {"console": poster}, time, sleep=time.sleep).deliver(
        config.by_name()["daily"], SLOT)
    assert sent == len(poster.posts) >= 1 and poster.posts == [f"daily@{SLOT.isoformat()}#{n}" for n in range(sent)]
    assert poster.attempts > sent and time.now >= SLOT + timedelta(seconds=60)
    assert 2 <= len(time.slept) <= 10  # backoff: a minute's outage costs a handful of tries, not hundreds
    status = await archive_worker.write(lambda a: a.store.delivery_status("daily"))
    assert status["status"] == "posted" and status["parts"] == sent


async def test_a_spent_budget_is_recorded_shown_and_retried_later(archive_worker, config):
    time = FakeTime(SLOT)
    channel = config.by_name()["daily"]
    dead = FlakyPoster(time, down_for=10**6)
    with pytest.raises(DeliveryFailed, match="gave up"):
        await Deliverer(archive_worker, config, {"console": dead}, time, sleep=time.sleep,
                        retry=RetryPolicy(budget_seconds=600)).deliver(channel, SLOT)
    assert time.now == SLOT + timedelta(seconds=600)  # tried until the budget was spent, the last try at its end
    status = await archive_worker.write(lambda a: a.store.delivery_status("daily"))
    assert status["status"] == "failed" and "server error 500" in status["error"]
    day_before = SLOT - timedelta(days=1)
    assert await archive_worker.write(lambda a: a.store.unfinished_deliveries("daily", day_before)) == [SLOT]
    assert status["parts"] == 0
    healthy = FlakyPoster(time)
    sent = await Deliverer(archive_worker, config, {"console": healthy}, time, sleep=time.sleep).deliver(channel, SLOT)
    assert sent >= 1 and healthy.posts == [f"daily@{SLOT.isoformat()}#{n}" for n in range(sent)]
    assert await archive_worker.write(lambda a: a.store.unfinished_deliveries("daily", day_before)) == []


async def test_an_error_no_retry_can_fix_fails_at_once(archive_worker, config):
    time = FakeTime(SLOT)
    poster = FlakyPoster(time, fatal=True)
    with pytest.raises(DeliveryFailed, match="not retryable"):
        await Deliverer(archive_worker, config, {"console": poster}, time, sleep=time.sleep).deliver(
            config.by_name()["daily"], SLOT)
    assert poster.attempts == 1 and time.slept == []


def test_a_failed_digest_is_shown_by_digest_and_posted_at_the_next_start(seeded_db, tmp_path):
    from bot.app import run_bot
    from bot.credentials import Credentials
    from tests.conftest import open_archive
    db = tmp_path / "a.sqlite3"
    shutil.copy(seeded_db, db)
    slot = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # 08:30 Seoul on the 23rd
    archive = open_archive(db)
    archive.store.begin_delivery("daily-seeds", slot, slot)
    archive.store.fail_delivery("daily-seeds", slot, "SlackApiError('fatal_error')", slot + timedelta(minutes=30))
    archive.close()
    out = io.StringIO()
    noon = lambda: datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # noqa: E731  (noon in Seoul: past the grace window)
    code = asyncio.run(run_bot(str(CONFIG), str(db), creds=Credentials(), stdin=io.StringIO("digest daily-seeds\nquit"),
                               stdout=out, clock=noon))
    text = out.getvalue()
    assert code == 0
    assert text.count("[scheduled digest · daily-seeds]") == 1  # the failed slot, retried at start
    archive = open_archive(db)
    try:
        assert archive.store.delivery_status("daily-seeds")["status"] == "posted"
    finally:
        archive.close()


def test_digest_command_reports_a_failed_delivery(seeded_db, tmp_path):
    from briefings.commands import CommandContext, Commands
    from tests.conftest import open_archive
    db = tmp_path / "a.sqlite3"
    shutil.copy(seeded_db, db)
    archive = open_archive(db)
    try:
        archive.store.begin_delivery("daily-seeds", SLOT, SLOT)
        archive.store.fail_delivery("daily-seeds", SLOT, "SlackApiError('fatal_error')", SLOT)
        digests = {c.name: c.digest for c in load_channels(CONFIG / "channels.yaml", archive.taxonomy).channels}
        reply = Commands(CommandContext(archive, digests)).run_text("digest daily-seeds")
        text = "\n".join(reply.digest.notes)
        assert "FAILED" in text and "fatal_error" in text
    finally:
        archive.close()


def test_post_now_at_the_console_posts_once_per_minute(seeded_db, tmp_path):
    from bot.app import run_bot
    from bot.credentials import Credentials
    db = tmp_path / "a.sqlite3"
    shutil.copy(seeded_db, db)
    out = io.StringIO()
    noon = lambda: datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # noqa: E731
    code = asyncio.run(run_bot(str(CONFIG), str(db), creds=Credentials(), stdout=out, clock=noon,
                               stdin=io.StringIO("post daily-seeds\npost daily-seeds\npost nowhere\nquit")))
    text = out.getvalue()
    assert code == 0 and text.count("[scheduled digest · daily-seeds]") == 1
    assert "posted" in text and "already posted this minute" in text and "알 수 없는 채널" in text
