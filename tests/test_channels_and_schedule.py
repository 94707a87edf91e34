"""channels.yaml validation, scheduled delivery through APScheduler, and the exactly-once ledger."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

from bot.channels import load_channels
from bot.delivery import Deliverer, DeliveryFailed, RetryPolicy
from bot.scheduler import build_scheduler, latest_slot
from briefings.analysis.taxonomy import load_taxonomy
from briefings.errors import ConfigError
from tests.conftest import CONFIG, distinct_articles

SEOUL = ZoneInfo("Asia/Seoul")
BAD = """\
misfire_grace_seconds: 600
channels:
  - name: ok
    platform: console
    channel: a
    schedule: "30 8 * * *"
  - name: bad-cron
    platform: console
    channel: b
    schedule: "61 8 * * *"
  - name: bad-tz
    platform: slack
    channel: C1
    schedule: "0 9 * * *"
    timezone: Mars/Olympus
  - name: bad-tags
    platform: discord
    channel: general
    schedule: "0 9 * * *"
    digest: {companies: [KT, KT&G], themes: [weather]}
  - name: bad-templates
    platform: console
    channel: c
    schedule: "0 9 * * *"
    templates: no-such-folder
  - name: dup
    platform: console
    channel: a
    schedule: "0 10 * * *"
  - name: ok
    platform: slack
    channel: C2
    schedule: "0 10 * * *"
  - name: typo
    platform: telegram
    channel: x
    schedule: "0 10 * * *"
    windw: 7d
"""


def test_every_problem_is_reported_with_file_line_and_entry(tmp_path):
    path = tmp_path / "channels.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_channels(path, load_taxonomy(CONFIG))
    problems = info.value.problems
    by_entry = {}
    for p in problems:
        by_entry.setdefault(p.entry, []).append(p)
        assert p.file == str(path) and p.line is not None
    text = str(info.value)
    assert "bad cron line '61 8 * * *'" in text and by_entry["bad-cron"][0].line == 10
    assert "unknown timezone 'Mars/Olympus'" in text and by_entry["bad-tz"][0].line == 15
    assert "unknown company 'KT&G'" in text and "unknown theme 'weather'" in text
    assert "template folder not found" in text
    assert "a Discord channel is its numeric id, not 'general'" in text
    assert "duplicate channel: console a" in text and "duplicate channel name" in text
    assert "platform" in text and "windw" in text
    assert len(problems) == 10


def test_shipped_channels_load_and_name_a_daily_0830_digest():
    config = load_channels(CONFIG / "channels.yaml", load_taxonomy(CONFIG))
    daily = config.by_name()["daily-seeds"]
    when = daily.trigger().get_next_fire_time(None, datetime(2026, 11, 22, 0, 0, tzinfo=SEOUL))
    assert when == datetime(2026, 11, 22, 8, 30, tzinfo=SEOUL)


def test_check_config_command_lists_all_errors(tmp_path, capsys):
    from bot.cli import main
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    (folder / "channels.yaml").write_text(BAD, encoding="utf-8")
    assert main(["--config", str(folder), "check-config"]) == 1
    err = capsys.readouterr().err
    assert "10 problem(s)" in err and "channels.yaml:10 [bad-cron]" in err


def test_latest_slot_uses_the_trigger():
    from bot.channels import ChannelSpec
    channel = ChannelSpec(name="x", platform="console", channel="c", schedule="30 8 * * *")
    at = datetime(2026, 11, 23, 8, 31, tzinfo=SEOUL)
    assert latest_slot(channel, at, 900) == datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    late = datetime(2026, 11, 23, 12, 0, tzinfo=SEOUL)  # outside the grace window: a manual run
    assert latest_slot(channel, late, 900) == late.astimezone(UTC)


class RecordingPoster:
    def __init__(self, fail_after: int | None = None):
        self.posts: list[tuple[str, str]] = []
        self.fail_after = fail_after

    async def post(self, channel, payload, *, key, thread_ref, resume):
        if self.fail_after is not None and len(self.posts) >= self.fail_after:
            raise ConnectionError("killed mid-post")
        self.posts.append((key, payload.get("text", "")))
        return f"ref-{len(self.posts)}"

    @staticmethod
    def permanent(exc: Exception) -> bool:
        return False

    @staticmethod
    def retry_after(exc: Exception) -> float | None:
        return None


@pytest.fixture
def worker(archive_worker):
    return archive_worker


def _config(tmp_path, extra=""):
    path = tmp_path / "channels.yaml"
    path.write_text(f"""channels:
  - name: daily
    platform: console
    channel: t
    schedule: "30 8 * * *"
    digest: {{group: company, window: all, max_stories: 50}}
{extra}""", encoding="utf-8")
    return load_channels(path, load_taxonomy(CONFIG))


async def test_scheduler_fires_the_job_and_posts_once(worker, tmp_path):
    config = _config(tmp_path)
    poster = RecordingPoster()
    with time_machine.travel(datetime(2026, 11, 23, 8, 29, tzinfo=SEOUL), tick=False) as traveller:
        clock = lambda: datetime.now(UTC)  # noqa: E731
        deliverer = Deliverer(worker, config, {"console": poster}, clock)
        scheduler = build_scheduler(config, deliverer.deliver, clock)
        scheduler.start()
        job = scheduler.get_job("daily")
        assert job.next_run_time == datetime(2026, 11, 23, 8, 30, tzinfo=SEOUL)
        events: asyncio.Queue = asyncio.Queue()
        scheduler.add_listener(events.put_nowait, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        traveller.move_to(datetime(2026, 11, 23, 8, 30, 5, tzinfo=SEOUL))
        for _ in range(2):  # the same slot fired twice (e.g. a restart): posted once
            job.modify(next_run_time=datetime.now(UTC))
            scheduler.wakeup()
            event = await asyncio.wait_for(events.get(), 10)
            assert event.exception is None
        scheduler.shutdown(wait=False)
    assert len(poster.posts) == 1
    assert poster.posts[0][0] == "daily@2026-11-22T23:30:00+00:00#0" and "기업별 브리핑" in poster.posts[0][1]


async def test_a_restart_after_a_kill_mid_post_resumes_without_reposting(worker, tmp_path):
    config = _config(tmp_path, '    thread: true\n')
    channel = config.by_name()["daily"]
    slot = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    clock = lambda: datetime(2026, 11, 22, 23, 30, 1, tzinfo=UTC)  # noqa: E731
    # 200 more articles: the digest needs more than Slack's 50 blocks, so it takes several messages.
    report = await worker.write(lambda a: a.ingest([distinct_articles(tmp_path, 200)]))
    assert report.counts["added"] == 200
    channel = channel.model_copy(update={"platform": "slack"})
    crashing = RecordingPoster(fail_after=1)
    with pytest.raises(DeliveryFailed):  # no retry budget: the first failure ends this run, as a kill would
        await Deliverer(worker, config, {"slack": crashing}, clock, retry=RetryPolicy(0)).deliver(channel, slot)
    assert len(crashing.posts) == 1
    restarted = RecordingPoster()
    sent = await Deliverer(worker, config, {"slack": restarted}, clock).deliver(channel, slot)
    total_parts = 1 + sent
    assert total_parts >= 2
    assert [k for k, _ in restarted.posts] == [f"daily@{slot.isoformat()}#{n}" for n in range(1, total_parts)]
    again = RecordingPoster()
    assert await Deliverer(worker, config, {"slack": again}, clock).deliver(channel, slot) == 0
    assert again.posts == []


def test_console_answers_each_command(seeded_db, tmp_path):
    from bot.app import run_bot
    from bot.credentials import Credentials
    db = tmp_path / "a.sqlite3"
    shutil.copy(seeded_db, db)
    commands = ["help", "brief KT", "brief SKT ai_dx", "news 고객 KT", "theme esg", "grid", "quotes 박정호",
                "why f4725", "digest daily-seeds", "brief", "frobnicate", "news NEAR( *", "quit"]
    out = io.StringIO()
    noon = lambda: datetime(2026, 11, 23, 12, 0, tzinfo=SEOUL)  # noqa: E731  (no digest falls due)
    code = asyncio.run(run_bot(str(CONFIG), str(db), creds=Credentials(), stdin=io.StringIO("\n".join(commands)),
                               stdout=out, clock=noon))
    text = out.getvalue()
    assert code == 0
    answers = text.split("briefings> ")[1:]
    assert len(answers) == len(commands)
    assert "brief COMPANY" in answers[0] and "KT 브리핑" in answers[1] and "검색 결과" in answers[3]
    assert "사회공헌·ESG" in answers[4] and "기업 × 테마 현황" in answers[5] and "박정호" in answers[6]
    assert "기업 SK텔레콤" in answers[7] and "다이제스트 daily-seeds" not in answers[8]
    assert "입력 오류" in answers[9] and "unknown command" in answers[10]
    assert "scheduled: daily-seeds next at" in text


def test_bot_refuses_to_start_half_configured(tmp_path):
    from bot.app import run_bot
    from bot.credentials import Credentials
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    (folder / "channels.yaml").write_text(BAD, encoding="utf-8")
    err = io.StringIO()
    code = asyncio.run(run_bot(str(folder), str(tmp_path / "x.sqlite3"), creds=Credentials(), stderr=err,
                               stdin=io.StringIO("")))
    assert code == 2 and "not starting: 10 problem(s)" in err.getvalue()
    assert not (tmp_path / "x.sqlite3").exists()


def test_credentials_never_show_secrets():
    from bot.credentials import Credentials
    creds = Credentials.from_env({"SLACK_BOT_TOKEN": "xoxb-secret", "SLACK_SIGNING_SECRET": "shh",
                                  "DISCORD_TOKEN": "disc-secret", "SLACK_API_URL": "http://127.0.0.1:9/api/"})
    shown = repr(creds) + str(creds)
    assert "xoxb-secret" not in shown and "shh" not in shown and "disc-secret" not in shown
    assert creds.slack and creds.discord and "127.0.0.1" in shown


def test_no_secret_in_shipped_yaml():
    for path in Path(CONFIG).glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert "xoxb-" not in text and "xapp-" not in text and "token:" not in text.lower(), path


def test_bad_or_half_set_credentials_are_reported(tmp_path, monkeypatch):
    from bot.app import run_bot
    from bot.credentials import Credentials
    for name in [k for k in os.environ if k.startswith(("SLACK_", "DISCORD_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("SLACK_PORT", "80a")
    err = io.StringIO()
    assert asyncio.run(run_bot(str(CONFIG), str(tmp_path / "x.sqlite3"), stderr=err)) == 2
    assert "SLACK_PORT must be a port number (0-65535), not '80a'" in err.getvalue()
    assert not (tmp_path / "x.sqlite3").exists()
    half = Credentials.from_env({"SLACK_BOT_TOKEN": "xoxb-1"})
    assert not half.slack and "neither SLACK_APP_TOKEN" in half.incomplete()[0] and "xoxb-1" not in str(half)
    assert Credentials.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}).incomplete() == []
