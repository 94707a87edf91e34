"""The Slack adapter through real slack-bolt and slack_sdk code, against a fake Slack on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from datetime import UTC, datetime

import aiohttp
import pytest

from bot.credentials import Credentials
from bot.delivery import Deliverer
from bot.slack_adapter import EVENTS_PATH, METADATA_EVENT, SlackAdapter
from briefings.commands import CommandContext, Commands
from tests.conftest import distinct_articles, write_channels
from tests.fakes.slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack, signed_headers, slash_command_form

WAIT = 20  # seconds: an upper bound for an answer that is already on its way, never a pause
SLOT = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
CHANNELS = """\
  - name: kr-daily
    platform: slack
    channel: C0DAILY
    schedule: "30 8 * * *"
    thread: true
    digest: {group: company, window: all, max_stories: 3}
  - name: kr-esg
    platform: slack
    channel: C0ESG
    schedule: "30 8 * * *"
    digest: {group: theme, window: all, themes: [esg]}
  - name: kr-everything
    platform: slack
    channel: C0ALL
    schedule: "0 9 * * 1"
    digest: {group: theme, window: all, max_stories: 50}
"""

# Each command with text its answer must contain and whether only the caller sees it.
COMMANDS = [
    ("help", "brief COMPANY", "ephemeral"),
    ("", "brief COMPANY", "ephemeral"),  # a bare /briefing is help
    ("brief KT", "KT 브리핑", "in_channel"),
    ("brief SKT ai_dx", "SK텔레콤 브리핑", "in_channel"),
    ("news 고객 KT", "검색 결과", "ephemeral"),
    ("theme esg", "사회공헌·ESG", "in_channel"),
    ("grid", "기업 × 테마 현황", "in_channel"),
    ("quotes 박정호", "박정호", "ephemeral"),
    ("why f4725", "기업 SK텔레콤", "ephemeral"),
    ("digest kr-esg", "사회공헌·ESG", "ephemeral"),
    ("brief", "입력 오류", "ephemeral"),
    ("frobnicate", "unknown command", "ephemeral"),
]


@pytest.fixture
async def fake_slack():
    fake = await FakeSlack().start()
    yield fake
    await fake.close()


@pytest.fixture
def channels(tmp_path):
    return write_channels(tmp_path, CHANNELS)


async def start_adapter(worker, channels, creds: Credentials) -> tuple[SlackAdapter, asyncio.Task]:
    digests = {c.name: c.digest for c in channels.channels}
    commands = await worker.write(lambda a: Commands(CommandContext(a, digests)))
    adapter = SlackAdapter(creds, worker, commands)
    task = asyncio.create_task(adapter.run())
    await asyncio.wait_for(adapter.ready.wait(), WAIT)
    return adapter, task


def http_creds(fake: FakeSlack) -> Credentials:
    return Credentials(slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=fake.api_url,
                       slack_port=0, slack_host="127.0.0.1")


def reply_text(body: dict) -> str:
    return body["text"] + json.dumps(body.get("blocks", []), ensure_ascii=False)


@pytest.fixture
async def http_bot(fake_slack, archive_worker, channels):
    adapter, task = await start_adapter(archive_worker, channels, http_creds(fake_slack))
    yield adapter
    await adapter.close()
    await task


async def send_command(adapter: SlackAdapter, body: str, headers: dict[str, str]) -> tuple[int, str]:
    url = f"http://127.0.0.1:{adapter.port}{EVENTS_PATH}"
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        return response.status, await response.text()


async def test_every_command_over_http_is_acked_then_answered(http_bot, fake_slack):
    for n, (text, expected, response_type) in enumerate(COMMANDS):
        body = urllib.parse.urlencode(slash_command_form(text, fake_slack.response_url(f"h{n}")))
        status, ack_body = await send_command(http_bot, body, signed_headers(body))
        assert status == 200 and ack_body == ""  # acked empty; the answer follows via response_url
        answer = await asyncio.wait_for(fake_slack.responses.get(), WAIT)
        assert expected in reply_text(answer), (text, answer["text"][:200])
        assert answer["response_type"] == response_type, text
        assert "in_thread" not in answer and answer["blocks"][0]["type"] == "header"
    assert fake_slack.responses.empty()
    assert [c.method for c in fake_slack.calls].count("response_url") == len(COMMANDS)


@pytest.mark.parametrize("forgery", ["wrong secret", "stale timestamp", "no signature", "body changed"])
async def test_forged_or_stale_requests_get_401_and_run_nothing(http_bot, fake_slack, forgery):
    body = urllib.parse.urlencode(slash_command_form("brief KT", fake_slack.response_url("forged")))
    headers = {
        "wrong secret": signed_headers(body, secret="not-the-secret"),
        "stale timestamp": signed_headers(body, timestamp=int(time.time()) - 600),
        "no signature": {"Content-Type": "application/x-www-form-urlencoded"},
        "body changed": signed_headers(body),
    }[forgery]
    sent = body.replace("brief+KT", "grid") if forgery == "body changed" else body
    status, _ = await send_command(http_bot, sent, headers)
    assert status == 401
    # A genuine request afterwards is answered, and its answer is the only one: the forged one ran nothing.
    good = urllib.parse.urlencode(slash_command_form("help", fake_slack.response_url("good")))
    assert (await send_command(http_bot, good, signed_headers(good)))[0] == 200
    answer = await asyncio.wait_for(fake_slack.responses.get(), WAIT)
    assert "brief COMPANY" in answer["text"] and fake_slack.responses.empty()
    assert [c.method for c in fake_slack.calls] == ["auth.test", "response_url"]


async def test_every_command_over_socket_mode(fake_slack, archive_worker, channels):
    creds = Credentials(slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN, slack_api_url=fake_slack.api_url)
    adapter, task = await start_adapter(archive_worker, channels, creds)
    try:
        assert fake_slack.calls_to("apps.connections.open")
        for n, (text, expected, response_type) in enumerate(COMMANDS):
            await fake_slack.push_slash_command(text, envelope_id=f"env-{n}")
            ack = await asyncio.wait_for(fake_slack.acks.get(), WAIT)
            assert ack["envelope_id"] == f"env-{n}"
            answer = await asyncio.wait_for(fake_slack.responses.get(), WAIT)
            assert expected in reply_text(answer) and answer["response_type"] == response_type, text
    finally:
        await adapter.close()
        await task
    assert adapter.port is None  # no HTTP server in Socket Mode


async def test_a_scheduled_digest_is_posted_in_a_thread_with_its_key(http_bot, fake_slack, archive_worker, channels):
    daily = channels.by_name()["kr-daily"]
    clock = lambda: SLOT  # noqa: E731
    sent = await Deliverer(archive_worker, channels, {"slack": http_bot}, clock).deliver(daily, SLOT)
    messages = fake_slack.messages["C0DAILY"]
    assert sent == len(messages) == 4  # the headline, then KT, SK텔레콤 and LG유플러스 in its thread
    first = messages[0]
    assert first["thread_ts"] is None and all(m["thread_ts"] == first["ts"] for m in messages[1:])
    keys = [m["metadata"]["event_payload"]["key"] for m in messages]
    assert keys == [f"kr-daily@{SLOT.isoformat()}#{n}" for n in range(4)]
    assert all(m["metadata"]["event_type"] == METADATA_EVENT and m["unfurl_links"] is False for m in messages)
    assert "기업별 브리핑" in first["text"] and "LG유플러스" in json.dumps(messages[3]["blocks"], ensure_ascii=False)
    again = await Deliverer(archive_worker, channels, {"slack": http_bot}, clock).deliver(daily, SLOT)
    assert again == 0 and len(fake_slack.messages["C0DAILY"]) == 4


async def test_a_part_slack_took_but_the_dead_process_never_recorded_is_not_posted_again(
        http_bot, fake_slack, archive_worker, channels):
    daily = channels.by_name()["kr-daily"]
    clock = lambda: SLOT  # noqa: E731
    fake_slack.swallow = 1  # part 0 answered; part 1 lands in the channel, then the process dies
    deliverer = Deliverer(archive_worker, channels, {"slack": http_bot}, clock)
    await fake_slack.kill_after(deliverer.deliver(daily, SLOT), posts=2)
    fake_slack.swallow = None
    sent = await Deliverer(archive_worker, channels, {"slack": http_bot}, clock).deliver(daily, SLOT)
    keys = [m["metadata"]["event_payload"]["key"] for m in fake_slack.messages["C0DAILY"]]
    assert keys == [f"kr-daily@{SLOT.isoformat()}#{n}" for n in range(4)]  # each part exactly once
    assert sent == 3 and fake_slack.calls_to("conversations.replies")  # part 1 found in the thread, 2 and 3 sent
    assert len(fake_slack.calls_to("chat.postMessage")) == 4


async def test_a_429_storm_on_one_channel_does_not_hold_up_another(http_bot, fake_slack, archive_worker, channels):
    by_name = channels.by_name()
    fake_slack.rate_limits["C0DAILY"] = 2
    fake_slack.retry_after = 1
    deliverer = Deliverer(archive_worker, channels, {"slack": http_bot}, lambda: SLOT)
    daily, esg = await asyncio.gather(deliverer.deliver(by_name["kr-daily"], SLOT),
                                      deliverer.deliver(by_name["kr-esg"], SLOT))
    assert daily == 4 and esg >= 1
    posts = fake_slack.calls_to("chat.postMessage")
    limited = [c for c in posts if c.status == 429]
    assert len(limited) == 2 and {c.args["channel"] for c in limited} == {"C0DAILY"}
    esg_done = max(c.at for c in posts if c.args["channel"] == "C0ESG")
    daily_first = min(c.at for c in posts if c.args["channel"] == "C0DAILY" and c.status == 200)
    assert esg_done < daily_first  # the other channel finished while this one waited out Retry-After
    assert daily_first - limited[0].at >= 2  # and the waiting channel honoured Retry-After twice


async def test_a_failing_archive_gets_a_private_internal_error_not_silence(http_bot, fake_slack, archive_worker):
    await archive_worker.write(lambda a: a.store.conn.close())  # e.g. the database went away
    body = urllib.parse.urlencode(slash_command_form("brief KT", fake_slack.response_url("broken")))
    assert (await send_command(http_bot, body, signed_headers(body)))[0] == 200
    answer = await asyncio.wait_for(fake_slack.responses.get(), WAIT)
    assert "internal error" in answer["text"] and answer["response_type"] == "ephemeral"


@pytest.mark.slow
async def test_an_answer_longer_than_five_messages_ends_with_a_truncation_marker(
        http_bot, fake_slack, archive_worker, tmp_path):
    every_theme = await archive_worker.write(
        lambda a: " ".join(k.term for t in a.taxonomy.theme_ids for k in a.taxonomy.theme(t).keywords))
    path = distinct_articles(tmp_path, 45)  # distinct stories, each now also touching every theme
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(json.dumps({**r, "body": f"{r['body']}\n{every_theme}."}, ensure_ascii=False)
                              for r in records), encoding="utf-8")
    added = await archive_worker.write(lambda a: a.ingest([path]))
    assert added.counts["added"] == 45
    body = urllib.parse.urlencode(slash_command_form("digest kr-everything", fake_slack.response_url("long")))
    assert (await send_command(http_bot, body, signed_headers(body)))[0] == 200
    answers = [await asyncio.wait_for(fake_slack.responses.get(), WAIT) for _ in range(5)]
    assert all(len(a["blocks"]) <= 50 for a in answers[:4]) and "blocks" not in answers[4]
    assert answers[4]["text"].startswith("… (잘림 / truncated: ") and answers[4]["response_type"] == "ephemeral"
    cut = int(answers[4]["text"].split("truncated: ")[1].split()[0])
    assert cut >= 2  # seven themes of 45 stories need more than five messages
    # Nothing beyond Slack's five: the next answer to arrive is the one to the next command.
    follow = urllib.parse.urlencode(slash_command_form("help", fake_slack.response_url("next")))
    await send_command(http_bot, follow, signed_headers(follow))
    assert "brief COMPANY" in (await asyncio.wait_for(fake_slack.responses.get(), WAIT))["text"]


async def test_a_minute_of_slack_500s_delays_the_digest_without_losing_or_repeating_a_part(
        http_bot, fake_slack, archive_worker, channels):
    from datetime import timedelta

    from tests.fakes.inprocess import FakeTime
    time = FakeTime(SLOT)
    fake_slack.down = lambda: time.now < SLOT + timedelta(seconds=60)
    sent = await Deliverer(archive_worker, channels, {"slack": http_bot}, time, sleep=time.sleep).deliver(
        channels.by_name()["kr-daily"], SLOT)
    keys = [m["metadata"]["event_payload"]["key"] for m in fake_slack.messages["C0DAILY"]]
    assert sent == 4 and keys == [f"kr-daily@{SLOT.isoformat()}#{n}" for n in range(4)]
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")].count(500) >= 2


async def test_an_unknown_slack_channel_fails_at_once_and_is_recorded(http_bot, fake_slack, archive_worker, channels):
    from bot.delivery import DeliveryFailed
    from tests.fakes.inprocess import FakeTime
    time = FakeTime(SLOT)
    fake_slack.missing_channels = {"C0DAILY"}
    with pytest.raises(DeliveryFailed, match="channel_not_found"):
        await Deliverer(archive_worker, channels, {"slack": http_bot}, time, sleep=time.sleep).deliver(
            channels.by_name()["kr-daily"], SLOT)
    assert time.slept == [] and len(fake_slack.calls_to("chat.postMessage")) == 1
    status = await archive_worker.write(lambda a: a.store.delivery_status("kr-daily"))
    assert status["status"] == "failed" and "channel_not_found" in status["error"]


async def test_slack_escaped_and_ime_typed_commands_are_understood(http_bot, fake_slack):
    for n, (text, expected, absent) in enumerate([
        ("news AT&amp;T", "AT&amp;T", "&amp;amp;"),  # searched for AT&T; shown escaped once, as Slack wants
        ("brief KT&amp;G", "KT&amp;G", "&amp;amp;"),
        ("brief\u3000ＫＴ", "KT 브리핑", "unknown command"),
        ("brief 케이티", "KT 브리핑", "unknown company"),
    ]):
        body = urllib.parse.urlencode(slash_command_form(text, fake_slack.response_url(f"e{n}")))
        assert (await send_command(http_bot, body, signed_headers(body)))[0] == 200
        answer = reply_text(await asyncio.wait_for(fake_slack.responses.get(), WAIT))
        assert expected in answer and absent not in answer, (text, answer[:300])


async def test_an_expired_response_url_is_logged_not_lost_silently(http_bot, fake_slack, caplog):
    body = urllib.parse.urlencode(slash_command_form("help", fake_slack.response_url("expired-1")))
    assert (await send_command(http_bot, body, signed_headers(body)))[0] == 200
    for _ in range(WAIT * 20):  # until the adapter has tried the dead URL (bounded)
        if "was lost" in caplog.text:
            break
        await asyncio.sleep(0.05)
    assert "the answer to 'help' was lost: response_url answered 404 expired_url" in caplog.text
    assert len(fake_slack.calls_to("response_url")) == 1  # not hammered: one try, one log line


@pytest.mark.parametrize(("allowed", "refused"), [(frozenset({"T0OTHER"}), True), (frozenset({"T0FAKE"}), False)])
async def test_a_workspace_not_named_in_channels_yaml_gets_a_polite_refusal(
        fake_slack, archive_worker, channels, allowed, refused):
    commands = await archive_worker.write(lambda a: Commands(CommandContext(a)))
    adapter = SlackAdapter(http_creds(fake_slack), archive_worker, commands, allowed_teams=allowed)
    task = asyncio.create_task(adapter.run())
    await asyncio.wait_for(adapter.ready.wait(), WAIT)
    try:
        body = urllib.parse.urlencode(slash_command_form("brief KT", fake_slack.response_url("w1")))
        assert (await send_command(adapter, body, signed_headers(body)))[0] == 200
        answer = await asyncio.wait_for(fake_slack.responses.get(), WAIT)
        assert ("not configured for briefings" in answer["text"]) == refused
        assert ("KT 브리핑" in reply_text(answer)) != refused
    finally:
        await adapter.close()
        await asyncio.wait_for(task, WAIT)


async def test_post_now_is_for_admins_only(http_bot, fake_slack, archive_worker, channels):
    from bot.actions import Actions
    deliverer = Deliverer(archive_worker, channels, {"slack": http_bot}, lambda: SLOT)
    http_bot.actions = Actions(lambda name: deliverer.deliver(channels.by_name()[name], SLOT))
    body = urllib.parse.urlencode(slash_command_form("post kr-esg", fake_slack.response_url("p1")))
    assert (await send_command(http_bot, body, signed_headers(body)))[0] == 200
    refused = await asyncio.wait_for(fake_slack.responses.get(), WAIT)
    assert "only admins" in reply_text(refused) and refused["response_type"] == "ephemeral"
    assert "C0ESG" not in fake_slack.messages
    http_bot.admins = ("U0USER",)  # the fake's caller, named in channels.yaml `admins: {slack: [...]}`
    body = urllib.parse.urlencode(slash_command_form("post kr-esg", fake_slack.response_url("p2")))
    assert (await send_command(http_bot, body, signed_headers(body)))[0] == 200
    done = await asyncio.wait_for(fake_slack.responses.get(), WAIT)
    assert "posted" in reply_text(done) and len(fake_slack.messages["C0ESG"]) >= 1


async def test_trend_answers_with_numbers_and_uploads_the_chart_to_the_channel(http_bot, fake_slack):
    body = urllib.parse.urlencode(slash_command_form("trend KT LGU+ 10y", fake_slack.response_url("t1")))
    assert (await send_command(http_bot, body, signed_headers(body)))[0] == 200
    answer = await asyncio.wait_for(fake_slack.responses.get(), WAIT)
    assert "KT: total" in reply_text(answer) and answer["response_type"] == "in_channel"  # the text fallback
    for _ in range(WAIT * 20):  # the upload follows the answer (bounded wait)
        if fake_slack.shared_files:
            break
        await asyncio.sleep(0.05)
    [shared] = fake_slack.shared_files
    assert shared["channel"] == "C0CMD" and "KT: total" in shared["comment"]
    [png] = fake_slack.uploads.values()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


async def test_export_uploads_a_csv_file_to_the_channel(http_bot, fake_slack):
    import csv
    import io
    body = urllib.parse.urlencode(slash_command_form("export csv KT", fake_slack.response_url("x1")))
    assert (await send_command(http_bot, body, signed_headers(body)))[0] == 200
    answer = await asyncio.wait_for(fake_slack.responses.get(), WAIT)
    assert "articles (csv)" in reply_text(answer)
    for _ in range(WAIT * 20):  # the upload follows the answer (bounded wait)
        if fake_slack.shared_files:
            break
        await asyncio.sleep(0.05)
    [data] = fake_slack.uploads.values()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert data.startswith(b"\xef\xbb\xbf") and rows and all("KT" in r["about"] + r["mentions"] for r in rows)
