"""The Discord adapter through real discord.py (Client, CommandTree, HTTP and gateway) against a
fake Discord on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.credentials import Credentials
from bot.delivery import Deliverer
from bot.discord_adapter import DiscordAdapter, nonce_for
from briefings.command_specs import BY_NAME
from briefings.commands import CommandContext, Commands
from tests.conftest import write_channels
from tests.fakes.discord import CHANNEL_ID, TOKEN, FakeDiscord

WAIT = 20  # seconds: an upper bound for an answer already on its way, never a pause
SLOT = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
DAILY, ESG = "1400000000000000010", "1400000000000000020"
CHANNELS = f"""\
  - name: kr-daily
    platform: discord
    guild: "1200000000000000001"
    channel: "{DAILY}"
    schedule: "30 8 * * *"
    thread: true
    digest: {{group: company, window: all, max_stories: 3}}
  - name: kr-esg
    platform: discord
    channel: "{ESG}"
    schedule: "30 8 * * *"
    digest: {{group: theme, window: all, themes: [esg]}}
"""
EPHEMERAL = 64

# (sub-command, options, text the answer must contain, ephemeral?)
COMMANDS = [
    ("help", {}, "brief COMPANY", True),
    ("brief", {"company": "KT"}, "KT 브리핑", False),
    ("brief", {"company": "SKT", "theme": "ai_dx"}, "SK텔레콤 브리핑", False),
    ("news", {"query": "고객", "company": "kt", "page": 1}, "검색 결과", True),
    ("theme", {"theme": "esg"}, "사회공헌·ESG", False),
    ("grid", {"period": "all"}, "기업 × 테마 현황", False),
    ("quotes", {"who": "박정호"}, "박정호", True),
    ("why", {"article": "f4725"}, "기업 SK텔레콤", True),
    ("digest", {"channel": "kr-esg"}, "사회공헌·ESG", True),
    ("brief", {"company": "KT&G"}, "입력 오류", True),
]


@pytest.fixture
async def fake_discord():
    fake = await FakeDiscord({CHANNEL_ID: "briefings", DAILY: "daily", ESG: "esg"}).start()
    yield fake
    await fake.close()


@pytest.fixture
def channels(tmp_path):
    return write_channels(tmp_path, CHANNELS)


def creds_for(fake: FakeDiscord) -> Credentials:
    return Credentials(discord_token=TOKEN, discord_api_url=fake.api_url, discord_gateway_url=fake.gateway_url)


async def start_adapter(fake, worker, channels) -> tuple[DiscordAdapter, asyncio.Task]:
    digests = {c.name: c.digest for c in channels.channels}
    commands = await worker.write(lambda a: Commands(CommandContext(a, digests)))
    adapter = DiscordAdapter(creds_for(fake), worker, commands, channels, guild_ready_timeout=0.1)
    task = asyncio.create_task(adapter.run())
    ready = asyncio.create_task(adapter.client.wait_until_ready())
    await asyncio.wait([task, ready], timeout=WAIT, return_when=asyncio.FIRST_COMPLETED)
    if task.done():  # the client gave up: show why
        ready.cancel()
        task.result()
    assert ready.done()
    return adapter, task


@pytest.fixture
async def bot(fake_discord, archive_worker, channels):
    adapter, task = await start_adapter(fake_discord, archive_worker, channels)
    yield adapter
    await adapter.close()
    await asyncio.wait_for(task, WAIT)
    assert Route.BASE == "https://discord.com/api/v10"  # endpoints restored for whatever runs next
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "wss://gateway.discord.gg/"


def answer_text(body: dict) -> str:
    data = body.get("data", body)
    return (data.get("content") or "") + json.dumps(data.get("embeds", []), ensure_ascii=False)


async def test_every_command_is_answered_through_the_command_tree(bot, fake_discord):
    for sub, options, expected, ephemeral in COMMANDS:
        await fake_discord.push_command(sub, **options)
        callback = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
        assert callback["kind"] == "callback" and callback["type"] == 4, (sub, callback)  # answered at once
        assert expected in answer_text(callback), (sub, options, answer_text(callback)[:300])
        data = callback["data"]
        assert bool(data.get("flags", 0) & EPHEMERAL) == ephemeral, sub
        assert data["allowed_mentions"] == {"parse": []}, sub
    assert fake_discord.callbacks.empty()


async def test_autocomplete_offers_companies_themes_and_configured_channels(bot, fake_discord):
    cases = [("brief", "company", "sk", "skt"), ("news", "theme", "esg", "esg"), ("digest", "channel", "kr-", "kr-esg"),
             ("theme", "theme", "고객", "customer")]
    for sub, option, typed, wanted in cases:
        await fake_discord.push_autocomplete(sub, option, typed)
        callback = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
        assert callback["type"] == 8, callback  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
        values = [c["value"] for c in callback["data"]["choices"]]
        assert wanted in values and len(values) <= 25, (sub, option, typed, values)
        assert all(typed.lower() in (c["name"] + c["value"]).lower() for c in callback["data"]["choices"])


async def test_a_slow_answer_is_deferred_then_edited_in(bot, fake_discord, archive_worker):
    bot.defer_after = 0.05
    release = threading.Event()
    busy = asyncio.ensure_future(archive_worker.write(lambda _a: release.wait(WAIT)))  # e.g. a long ingest
    await fake_discord.push_command("brief", company="LGU+")
    deferred = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    assert deferred["kind"] == "callback" and deferred["type"] == 5  # "thinking…", public like the answer
    assert not deferred.get("data", {}).get("flags", 0) & EPHEMERAL
    release.set()
    await busy
    edited = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    assert edited["kind"] == "edit" and "LG유플러스 브리핑" in answer_text(edited)
    assert edited["allowed_mentions"] == {"parse": []}


async def test_a_slow_error_on_a_public_command_is_shown_only_to_the_caller(bot, fake_discord, archive_worker):
    bot.defer_after = 0.05
    release = threading.Event()
    busy = asyncio.ensure_future(archive_worker.write(lambda _a: release.wait(WAIT)))
    await fake_discord.push_command("brief", company="KT&G")
    deferred = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    assert deferred["type"] == 5 and not deferred.get("data", {}).get("flags", 0) & EPHEMERAL
    release.set()
    await busy
    assert (await asyncio.wait_for(fake_discord.callbacks.get(), WAIT))["kind"] == "delete"
    error = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    assert error["kind"] == "followup" and error["flags"] & EPHEMERAL and "입력 오류" in answer_text(error)


async def test_commands_are_synced_only_when_they_changed(fake_discord, archive_worker, channels):
    for _ in range(2):  # two starts with the same commands: one sync
        adapter, task = await start_adapter(fake_discord, archive_worker, channels)
        await adapter.close()
        await asyncio.wait_for(task, WAIT)
    puts = fake_discord.calls_to("PUT", "/applications/")
    assert len(puts) == 1 and [c["name"] for c in puts[0].body] == ["briefing"]
    subs = {o["name"]: o for o in puts[0].body[0]["options"]}
    assert set(subs) == set(BY_NAME)  # every command defined in briefings.command_specs
    company = next(o for o in subs["brief"]["options"] if o["name"] == "company")
    assert company["required"] and company["autocomplete"] and company["description"].startswith("회사")
    page = next(o for o in subs["news"]["options"] if o["name"] == "page")
    assert page["type"] == 4 and page["min_value"] == 1  # typed: an integer option
    # A changed definition (here: a description) is synced again.
    adapter, task = await start_adapter(fake_discord, archive_worker, channels)
    try:
        before = adapter.command_fingerprint()
        adapter.client.tree.get_commands()[0].description = "company news briefings (v2)"
        assert adapter.command_fingerprint() != before
        assert await adapter.sync_commands() is True
        assert await adapter.sync_commands() is False
    finally:
        await adapter.close()
        await asyncio.wait_for(task, WAIT)
    assert len(fake_discord.calls_to("PUT", "/applications/")) == 2


async def test_a_scheduled_digest_goes_out_with_its_sections_in_a_thread(bot, fake_discord, archive_worker, channels):
    daily = channels.by_name()["kr-daily"]
    sent = await Deliverer(archive_worker, channels, {"discord": bot}, lambda: SLOT).deliver(daily, SLOT)
    [head] = fake_discord.messages[DAILY]
    thread = fake_discord.messages[head["id"]]
    assert fake_discord.threads == {head["id"]: DAILY}
    assert sent == 4 and len(thread) == 3  # KT, SK텔레콤, LG유플러스 each a reply in the thread
    assert "기업별 브리핑" in answer_text(head) and "LG유플러스" in answer_text(thread[-1])
    for n, posted in enumerate([head, *thread]):
        assert posted["allowed_mentions"] == {"parse": []}
        assert posted["nonce"] == nonce_for(f"kr-daily@{SLOT.isoformat()}#{n}")


async def test_a_part_discord_took_but_the_dead_process_never_recorded_is_not_posted_again(
        bot, fake_discord, archive_worker, channels):
    daily = channels.by_name()["kr-daily"]
    fake_discord.swallow = 1  # part 0 answered; part 1 lands in the thread, then the process dies
    deliverer = Deliverer(archive_worker, channels, {"discord": bot}, lambda: SLOT)
    await fake_discord.kill_after(deliverer.deliver(daily, SLOT), posts=2)
    fake_discord.swallow = None
    bot._threads.clear()  # a new process knows no threads: it asks again, and Discord says it exists
    await Deliverer(archive_worker, channels, {"discord": bot}, lambda: SLOT).deliver(daily, SLOT)
    [head] = fake_discord.messages[DAILY]
    nonces = [m["nonce"] for m in fake_discord.messages[head["id"]]]
    assert nonces == [nonce_for(f"kr-daily@{SLOT.isoformat()}#{n}") for n in (1, 2, 3)]  # part 1 once
    assert len(fake_discord.calls_to("POST", f"/channels/{head['id']}/messages")) == 4  # part 1 was re-sent


async def test_a_429_storm_on_one_channel_does_not_hold_up_another(bot, fake_discord, archive_worker, channels):
    by_name = channels.by_name()
    fake_discord.rate_limits[DAILY] = 2
    deliverer = Deliverer(archive_worker, channels, {"discord": bot}, lambda: SLOT)
    daily, esg = await asyncio.gather(deliverer.deliver(by_name["kr-daily"], SLOT),
                                      deliverer.deliver(by_name["kr-esg"], SLOT))
    assert daily == 4 and esg >= 1
    posts = fake_discord.calls_to("POST", "/channels/")
    limited = [c for c in posts if c.status == 429]
    assert len(limited) == 2 and all(c.path == f"/channels/{DAILY}/messages" for c in limited)
    esg_done = max(c.at for c in posts if c.path == f"/channels/{ESG}/messages")
    daily_first = min(c.at for c in posts if c.path == f"/channels/{DAILY}/messages" and c.status == 200)
    assert esg_done < daily_first
    assert daily_first - limited[0].at >= 2 * fake_discord.retry_after * 0.9


async def test_a_failing_archive_gets_a_private_internal_error_not_silence(bot, fake_discord, archive_worker):
    await archive_worker.write(lambda a: a.store.conn.close())  # e.g. the database went away
    await fake_discord.push_command("brief", company="KT")
    callback = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    assert callback["type"] == 4 and "internal error" in callback["data"]["content"]
    assert callback["data"]["flags"] & EPHEMERAL


async def test_an_event_discord_py_cannot_read_is_skipped_and_the_bot_keeps_answering(bot, fake_discord, caplog):
    await fake_discord.dispatch("INTERACTION_CREATE", {})  # fields missing: discord.py's parser raises
    await fake_discord.dispatch("GUILD_ROLE_CREATE", {"guild_id": "1", "role": {}})
    await fake_discord.push_command("help")
    answer = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    assert "brief" in answer_text(answer)
    assert not bot.client.is_closed()
    assert "skipped a INTERACTION_CREATE event" in caplog.text


async def test_a_network_failure_at_start_is_retried_with_backoff(fake_discord, archive_worker, channels):
    waits: list[float] = []
    fake_discord.down = lambda: len(waits) < 3  # the first three connection attempts fail

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    digests = {c.name: c.digest for c in channels.channels}
    commands = await archive_worker.write(lambda a: Commands(CommandContext(a, digests)))
    adapter = DiscordAdapter(creds_for(fake_discord), archive_worker, commands, channels, guild_ready_timeout=0.1)
    adapter.sleep = no_wait
    task = asyncio.create_task(adapter.run())
    try:
        await asyncio.wait_for(adapter.client.wait_until_ready(), WAIT)
        assert len(waits) == 3 and waits[0] < waits[2]  # backed off, growing
        await fake_discord.push_command("help")
        assert "brief" in answer_text(await asyncio.wait_for(fake_discord.callbacks.get(), WAIT))
    finally:
        await adapter.close()
        await asyncio.wait_for(task, WAIT)


async def test_a_stale_client_missing_a_required_option_gets_a_private_answer(bot, fake_discord, caplog):
    await fake_discord.push_command("brief")  # `company` is required; an outdated client may omit it
    callback = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
    assert "could not be read" in callback["data"]["content"]
    assert "Traceback" not in caplog.text


async def test_an_expired_interaction_is_logged_once_without_a_traceback_or_retry(bot, fake_discord, caplog):
    fake_discord.expired_interactions = True
    await fake_discord.push_command("help")
    for _ in range(WAIT * 20):  # until the adapter has given up on the dead token (bounded)
        if "interaction has expired" in caplog.text:
            break
        await asyncio.sleep(0.05)
    callbacks = [c for c in fake_discord.calls if c.path.endswith("/callback")]
    assert "interaction has expired" in caplog.text and "Traceback" not in caplog.text
    assert len(callbacks) == 1  # the dead token was not tried again


def test_a_proxy_in_the_environment_is_used_by_discord_too(monkeypatch, archive_worker, channels):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    commands = archive_worker.write_sync(lambda a: Commands(CommandContext(a)))
    adapter = DiscordAdapter(Credentials(discord_token=TOKEN), archive_worker, commands, channels)
    try:
        assert adapter.client.http.proxy == "http://127.0.0.1:3128"
    finally:
        adapter.endpoints.restore()


async def test_a_server_not_named_in_channels_yaml_gets_a_polite_refusal(fake_discord, archive_worker, tmp_path):
    other = write_channels(tmp_path, f"""  - name: elsewhere
    platform: discord
    guild: "1299999999999999999"
    channel: "{DAILY}"
    schedule: "30 8 * * *"
    digest: {{group: company, window: all}}
""")
    adapter, task = await start_adapter(fake_discord, archive_worker, other)
    try:
        await fake_discord.push_command("brief", company="KT")  # from the fake's own server
        callback = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
        assert "not configured for briefings" in callback["data"]["content"]
        assert callback["data"]["flags"] & EPHEMERAL and "KT 브리핑" not in answer_text(callback)
    finally:
        await adapter.close()
        await asyncio.wait_for(task, WAIT)


async def test_post_now_needs_manage_server_or_an_admin_role(bot, fake_discord, archive_worker, channels):
    from bot.actions import Actions
    slot = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    deliverer = Deliverer(archive_worker, channels, {"discord": bot}, lambda: slot)
    bot.actions = Actions(lambda name: deliverer.deliver(channels.by_name()[name], slot))
    fake_discord.member_permissions = "0"
    await fake_discord.push_command("post", channel="kr-esg")
    refused = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    assert "only admins" in answer_text(refused) and refused["data"]["flags"] & EPHEMERAL
    assert ESG not in fake_discord.messages
    fake_discord.member_permissions = str(1 << 5)  # Manage Server
    await fake_discord.push_command("post", channel="kr-esg")
    done = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    assert "posted" in answer_text(done) and fake_discord.messages[ESG]


async def test_trend_answers_with_the_chart_attached(bot, fake_discord):
    await fake_discord.push_command("trend", names="KT LGU+", period="10y")
    answer = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    if answer.get("type") == 5:  # deferred: the answer and its file come with the edit
        answer = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    [png] = answer["_files"].values()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert "KT: total" in answer_text(answer)
    embeds = answer.get("data", answer).get("embeds")
    assert embeds[-1]["image"]["url"] == "attachment://trend.png"  # shown inside the embed


async def test_export_answers_with_the_file_attached(bot, fake_discord):
    await fake_discord.push_command("export", format="jsonl")
    answer = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    if answer.get("type") == 5:  # deferred: the file comes with the edit
        answer = await asyncio.wait_for(fake_discord.callbacks.get(), WAIT)
    [(name, data)] = answer["_files"].items()
    assert name == "briefings-export.jsonl" and len(data.decode().splitlines()) == 5
