"""A whole `briefings run` (run_bot) with Slack and Discord at once, against both fakes on 127.0.0.1.

Time is injected with time-machine; the 08:30 jobs are fired through APScheduler itself.
"""

from __future__ import annotations

import asyncio
import io
import shutil
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

from bot.app import run_bot
from bot.credentials import Credentials
from tests.conftest import CONFIG
from tests.fakes import discord as fake_discord_module
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import APP_TOKEN, BOT_TOKEN, FakeSlack

SEOUL = ZoneInfo("Asia/Seoul")
WAIT = 30
DISCORD_CHANNEL = "1400000000000000042"
CHANNELS = f"""\
misfire_grace_seconds: 900
channels:
  - name: slack-daily
    platform: slack
    channel: C0DAILY
    schedule: "30 8 * * *"
    digest: {{group: theme, window: all}}
  - name: discord-daily
    platform: discord
    guild: "{fake_discord_module.GUILD_ID}"
    channel: "{DISCORD_CHANNEL}"
    schedule: "30 8 * * *"
    digest: {{group: company, window: all}}
"""



def both_platforms_config(seeded_db, tmp_path):
    """The shipped config with CHANNELS (one Slack, one Discord channel) and a copy of the seeded archive."""
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    (folder / "channels.yaml").write_text(CHANNELS, encoding="utf-8")
    db = tmp_path / "bot.sqlite3"
    shutil.copy(seeded_db, db)
    return folder, db

async def test_one_process_serves_both_platforms_and_posts_each_scheduled_digest(seeded_db, tmp_path):
    folder, db = both_platforms_config(seeded_db, tmp_path)
    slack = await FakeSlack().start()
    discord = await FakeDiscord({DISCORD_CHANNEL: "daily", fake_discord_module.CHANNEL_ID: "briefings"}).start()
    creds = Credentials(slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN, slack_api_url=slack.api_url,
                        discord_token=fake_discord_module.TOKEN, discord_api_url=discord.api_url,
                        discord_gateway_url=discord.gateway_url)
    schedulers: asyncio.Queue = asyncio.Queue()
    stop = asyncio.Event()
    out, err = io.StringIO(), io.StringIO()
    try:
        with time_machine.travel(datetime(2026, 11, 23, 8, 29, tzinfo=SEOUL), tick=False) as traveller:
            bot = asyncio.create_task(run_bot(str(folder), str(db), creds=creds, stdout=out, stderr=err, stop=stop,
                                              started=schedulers.put_nowait))
            scheduler = await asyncio.wait_for(schedulers.get(), WAIT)
            # Both adapters answer commands while the digests wait for 08:30.
            await slack.push_slash_command("brief KT")
            assert "KT 브리핑" in (await asyncio.wait_for(slack.responses.get(), WAIT))["text"]
            await discord.push_command("grid")
            grid = await asyncio.wait_for(discord.callbacks.get(), WAIT)
            assert "기업 × 테마 현황" in str(grid["data"]["embeds"])
            assert slack.messages == {} and discord.messages == {}  # nothing is due before 08:30

            events: asyncio.Queue = asyncio.Queue()
            scheduler.add_listener(events.put_nowait, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
            traveller.move_to(datetime(2026, 11, 23, 8, 30, 2, tzinfo=SEOUL))
            for job in scheduler.get_jobs():
                job.modify(next_run_time=datetime.now(UTC))
            scheduler.wakeup()
            finished = {(await asyncio.wait_for(events.get(), WAIT)).job_id for _ in range(2)}
            assert finished == {"slack-daily", "discord-daily"}
            stop.set()
            assert await asyncio.wait_for(bot, WAIT) == 0
    finally:
        await slack.close()
        await discord.close()
    [slack_post] = slack.messages["C0DAILY"]
    assert "테마별 브리핑" in slack_post["text"]
    assert slack_post["metadata"]["event_payload"]["key"] == "slack-daily@2026-11-22T23:30:00+00:00#0"
    [discord_post] = discord.messages[DISCORD_CHANNEL]
    assert "기업별 브리핑" in str(discord_post["embeds"]) and discord_post["allowed_mentions"] == {"parse": []}
    assert "scheduled: slack-daily next at 2026-11-23T08:30:00+09:00" in out.getvalue()
    assert "Traceback" not in err.getvalue()


async def test_a_rejected_token_stops_the_bot_with_a_clear_error(seeded_db, tmp_path):
    db = tmp_path / "bot.sqlite3"
    shutil.copy(seeded_db, db)
    discord = await FakeDiscord().start()
    err = io.StringIO()
    try:
        creds = Credentials(discord_token="not-the-token", discord_api_url=discord.api_url,
                            discord_gateway_url=discord.gateway_url)
        code = await asyncio.wait_for(run_bot(str(CONFIG), str(db), creds=creds, stdout=io.StringIO(), stderr=err,
                                              clock=lambda: datetime(2026, 11, 23, 3, 0, tzinfo=UTC)), WAIT)
    finally:
        await discord.close()
    assert code == 1
    assert "stopping: the discord adapter failed: LoginFailure('Improper token has been passed.')" in err.getvalue()
    assert "not-the-token" not in err.getvalue()


async def test_one_adapter_failing_leaves_the_other_and_the_scheduler_running(seeded_db, tmp_path):
    folder, db = both_platforms_config(seeded_db, tmp_path)
    slack = await FakeSlack().start()
    discord = await FakeDiscord().start()
    creds = Credentials(slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN, slack_api_url=slack.api_url,
                        discord_token="revoked", discord_api_url=discord.api_url,
                        discord_gateway_url=discord.gateway_url)
    schedulers: asyncio.Queue = asyncio.Queue()
    stop = asyncio.Event()
    err = io.StringIO()
    try:
        bot = asyncio.create_task(run_bot(str(folder), str(db), creds=creds, stdout=io.StringIO(), stderr=err,
                                          stop=stop, started=schedulers.put_nowait,
                                          clock=lambda: datetime(2026, 11, 23, 3, 0, tzinfo=UTC)))
        scheduler = await asyncio.wait_for(schedulers.get(), WAIT)
        for _ in range(WAIT * 20):  # until the rejection is reported (bounded), not for a fixed time
            if "discord adapter failed" in err.getvalue():
                break
            done, _ = await asyncio.wait([bot], timeout=0.05)
            assert not done, err.getvalue()
        await slack.push_slash_command("brief KT")  # Slack still answers...
        assert "KT 브리핑" in (await asyncio.wait_for(slack.responses.get(), WAIT))["text"]
        assert scheduler.running and not bot.done()  # ...and the scheduler still runs
        stop.set()
        assert await asyncio.wait_for(bot, WAIT) == 1  # the failure is still in the exit code
    finally:
        await slack.close()
        await discord.close()
    assert "LoginFailure" in err.getvalue() and "still running: slack" in err.getvalue()
    assert "revoked" not in err.getvalue().replace("LoginFailure", "")
