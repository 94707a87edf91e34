"""Slack's HTTP endpoint under hostile clients: idle, slow, too many, malformed or replayed requests."""

from __future__ import annotations

import asyncio
import urllib.parse

import aiohttp
import pytest

from bot.http_guard import HttpLimits
from bot.slack_adapter import SlackAdapter
from briefings.commands import CommandContext, Commands
from tests.fakes.slack import signed_headers, slash_command_form
from tests.test_slack import WAIT, channels, fake_slack, http_creds, send_command  # noqa: F401  (fixtures)

LIMITS = HttpLimits(header_timeout=0.3, body_timeout=0.3, max_connections=3, max_lifetime=30)


@pytest.fixture
async def guarded_bot(fake_slack, archive_worker, channels):  # noqa: F811
    commands = await archive_worker.write(lambda a: Commands(CommandContext(a, {})))
    adapter = SlackAdapter(http_creds(fake_slack), archive_worker, commands)
    adapter.http_limits = LIMITS
    task = asyncio.create_task(adapter.run())
    await asyncio.wait_for(adapter.ready.wait(), WAIT)
    yield adapter
    await adapter.close()
    await task


async def closed_by_server(reader: asyncio.StreamReader) -> bool:
    """True when the server closes the connection (EOF) within a generous bound."""
    try:
        while await asyncio.wait_for(reader.read(1024), WAIT):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:  # closed while we were still writing: the peer sees a reset, not EOF
        return True
    return True


async def test_an_idle_client_is_disconnected(guarded_bot):
    reader, writer = await asyncio.open_connection("127.0.0.1", guarded_bot.port)
    assert await closed_by_server(reader)
    writer.close()


async def test_a_byte_by_byte_client_is_disconnected_before_its_headers_end(guarded_bot):
    reader, writer = await asyncio.open_connection("127.0.0.1", guarded_bot.port)
    request = b"POST /slack/events HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 200
    closed = asyncio.create_task(closed_by_server(reader))
    for byte in request:  # one byte per event-loop turn, never finishing the headers
        if closed.done() or writer.is_closing():
            break
        writer.write(bytes([byte]))
        await asyncio.sleep(0.01)
    assert await closed
    writer.close()


async def test_a_slow_body_gets_408(guarded_bot):
    reader, writer = await asyncio.open_connection("127.0.0.1", guarded_bot.port)
    writer.write(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"X-Slack-Request-Timestamp: 1\r\nContent-Length: 100\r\n\r\nabc")
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), WAIT)
    assert b" 408 " in status_line
    writer.close()


async def test_connections_over_the_limit_are_refused_and_the_rest_still_served(guarded_bot, fake_slack):  # noqa: F811
    guarded_bot.http_limits = LIMITS
    held = [await asyncio.open_connection("127.0.0.1", guarded_bot.port) for _ in range(LIMITS.max_connections)]
    reader, writer = await asyncio.open_connection("127.0.0.1", guarded_bot.port)
    assert await closed_by_server(reader)  # the fourth is closed at once
    writer.close()
    for _, w in held:
        w.close()
    await asyncio.sleep(0)  # let the server see the closes
    body = urllib.parse.urlencode(slash_command_form("help", fake_slack.response_url("after")))
    for _ in range(50):  # bounded: the held connections' close reaches the server within a few loop turns
        try:
            status, _ = await send_command(guarded_bot, body, signed_headers(body))
            break
        except (OSError, aiohttp.ClientError):
            await asyncio.sleep(0.01)
    assert status == 200


@pytest.mark.parametrize("stamp", ["soon", "12ab", "", "1e9"])
async def test_a_malformed_timestamp_gets_400_not_500(guarded_bot, fake_slack, stamp):  # noqa: F811
    body = urllib.parse.urlencode(slash_command_form("help", fake_slack.response_url("bad")))
    headers = {**signed_headers(body), "X-Slack-Request-Timestamp": stamp}
    status, text = await send_command(guarded_bot, body, headers)
    assert status == 400 and "Traceback" not in text


async def test_a_replayed_request_is_not_executed_twice(guarded_bot, fake_slack):  # noqa: F811
    body = urllib.parse.urlencode(slash_command_form("help", fake_slack.response_url("once")))
    headers = signed_headers(body)
    assert (await send_command(guarded_bot, body, headers))[0] == 200
    await asyncio.wait_for(fake_slack.responses.get(), WAIT)
    assert (await send_command(guarded_bot, body, headers))[0] == 409
    assert [c.method for c in fake_slack.calls].count("response_url") == 1
