"""`briefings run` as a real process against the fake Slack: kill -9 mid-digest, restart, posted once."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from datetime import UTC, datetime

import pytest

from tests.conftest import CONFIG
from tests.fakes.slack import APP_TOKEN, BOT_TOKEN, FakeSlack

WAIT = 60  # seconds: a process start loads the Korean analyser


async def start_bot(folder, db, fake: FakeSlack) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=fake.api_url,
               PYTHONUNBUFFERED="1")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "--config", str(folder), "--db", str(db), "run",
        env=env, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def posted_or_died(fake: FakeSlack, process: asyncio.subprocess.Process) -> None:
    """The next message the fake receives, unless the process ends first (then say why)."""
    post, died = asyncio.ensure_future(fake.posted.get()), asyncio.ensure_future(process.wait())
    done, _ = await asyncio.wait([post, died], timeout=WAIT, return_when=asyncio.FIRST_COMPLETED)
    if post not in done:
        post.cancel()
        died.cancel()
        errors = (await process.stderr.read()).decode() if died in done else "(still running)"
        raise AssertionError(f"no message reached the fake:\n{errors}")
    died.cancel()


async def read_until(stream: asyncio.StreamReader, marker: str, seen: list[str]) -> None:
    while line := (await stream.readline()).decode():
        seen.append(line)
        if marker in line:
            return
    raise AssertionError(f"process ended before {marker!r}:\n{''.join(seen)}")


@pytest.mark.slow
async def test_kill_9_mid_digest_then_restart_posts_every_part_once(seeded_db, tmp_path):
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    now = datetime.now(UTC)  # the process runs on the real clock: schedule the slot that just fell due
    (folder / "channels.yaml").write_text(f"""\
misfire_grace_seconds: 900
channels:
  - name: kr-daily
    platform: slack
    channel: C0DAILY
    schedule: "{now.minute} {now.hour} * * *"
    timezone: UTC
    thread: true
    digest: {{group: company, window: all, max_stories: 3}}
""", encoding="utf-8")
    db = tmp_path / "bot.sqlite3"
    shutil.copy(seeded_db, db)
    fake = await FakeSlack().start()
    try:
        fake.swallow = 1  # part 0 is answered; part 1 reaches the channel and the process dies waiting
        first = await start_bot(folder, db, fake)
        for _ in range(2):
            await posted_or_died(fake, first)
        first.send_signal(signal.SIGKILL)
        assert await first.wait() == -signal.SIGKILL
        fake.swallow = None

        second = await start_bot(folder, db, fake)
        log: list[str] = []
        await asyncio.wait_for(read_until(second.stderr, "digest kr-daily for", log), WAIT)
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), WAIT)
        assert second.returncode == 0, "".join(log)
    finally:
        await fake.close()
    keys = [m["metadata"]["event_payload"]["key"] for m in fake.messages["C0DAILY"]]
    slot = keys[0].split("@")[1].split("#")[0]
    assert keys == [f"kr-daily@{slot}#{n}" for n in range(4)]  # headline + 3 sections, each exactly once
    assert "posted in 4 message(s)" in log[-1] and "already in kr-daily" in "".join(log)



async def start_console_bot(seeded_db, tmp_path) -> asyncio.subprocess.Process:
    """`briefings run` on a copy of the seeded archive, no chat tokens: the console, stdin a pipe."""
    db = tmp_path / "a.sqlite3"
    shutil.copy(seeded_db, db)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "--config", str(CONFIG), "--db", str(db), "run", env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)

@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_at_the_console_prompt_stops_the_bot_without_waiting_for_a_line(seeded_db, tmp_path, sig):
    process = await start_console_bot(seeded_db, tmp_path)
    seen: list[str] = []
    await asyncio.wait_for(read_until(process.stdout, "briefings console", seen), WAIT)
    process.send_signal(sig)  # stdin stays open and silent, as at a prompt nobody types into
    assert await asyncio.wait_for(process.wait(), WAIT) == 0
    process.stdin.close()


@pytest.mark.slow
async def test_the_first_command_after_a_cold_start_is_as_quick_as_the_next(seeded_db, tmp_path):
    """The analyser is loaded before any adapter connects, not by the first command (which then missed
    Discord's 3 s deadline). Measured in a fresh process: the first answer against the second."""
    import time
    process = await start_console_bot(seeded_db, tmp_path)
    seen: list[str] = []
    try:
        await asyncio.wait_for(read_until(process.stdout, "briefings console", seen), WAIT)
        took = []
        for query in ("news 고객 요금", "news 통신 서비스"):  # new words: kiwi must analyse each query
            started = time.perf_counter()
            process.stdin.write(f"{query}\n".encode())
            await asyncio.wait_for(read_until(process.stdout, f"'{query[5:]}' 검색 결과", seen), WAIT)
            took.append(time.perf_counter() - started)
        assert took[0] < 0.5 + 3 * took[1], (took, "".join(seen[-5:]))
    finally:
        process.stdin.close()
        await asyncio.wait_for(process.wait(), WAIT)
