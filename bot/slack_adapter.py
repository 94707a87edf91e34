"""Slack: one `/briefing` command with sub-commands, and scheduled digests posted with the Web API.

Socket Mode when SLACK_APP_TOKEN is set (no public URL needed); otherwise Bolt's aiohttp server
on SLACK_PORT with request signing. The adapter only translates: a slash command becomes
`Commands.run_text`, a neutral Reply is rendered with the "slack" format and sent back.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import Actions
from bot.answering import SLOW_NOTICE, Answerer, CommandTimedOut, Notice
from bot.channels import ChannelConfig, ChannelSpec
from bot.credentials import Credentials
from bot.http_guard import GuardedServer, HttpLimits, guard_middleware
from bot.rendering import attachment, render_off_loop
from bot.workers import ArchiveWorker
from briefings.commands import INTERNAL_ERROR, NOT_CONFIGURED, Commands, Reply
from briefings.templating import TemplateSet

log = logging.getLogger(__name__)
COMMAND = "/briefing"
EVENTS_PATH = "/slack/events"
MAX_RESPONSES = 5  # Slack accepts five messages per response_url
METADATA_EVENT = "briefings_digest_part"
PERMANENT_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "account_inactive",
                              "token_revoked", "token_expired", "missing_scope", "invalid_blocks", "msg_too_long"})
PLATFORM_ONLY = ("in_thread",)  # payload keys for the delivery code, not for Slack


def web_client(creds: Credentials) -> AsyncWebClient:
    """A Web API client that waits out 429s (Retry-After) and retries dropped connections.

    Each call sleeps on its own coroutine, so a rate-limited channel delays only its own posts.
    """
    return AsyncWebClient(token=creds.slack_bot_token, base_url=creds.slack_api_url, retry_handlers=[
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=5),
    ])


def slack_message(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in PLATFORM_ONLY}


_MARKUP = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")


def slack_plain_text(text: str) -> str:
    """Command text as the user typed it: Slack escapes `&`, `<`, `>` and wraps mentions, channels and
    links in `<…>`; each is reduced to its label (`<@U1|kim>` → `@kim`, `<https://x|site>` → `site`)."""
    def label(match: re.Match[str]) -> str:
        sigil, target, shown = match.groups()
        if sigil == "!":  # <!here>, <!subteam^S1|@team>: a special mention, shown as its label or name
            return shown or target.split("^", 1)[0]
        if shown:
            return (sigil + shown.lstrip(sigil)) if sigil else shown
        return sigil + target
    return _MARKUP.sub(label, text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def create(creds: Credentials, worker: ArchiveWorker, commands: Commands, config: ChannelConfig) -> SlackAdapter:
    """The registry's entry point (bot.adapters): the workspaces channels.yaml names come along."""
    return SlackAdapter(creds, worker, commands, allowed_teams=config.allowed("slack"),
                        admins=tuple(config.admins.slack))


async def _nothing() -> None:
    return None


class SlackAdapter:
    platform = "slack"

    def __init__(self, creds: Credentials, worker: ArchiveWorker, commands: Commands,
                 allowed_teams: frozenset[str] = frozenset(), admins: tuple[str, ...] = (),
                 actions: Actions | None = None):
        self.allowed_teams = allowed_teams  # workspaces named in channels.yaml; empty: any
        self.admins = admins  # Slack user ids allowed to run admin commands
        self.actions = actions or Actions()
        self.creds = creds
        self.worker = worker
        self.commands = commands
        self.answerer = Answerer(worker, commands)  # on the archive's readers, within the chat deadlines
        self.templates = TemplateSet()
        self.client = web_client(creds)
        self.socket_mode = bool(creds.slack_app_token)
        self.app = AsyncApp(client=self.client, signing_secret=creds.slack_signing_secret or "",
                            request_verification_enabled=not self.socket_mode)
        self.app.command(COMMAND)(self.on_command)
        self._stopped = asyncio.Event()
        self._handler: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None
        self.http_limits = HttpLimits()
        self.ready = asyncio.Event()
        self.port: int | None = None  # the HTTP port actually bound (SLACK_PORT may be 0 in tests)

    # -- inbound ---------------------------------------------------------------------------
    async def answer(self, text: str, user: str = "", on_slow: Notice | None = None,
                     ) -> tuple[Reply, list[dict[str, Any]]]:
        reply: Reply = await self.answerer.run_text(text, on_slow or _nothing)
        reply = await self.actions.carry_out(reply, admin=user in self.admins, who=f"slack:{user}")
        return reply, await render_off_loop(reply.digest, "slack", self.templates)

    async def on_command(self, ack, command: dict[str, Any], respond) -> None:
        await ack()  # within Slack's 3 seconds; the answer follows through response_url
        if self.allowed_teams and command.get("team_id") not in self.allowed_teams:
            log.info("slack: a command from workspace %s, which channels.yaml does not name, was refused",
                     command.get("team_id"))
            await respond(text=NOT_CONFIGURED, response_type="ephemeral")
            return
        notices = 0

        async def taking_longer() -> None:  # only the caller sees it; it uses one of the five responses
            nonlocal notices
            notices += 1
            await respond(text=SLOW_NOTICE, response_type="ephemeral")

        try:
            reply, payloads = await self.answer(slack_plain_text(command.get("text") or ""),
                                                str(command.get("user_id") or ""), taking_longer)
        except CommandTimedOut as exc:
            await respond(text=str(exc), response_type="ephemeral")
            return
        except Exception:
            log.exception("slash command %r failed", (command.get("text") or "")[:80])
            await respond(text=INTERNAL_ERROR, response_type="ephemeral")
            return
        response_type = "ephemeral" if reply.ephemeral else "in_channel"
        allowed = MAX_RESPONSES - notices
        if len(payloads) > allowed:  # the last allowed message says what was cut
            cut = len(payloads) - allowed + 1
            payloads = [*payloads[:allowed - 1],
                        {"text": f"… (잘림 / truncated: {cut} more message(s); narrow the command)"}]
        for n, payload in enumerate(payloads):
            sent = await respond(response_type=response_type, **slack_message(payload))
            if sent is not None and sent.status_code != 200:  # e.g. an expired response_url
                log.warning("slack: the answer to %r was lost: response_url answered %s %s (message %d of %d)",
                            (command.get("text") or "")[:80], sent.status_code, (sent.body or "")[:80], n + 1,
                            len(payloads))
                return
        if (attached := await attachment(reply)) is not None:
            await self._upload(reply, attached, str(command.get("channel_id") or ""), respond)

    async def _upload(self, reply: Reply, attached: tuple[str, bytes], channel_id: str, respond) -> None:
        """A chart or an export as a file in the channel the command came from (files:write; the bot there)."""
        name, data = attached
        comment = reply.chart.as_text() if reply.chart is not None else "\n".join(reply.digest.notes)
        try:
            await self.client.files_upload_v2(channel=channel_id, file=data, filename=name, title=reply.digest.title,
                                              initial_comment=comment)
        except SlackApiError as exc:
            log.warning("slack: could not upload %s to %s: %s", name, channel_id, exc.response.get("error"))
            await respond(text=f"파일을 올리지 못했습니다 / could not upload the file ({exc.response.get('error')}): "
                               "invite the bot to this channel", response_type="ephemeral")

    # -- outbound --------------------------------------------------------------------------
    async def post_file(self, channel: ChannelSpec, name: str, data: bytes, comment: str) -> None:
        await self.client.files_upload_v2(channel=channel.channel, file=data, filename=name, title=name,
                                          initial_comment=comment)

    @staticmethod
    def permanent(exc: Exception) -> bool:
        """Slack errors that no retry can fix; rate limits and server errors are retried."""
        return isinstance(exc, SlackApiError) and exc.response.get("error") in PERMANENT_ERRORS

    @staticmethod
    def retry_after(exc: Exception) -> float | None:
        """Seconds Slack asked us to wait (a 429's Retry-After), if it said."""
        if not isinstance(exc, SlackApiError):
            return None
        value = {k.lower(): v for k, v in (exc.response.headers or {}).items()}.get("retry-after")
        value = value[0] if isinstance(value, list) else value
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None

    async def post(self, channel: ChannelSpec, payload: dict[str, Any], *, key: str, thread_ref: str | None,
                   resume: bool) -> str:
        """Post one part of a digest; the delivery key rides along as message metadata.

        After a restart (`resume`), a part the process sent but did not live to record is found
        by that metadata and not posted again.
        """
        if resume and (found := await self._find_posted(channel.channel, key, thread_ref)):
            log.info("digest part %s was already in %s; not posting it again", key, channel.name)
            return found
        response = await self.client.chat_postMessage(
            channel=channel.channel, thread_ts=thread_ref, **slack_message(payload),
            metadata={"event_type": METADATA_EVENT, "event_payload": {"key": key}})
        return str(response["ts"])

    async def _find_posted(self, channel_id: str, key: str, thread_ref: str | None) -> str | None:
        try:
            if thread_ref:
                response = await self.client.conversations_replies(channel=channel_id, ts=thread_ref, limit=200,
                                                                   include_all_metadata=True)
            else:
                response = await self.client.conversations_history(channel=channel_id, limit=100,
                                                                   include_all_metadata=True)
        except SlackApiError as exc:  # e.g. missing channels:history scope: post rather than lose the part
            log.warning("cannot read %s to check for a half-posted digest: %s", channel_id, exc.response.get("error"))
            return None
        for message in response.get("messages", []):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_EVENT and metadata.get("event_payload", {}).get("key") == key:
                return str(message["ts"])
        return None

    # -- lifecycle -------------------------------------------------------------------------
    async def run(self) -> None:
        if self.socket_mode:
            self._handler = AsyncSocketModeHandler(self.app, self.creds.slack_app_token, web_client=self.client)
            await self._handler.connect_async()
            log.info("slack: connected in Socket Mode")
        else:
            web_app = self.app.web_app(path=EVENTS_PATH, port=self.creds.slack_port)
            web_app.middlewares.append(guard_middleware(self.http_limits))
            self._runner = web.AppRunner(web_app, keepalive_timeout=self.http_limits.keepalive_timeout)
            await self._runner.setup()
            self._server = await asyncio.get_running_loop().create_server(
                GuardedServer(self._runner.server, self.http_limits), self.creds.slack_host, self.creds.slack_port)
            self.port = self._server.sockets[0].getsockname()[1]
            log.info("slack: listening for requests on %s:%d%s", self.creds.slack_host, self.port, EVENTS_PATH)
        self.ready.set()
        await self._stopped.wait()

    async def close(self) -> None:
        self._stopped.set()
        if self._handler is not None:
            await self._handler.close_async()
        if self._server is not None:
            self._server.close()
        if self._runner is not None:
            await self._runner.cleanup()
