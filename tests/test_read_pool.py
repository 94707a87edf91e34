"""The archive read pool and the per-command deadline, through real SQLite, slack-bolt and discord.py.

A slow command is a real command held on a threading.Event (a stand-in for a `grid` over a large
archive); deadlines pass when the test moves a manual timer, never by waiting.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import threading
import urllib.parse
from datetime import UTC, datetime

import aiohttp
import pytest

from bot.answering import SLOW_NOTICE
from bot.console import ConsoleAdapter
from bot.credentials import Credentials
from bot.delivery import Deliverer
from bot.discord_adapter import DiscordAdapter
from bot.slack_adapter import EVENTS_PATH, SlackAdapter
from bot.workers import ArchiveWorker
from briefings.commands import CommandContext, Commands
from tests.conftest import distinct_articles, open_archive, write_channels
from tests.fakes.discord import CHANNEL_ID, TOKEN, FakeDiscord
from tests.fakes.inprocess import RecordingPoster
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, signed_headers, slash_command_form

WAIT = 20  # seconds: an upper bound for what is already on its way, never a pause
EPHEMERAL = 64
CHANNELS = """\
  - name: daily
    platform: slack
    channel: C0DAILY
    schedule: "30 8 * * *"
    digest: {group: company, window: all, max_stories: 3}
"""


class ManualTimer:
    """An asyncio sleep that ends only when the test moves time past it (`advance`)."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, asyncio.Future]] = []
        self._changed = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        entry = (self.now + seconds, asyncio.get_running_loop().create_future())
        self._sleepers.append(entry)
        self._changed.set()
        try:
            await entry[1]
        finally:
            self._sleepers.remove(entry)

    async def sleeping(self, seconds: float) -> None:
        """Until someone sleeps until `seconds` from now (a deadline has been set)."""
        while not any(end == self.now + seconds for end, _ in self._sleepers):
            self._changed.clear()
            await asyncio.wait_for(self._changed.wait(), WAIT)

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for end, future in self._sleepers:
            if end <= self.now and not future.done():
                future.set_result(None)


class GatedCommands(Commands):
    """The real commands, except that `grid` first waits for the test to open the gate."""

    def __init__(self, ctx: CommandContext):
        super().__init__(ctx)
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.threads: list[str] = []

    def run(self, *args, **kwargs):
        self.threads.append(threading.current_thread().name)
        return super().run(*args, **kwargs)

    def run_text(self, text: str):
        self.threads.append(threading.current_thread().name)
        return super().run_text(text)

    def cmd_grid(self, positional: list[str], named: dict[str, str]):
        self.entered.set()
        if not self.gate.wait(WAIT):
            raise AssertionError("the gate was never opened")
        return super().cmd_grid(positional, named)


@pytest.fixture
def pool(seeded_db, tmp_path):
    db = tmp_path / "pool.sqlite3"
    shutil.copy(seeded_db, db)
    worker = ArchiveWorker(lambda: open_archive(db), readers=2)
    yield worker
    worker.close()


@pytest.fixture
def gated(pool, tmp_path):
    digests = {c.name: c.digest for c in write_channels(tmp_path, CHANNELS).channels}
    commands = pool.write_sync(lambda a: GatedCommands(CommandContext(a, digests)))
    yield commands
    commands.gate.set()  # a failed test must not leave a reader waiting


async def entered(commands: GatedCommands) -> None:
    assert await asyncio.to_thread(commands.entered.wait, WAIT), "the slow command never started"


# -- the pool itself -------------------------------------------------------------------------------
async def test_reads_run_side_by_side_and_writes_one_at_a_time(pool):
    meet = threading.Barrier(2, timeout=WAIT)  # passes only if both reads are running at once

    def read(archive):
        meet.wait()
        return threading.current_thread().name, archive.store.count()

    first, second = await asyncio.gather(pool.read(read), pool.read(read))
    assert first[0] != second[0] and {first[1], second[1]} == {5}
    assert all(name.startswith("archive-read") for name in (first[0], second[0]))

    log: list[str] = []
    held, release = threading.Event(), threading.Event()

    def write(name: str, hold: bool):
        def run(archive):
            log.append(f"{name} start {threading.current_thread().name}")
            if hold:
                held.set()
                assert release.wait(WAIT)
            archive.store.set_state(f"k-{name}", name, datetime.now(UTC))
            log.append(f"{name} end")
        return run

    a = asyncio.ensure_future(pool.write(write("a", True)))
    assert await asyncio.to_thread(held.wait, WAIT)
    b = asyncio.ensure_future(pool.write(write("b", False)))
    # While the writer is held, a read still answers, from a reader, and B has not begun.
    assert await asyncio.wait_for(pool.read(lambda a: a.store.count()), WAIT) == 5
    assert log == ["a start archive-write_0"] and not b.done()
    release.set()
    await asyncio.wait_for(asyncio.gather(a, b), WAIT)
    assert log == ["a start archive-write_0", "a end", "b start archive-write_0", "b end"]
    # What a write committed, a reader (another connection) sees at once.
    assert await pool.read(lambda a: (a.store.get_state("k-a"), a.store.get_state("k-b"))) == ("a", "b")


async def test_reads_go_to_the_first_idle_reader_and_wait_their_turn_when_all_are_busy(pool):
    def name(_archive) -> str:
        return threading.current_thread().name

    # One at a time, every read is the first reader's: its caches stay warm.
    assert [await pool.read(name) for _ in range(4)] == ["archive-read-0"] * 4
    held, release = [threading.Event(), threading.Event()], threading.Event()

    def hold(n: int):
        def run(_archive) -> str:
            held[n].set()
            assert release.wait(WAIT)
            return threading.current_thread().name
        return run

    first = asyncio.ensure_future(pool.read(hold(0)))
    assert await asyncio.to_thread(held[0].wait, WAIT)
    second = asyncio.ensure_future(pool.read(hold(1)))  # the first is busy: the second reader takes it
    assert await asyncio.to_thread(held[1].wait, WAIT)
    third = asyncio.ensure_future(pool.read(lambda _a: release.is_set()))  # both busy: it waits its turn
    release.set()
    assert await asyncio.wait_for(asyncio.gather(first, second, third), WAIT) == [
        "archive-read-0", "archive-read-1", True]


async def test_a_read_sees_an_ingest_the_writer_just_committed(pool, tmp_path):
    path = distinct_articles(tmp_path, 3)
    report = await pool.write(lambda a: a.ingest([path]))
    assert report.counts["added"] == 3
    found = await pool.read(lambda a: (threading.current_thread().name, a.store.count()))
    assert found[0].startswith("archive-read") and found[1] == 8


async def test_without_readers_reads_share_the_writer_thread_and_a_closed_pool_refuses(seeded_db, tmp_path):
    db = tmp_path / "one.sqlite3"
    shutil.copy(seeded_db, db)
    worker = ArchiveWorker(lambda: open_archive(db))
    assert worker.readers == 0
    assert await worker.read(lambda _a: threading.current_thread().name) == "archive-write_0"
    worker.close()
    with pytest.raises(RuntimeError):
        worker.read_sync(lambda a: a.store.count())


async def test_a_delivery_through_the_pool_posts_once_and_its_ledger_is_read_back(pool, tmp_path):
    config = write_channels(tmp_path, CHANNELS.replace("platform: slack", "platform: console"))
    channel, slot, poster = config.channels[0], datetime(2026, 11, 22, 23, 30, tzinfo=UTC), RecordingPoster()
    deliverer = Deliverer(pool, config, {"console": poster}, lambda: slot)
    assert await deliverer.deliver(channel, slot) == len(poster.texts) >= 1
    assert await deliverer.deliver(channel, slot) == 0  # the ledger the writer kept says it is done
    status = await pool.read(lambda a: a.store.delivery_status("daily"))
    assert status["status"] == "posted" and status["parts"] == len(poster.texts)


# -- Slack -----------------------------------------------------------------------------------------
async def send(adapter: SlackAdapter, fake: FakeSlack, text: str, name: str) -> None:
    body = urllib.parse.urlencode(slash_command_form(text, fake.response_url(name)))
    url = f"http://127.0.0.1:{adapter.port}{EVENTS_PATH}"
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=signed_headers(body)) as r:
        assert r.status == 200 and await r.text() == ""  # acked at once, whatever the command costs


@pytest.fixture
async def slack(pool, gated):
    fake = await FakeSlack().start()
    creds = Credentials(slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=fake.api_url,
                        slack_port=0, slack_host="127.0.0.1")
    adapter = SlackAdapter(creds, pool, gated)
    timer = ManualTimer()
    adapter.answerer.sleep = timer.sleep
    task = asyncio.create_task(adapter.run())
    await asyncio.wait_for(adapter.ready.wait(), WAIT)
    yield adapter, fake, timer
    gated.gate.set()
    await adapter.close()
    await task
    await fake.close()


async def next_response(fake: FakeSlack) -> dict:
    return await asyncio.wait_for(fake.responses.get(), WAIT)


async def test_slack_a_slow_command_does_not_hold_up_a_quick_one_and_says_it_is_slow(slack, gated):
    adapter, fake, timer = slack
    await send(adapter, fake, "grid", "slow")
    await entered(gated)
    await send(adapter, fake, "brief KT", "quick")
    quick = await next_response(fake)  # answered while grid is still held on its reader
    assert "KT 브리핑" in quick["text"] and not gated.gate.is_set()
    await timer.sleeping(adapter.answerer.deadlines.notice_after)
    timer.advance(adapter.answerer.deadlines.notice_after)
    notice = await next_response(fake)
    assert notice["text"] == SLOW_NOTICE and notice["response_type"] == "ephemeral"
    gated.gate.set()
    answer = await next_response(fake)
    assert "기업 × 테마 현황" in answer["text"] and answer["response_type"] == "in_channel"
    assert len({name for name in gated.threads}) == 2 and all(n.startswith("archive-read") for n in gated.threads)


async def test_slack_a_command_past_the_hard_cap_is_named_in_a_failure(slack, gated):
    adapter, fake, timer = slack
    deadlines = adapter.answerer.deadlines
    await send(adapter, fake, "grid 30d", "slow")
    await entered(gated)
    await timer.sleeping(deadlines.notice_after)
    timer.advance(deadlines.notice_after)
    assert (await next_response(fake))["text"] == SLOW_NOTICE
    await timer.sleeping(deadlines.give_up_after - deadlines.notice_after)
    timer.advance(deadlines.give_up_after - deadlines.notice_after)
    failed = await next_response(fake)
    assert "`grid`" in failed["text"] and f"{deadlines.give_up_after:.0f} s" in failed["text"]
    assert failed["response_type"] == "ephemeral"
    gated.gate.set()  # the late answer is dropped: the next response is the next command's
    await send(adapter, fake, "help", "after")
    assert "brief COMPANY" in (await next_response(fake))["text"]
    assert len(fake.calls_to("response_url")) == 3


# -- Discord ---------------------------------------------------------------------------------------
@pytest.fixture
async def discord_bot(pool, gated, tmp_path):
    fake = await FakeDiscord({CHANNEL_ID: "briefings"}).start()
    creds = Credentials(discord_token=TOKEN, discord_api_url=fake.api_url, discord_gateway_url=fake.gateway_url)
    adapter = DiscordAdapter(creds, pool, gated, write_channels(tmp_path, CHANNELS), guild_ready_timeout=0.1)
    timer = ManualTimer()
    adapter.answerer.sleep = timer.sleep
    task = asyncio.create_task(adapter.run())
    await asyncio.wait_for(adapter.client.wait_until_ready(), WAIT)
    yield adapter, fake, timer
    gated.gate.set()
    await adapter.close()
    await asyncio.wait_for(task, WAIT)
    await fake.close()


async def next_callback(fake: FakeDiscord) -> dict:
    return await asyncio.wait_for(fake.callbacks.get(), WAIT)


async def test_discord_a_slow_command_is_deferred_noted_and_edited_while_others_answer(discord_bot, gated):
    adapter, fake, timer = discord_bot
    await fake.push_command("grid", period="all")
    await entered(gated)
    await fake.push_command("brief", company="KT")
    quick = await next_callback(fake)
    assert quick["type"] == 4 and "KT 브리핑" in str(quick["data"])  # answered at once, not deferred
    await timer.sleeping(adapter.answerer.deadlines.notice_after)
    timer.advance(adapter.answerer.deadlines.notice_after)  # past the defer deadline and the notice's
    deferred = await next_callback(fake)
    assert deferred["kind"] == "callback" and deferred["type"] == 5
    assert not deferred.get("data", {}).get("flags", 0) & EPHEMERAL  # grid is public: so is its placeholder
    notice = await next_callback(fake)
    assert notice["kind"] == "edit" and notice["content"] == SLOW_NOTICE
    gated.gate.set()
    answer = await next_callback(fake)
    assert answer["kind"] == "edit" and "기업 × 테마 현황" in str(answer["embeds"]) and not answer.get("content")


async def test_discord_a_command_past_the_hard_cap_says_so_in_place(discord_bot, gated):
    adapter, fake, timer = discord_bot
    deadlines = adapter.answerer.deadlines
    await fake.push_command("grid", period="30d")
    await entered(gated)
    await timer.sleeping(deadlines.notice_after)
    timer.advance(deadlines.notice_after)
    assert (await next_callback(fake))["type"] == 5
    assert (await next_callback(fake))["content"] == SLOW_NOTICE
    await timer.sleeping(deadlines.give_up_after - deadlines.notice_after)
    timer.advance(deadlines.give_up_after - deadlines.notice_after)
    failed = await next_callback(fake)
    assert failed["kind"] == "edit" and "`grid`" in failed["content"] and failed["embeds"] == []


# -- console ---------------------------------------------------------------------------------------
class Screen(io.StringIO):
    """What the console printed, with a wait for a text to appear in it."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def write(self, text: str) -> int:
        self.changed.set()
        return super().write(text)

    async def shows(self, text: str) -> None:
        while text not in self.getvalue():
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), WAIT)


async def test_console_says_a_command_is_slow_answers_the_next_and_prints_the_slow_answer_after(pool, gated):
    screen = Screen()
    console = ConsoleAdapter(pool, gated, screen, io.StringIO("grid\nbrief KT\n"))
    timer = ManualTimer()
    console.answerer.sleep = timer.sleep
    run = asyncio.ensure_future(console.run())
    await entered(gated)
    await timer.sleeping(console.answerer.deadlines.notice_after)
    timer.advance(console.answerer.deadlines.notice_after)
    await screen.shows("KT 브리핑")  # the prompt came back and the next line was answered, grid still held
    assert not gated.gate.is_set() and not run.done()
    gated.gate.set()
    await asyncio.wait_for(run, WAIT)  # end of input: the console ends once the promised answer is printed
    text = screen.getvalue()
    assert (text.index(f"(grid) {SLOW_NOTICE}") < text.index("KT 브리핑") < text.index("[grid]")
            < text.index("기업 × 테마 현황"))


async def test_console_past_the_hard_cap_names_the_command(pool, gated):
    console = ConsoleAdapter(pool, gated, io.StringIO(), io.StringIO(""))
    timer = ManualTimer()
    console.answerer.sleep = timer.sleep
    slow = asyncio.ensure_future(console.answer("grid 30d"))
    await entered(gated)
    deadlines = console.answerer.deadlines
    await timer.sleeping(deadlines.notice_after)
    timer.advance(deadlines.notice_after)
    await timer.sleeping(deadlines.give_up_after - deadlines.notice_after)
    timer.advance(deadlines.give_up_after - deadlines.notice_after)
    text = await asyncio.wait_for(slow, WAIT)
    assert "`grid`" in text and "given up" in text


def test_chat_settings_are_read_and_a_cap_before_the_notice_is_refused(tmp_path):
    from briefings.errors import ConfigError
    from briefings.settings import load_settings

    (tmp_path / "briefings.yaml").write_text("chat: {readers: 2, slow_notice_seconds: 1.5, give_up_seconds: 30}\n",
                                             encoding="utf-8")
    chat = load_settings(tmp_path).chat
    assert (chat.readers, chat.slow_notice_seconds, chat.give_up_seconds) == (2, 1.5, 30)
    (tmp_path / "briefings.yaml").write_text("chat: {slow_notice_seconds: 5, give_up_seconds: 2}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert "give_up_seconds must be longer" in str(info.value)


def test_the_bot_opens_the_readers_its_settings_ask_for_and_closes_them(seeded_db, tmp_path):
    from bot.app import run_bot
    from tests.conftest import CONFIG

    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    settings = folder / "briefings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("readers: 3", "readers: 2"), encoding="utf-8")
    db = tmp_path / "bot.sqlite3"
    shutil.copy(seeded_db, db)
    def readers() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name.startswith("archive-read")}

    before, seen = readers(), []  # (another test's reader still finishing is not this bot's)

    def started(_scheduler) -> None:
        seen.append(sorted(t.name for t in readers() - before))

    out = io.StringIO()
    code = asyncio.run(run_bot(str(folder), str(db), creds=Credentials(), stdin=io.StringIO("brief KT\nquit"),
                               stdout=out, started=started))
    assert code == 0 and "KT 브리핑" in out.getvalue()
    assert seen == [["archive-read-0", "archive-read-1"]]
    assert not readers() - before


def test_a_reader_that_cannot_open_fails_the_start_and_closes_what_was_opened(seeded_db, tmp_path):
    db = tmp_path / "r.sqlite3"
    shutil.copy(seeded_db, db)
    opened = []

    def opener():
        if len(opened) == 2:  # the writer and the first reader open; the second reader cannot
            raise OSError("no more file handles")
        opened.append(open_archive(db))
        return opened[-1]

    with pytest.raises(OSError, match="no more file handles"):
        ArchiveWorker(opener, readers=3)
    assert len(opened) == 2
    for archive in opened:  # both were closed: using one fails
        with pytest.raises(Exception, match="closed"):
            archive.store.count()
