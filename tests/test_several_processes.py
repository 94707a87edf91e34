"""Several bot processes on one archive: migrations applied once, a slot posted by one of them, one
process firing the schedule (a lease) and another taking over when it dies, concurrent ingests."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery import ArchiveWorker, Deliverer, owner_gone
from tests.conftest import CONFIG, ROOT, open_archive

SLOT = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)


class Poster:
    def __init__(self, gate: asyncio.Event | None = None):
        self.keys: list[str] = []
        self.gate = gate

    async def post(self, channel, payload, *, key, thread_ref, resume):
        if self.gate is not None:
            await self.gate.wait()
        self.keys.append(key)
        return f"ref-{len(self.keys)}"

    @staticmethod
    def permanent(exc):
        return False

    @staticmethod
    def retry_after(exc):
        return None


@pytest.mark.slow
def test_processes_starting_together_on_a_new_archive_all_open_it(tmp_path):
    """Each opens the same new file at once: the schema version is read under the write lock."""
    code = "import sys; from briefings.store.sqlite import open_store; open_store(sys.argv[1]).close()"
    for attempt in range(12):  # the race is narrow (about one start in 35 failed before the fix)
        db = tmp_path / f"new{attempt}.sqlite3"
        procs = [subprocess.Popen([sys.executable, "-c", code, str(db)], cwd=ROOT, stderr=subprocess.PIPE)
                 for _ in range(4)]
        errors = [p.communicate(timeout=120)[1].decode() for p in procs]
        assert [p.returncode for p in procs] == [0] * 4, errors


async def test_two_deliverers_on_one_slot_post_each_part_once(two_processes):
    (first_worker, second_worker), config = two_processes
    channel = config.by_name()["daily"]
    gate = asyncio.Event()
    first, second = Poster(gate), Poster()
    clock = lambda: SLOT  # noqa: E731
    one = asyncio.create_task(Deliverer(first_worker, config, {"console": first}, clock).deliver(channel, SLOT))
    await asyncio.sleep(0)  # let the first claim the slot (it then waits on the gate mid-post)
    for _ in range(200):
        status = await second_worker.write(lambda a: a.store.delivery_status("daily"))
        if status is not None:
            break
        await asyncio.sleep(0.01)
    assert await Deliverer(second_worker, config, {"console": second}, clock).deliver(channel, SLOT) == 0
    gate.set()
    sent = await one
    assert sent >= 1 and second.keys == [] and len(first.keys) == len(set(first.keys)) == sent


async def test_a_lapsed_claim_of_another_machine_is_taken_over(two_processes):
    (worker, _), config = two_processes
    channel = config.by_name()["daily"]
    await worker.write(lambda a: a.store.begin_delivery("daily", SLOT, SLOT, "elsewhere:123:abcd",
                                                       SLOT + timedelta(minutes=5)))
    poster = Poster()
    early = Deliverer(worker, config, {"console": poster}, lambda: SLOT + timedelta(minutes=1))
    assert await early.deliver(channel, SLOT) == 0 and poster.keys == []  # still claimed by a live peer
    late = Deliverer(worker, config, {"console": poster}, lambda: SLOT + timedelta(minutes=6))
    assert await late.deliver(channel, SLOT) >= 1  # the claim lapsed: ours now


async def test_a_claim_of_a_dead_process_on_this_machine_is_taken_over_at_once(two_processes):
    from bot.delivery import process_owner
    (worker, _), config = two_processes
    host = process_owner().split(":")[0]
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    owner = f"{host}:{dead.stdout.strip()}:dead"
    assert owner_gone(owner) and not owner_gone(process_owner())
    await worker.write(lambda a: a.store.begin_delivery("daily", SLOT, SLOT, owner, SLOT + timedelta(hours=1)))
    poster = Poster()
    assert await Deliverer(worker, config, {"console": poster}, lambda: SLOT).deliver(config.by_name()["daily"],
                                                                                       SLOT) >= 1


@pytest.mark.slow
async def test_commands_meet_the_chat_deadline_during_a_200_article_burst(seeded_db, tmp_path):
    """Intake runs on its own archive thread (as polls and watched folders do in `run_bot`): a command
    answered meanwhile still comes back well inside Slack's and Discord's 3 seconds."""
    import time

    from briefings.commands import CommandContext, Commands
    from tests.conftest import distinct_articles
    db = tmp_path / "burst.sqlite3"
    shutil.copy(seeded_db, db)
    intake, chat = ArchiveWorker(lambda: open_archive(db)), ArchiveWorker(lambda: open_archive(db))
    try:
        commands = await chat.write(lambda a: Commands(CommandContext(a)))
        burst_file = distinct_articles(tmp_path, 200)
        burst = asyncio.ensure_future(intake.write(lambda a: a.ingest([burst_file])))
        took = []
        for query in ["news 고객", "brief KT", "news 요금제 KT", "grid", "news 통신 서비스"] * 2:
            if burst.done():
                break
            started = time.perf_counter()
            reply = await chat.write(lambda _a, q=query: commands.run_text(q))
            took.append(time.perf_counter() - started)
            assert not reply.error, query
        report = await burst
        assert report.counts["added"] == 200 and len(took) >= 3  # the commands really ran during the burst
        assert max(took) < 2.0, took
    finally:
        intake.close()
        chat.close()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_ingests_of_the_same_files_at_once_store_each_article_once(backend, request, tmp_path):
    """Both processes analyse the same articles in the same order, so they reach "store it" together:
    the one that loses the race finds the other's article (a duplicate), never an IntegrityError."""
    from tests.conftest import SEEDS, distinct_articles
    db = tmp_path / "race.sqlite3" if backend == "sqlite" else request.getfixturevalue("pg_url")
    open_archive(db).close()  # the schema exists: the race is on the articles, not the migrations
    batch = distinct_articles(tmp_path, 60)
    command = [sys.executable, "-m", "bot.cli", "--config", str(CONFIG), "--db", str(db), "ingest", "--json",
               str(SEEDS), str(batch)]
    procs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    reports = [json.loads(out) for out, _ in outputs]
    assert [p.returncode for p in procs] == [0, 0], [err.decode()[-2000:] for _, err in outputs]
    counts = [r["counts"] for r in reports]
    assert all(c["rejected"] == 0 for c in counts) and sum(c["added"] for c in counts) >= 65, counts
    archive = open_archive(db)
    try:
        assert archive.store.count() == 65
        for report in reports:  # every item of each run names the one stored article it became
            ids = {i["article_id"] for i in report["items"]}
            assert len(ids) == 65 and all(archive.store.get(i) is not None for i in ids)
    finally:
        archive.close()


LEASE = 3.0  # seconds: short, so a takeover is quick; `briefings run --lease-seconds`
WAIT = 90  # seconds: two processes starting at once each load the Korean analyser


class BotProcess:
    """`briefings run` as a real process on the fake Slack, its log read as it comes."""

    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process
        self.log: list[str] = []
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, folder, db, fake, shift: float) -> BotProcess:
        import os

        from tests.fakes.slack import APP_TOKEN, BOT_TOKEN
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
        env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=fake.api_url,
                   PYTHONUNBUFFERED="1", BRIEFINGS_TEST_CLOCK_SHIFT=str(shift))
        return cls(await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "--config", str(folder), "--db", str(db), "run",
            "--lease-seconds", str(LEASE), cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE))

    async def _read(self) -> None:
        while line := (await self.process.stderr.readline()).decode():
            self.log.append(line)

    def said(self, text: str) -> bool:
        return any(text in line for line in self.log)

    async def wait_until_said(self, text: str, timeout: float) -> None:
        await poll(lambda: self.said(text), timeout, lambda: "".join(self.log[-30:]),
                   ended=lambda: self.process.returncode is not None)


async def poll(condition, timeout: float, why, ended=lambda: False) -> None:
    """Wait for an observable condition, checking every 50 ms, until the deadline."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if ended() or asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not reached within {timeout:.0f} s:\n{why()}")
        await asyncio.sleep(0.05)


def posted_keys(fake) -> list[str]:
    return [m["metadata"]["event_payload"]["key"] for m in fake.messages.get("C0DAILY", [])]


def parts_of(keys: list[str], slot: datetime) -> list[str]:
    return [key for key in keys if f"@{slot.isoformat()}#" in key]


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_two_bot_processes_post_each_part_once_and_the_standby_takes_over_from_a_killed_leader(
        backend, request, seeded_db, tmp_path):
    import signal

    from tests.fakes.slack import FakeSlack
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    (folder / "channels.yaml").write_text("""\
misfire_grace_seconds: 900
channels:
  - name: kr-daily
    platform: slack
    channel: C0DAILY
    schedule: "* * * * *"
    timezone: UTC
    thread: true
    digest: {group: company, window: all, max_stories: 3}
""", encoding="utf-8")
    if backend == "sqlite":
        db = tmp_path / "shared.sqlite3"
        shutil.copy(seeded_db, db)
    else:  # the seeds archived before the slot, as in the SQLite copy, on the test server
        from tests.conftest import SEEDS
        db = request.getfixturevalue("pg_url")
        archive = open_archive(db)
        assert archive.ingest([SEEDS]).counts["added"] == 5
        archive.close()
    due = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    # Both processes run on one clock moved to 40 s after a slot: that slot is due as they start, the
    # next comes 20 s later (`briefings run` reads the shift for tests only).
    shift = (due + timedelta(seconds=40) - datetime.now(UTC)).total_seconds()
    fake = await FakeSlack().start()
    bots = [await BotProcess.start(folder, db, fake, shift) for _ in range(2)]
    try:
        for bot in bots:  # each has tried for the lease: one leads, the other stands by
            await poll(lambda b=bot: b.said("leading scheduler:slack") or b.said("standby for scheduler:slack"),
                       WAIT, lambda b=bot: "".join(b.log[-30:]), ended=lambda b=bot: b.process.returncode is not None)
        leaders = [b for b in bots if b.said("leading scheduler:slack")]
        assert len(leaders) == 1, ["".join(b.log) for b in bots]
        leader, standby = leaders[0], next(b for b in bots if b is not leaders[0])
        await poll(lambda: len(parts_of(posted_keys(fake), due)) == 4, WAIT,
                   lambda: f"{posted_keys(fake)}\n{''.join(leader.log[-40:])}")
        leader.process.send_signal(signal.SIGKILL)
        assert await leader.process.wait() == -signal.SIGKILL
        killed_at = datetime.now(UTC) + timedelta(seconds=shift)  # on the processes' clock
        following = (killed_at + timedelta(minutes=1)).replace(second=0, microsecond=0)  # the next slot
        # The dead leader's pid is gone on this host: its lease is taken at the standby's next try.
        await standby.wait_until_said("leading scheduler:slack", LEASE + 10)
        await poll(lambda: len(parts_of(posted_keys(fake), following)) == 4,
                   (following - killed_at).total_seconds() + 30, lambda: posted_keys(fake))
        standby.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(standby.process.wait(), WAIT) == 0, "".join(standby.log)
    finally:
        for bot in bots:
            if bot.process.returncode is None:
                bot.process.kill()
                await bot.process.wait()
        await fake.close()
    keys = posted_keys(fake)
    assert len(keys) == len(set(keys)), keys  # no part of any slot was posted twice
    for slot in (due, following):
        assert parts_of(keys, slot) == [f"kr-daily@{slot.isoformat()}#{n}" for n in range(4)]
    for change in ("standby for scheduler:slack", "leading scheduler:slack"):  # each change is logged once
        assert sum(change in line for line in standby.log) == 1, "".join(standby.log)
    took_over = next(n for n, line in enumerate(standby.log) if "leading scheduler:slack" in line)
    assert not any("digest kr-daily" in line for line in standby.log[:took_over])  # no catch-up while standing by


async def test_a_slack_process_and_a_discord_process_each_post_their_own_platforms_digests(
        seeded_db, tmp_path, caplog):
    """One lease per platform: the Slack-only process leads Slack's schedule, the Discord-only one
    Discord's, so each due digest is posted, once, by the process that can post it."""
    import io
    import logging
    from zoneinfo import ZoneInfo

    from bot.app import run_bot
    from bot.credentials import Credentials
    from tests.fakes import discord as fake_discord_module
    from tests.fakes.discord import FakeDiscord
    from tests.fakes.slack import APP_TOKEN, BOT_TOKEN, FakeSlack
    from tests.test_bot_end_to_end import DISCORD_CHANNEL, both_platforms_config
    folder, db = both_platforms_config(seeded_db, tmp_path)  # slack-daily and discord-daily, 08:30 Seoul
    caplog.set_level(logging.INFO)
    slack = await FakeSlack().start()
    discord = await FakeDiscord({DISCORD_CHANNEL: "daily", fake_discord_module.CHANNEL_ID: "briefings"}).start()
    creds = [Credentials(slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN, slack_api_url=slack.api_url),
             Credentials(discord_token=fake_discord_module.TOKEN, discord_api_url=discord.api_url,
                         discord_gateway_url=discord.gateway_url)]
    clock = lambda: datetime(2026, 11, 23, 8, 30, 5, tzinfo=ZoneInfo("Asia/Seoul"))  # noqa: E731 (both are due)
    stops = [asyncio.Event(), asyncio.Event()]
    bots = [asyncio.create_task(run_bot(str(folder), str(db), creds=c, clock=clock, stop=stop, stdout=io.StringIO(),
                                        stderr=io.StringIO())) for c, stop in zip(creds, stops, strict=True)]
    try:
        await poll(lambda: "C0DAILY" in slack.messages and DISCORD_CHANNEL in discord.messages, WAIT,
                   lambda: caplog.text[-3000:], ended=lambda: any(b.done() for b in bots))
        for stop in stops:
            stop.set()
        assert await asyncio.wait_for(asyncio.gather(*bots), WAIT) == [0, 0]
    finally:
        await slack.close()
        await discord.close()
    assert len(slack.messages["C0DAILY"]) == 1 and len(discord.messages[DISCORD_CHANNEL]) == 1
    for change in ("leading scheduler:slack", "leading scheduler:discord"):
        assert caplog.text.count(change) == 1, caplog.text
    assert "no discord adapter in this process: digest discord-daily is not posted here" in caplog.text
