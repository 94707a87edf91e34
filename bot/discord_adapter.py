"""Discord: the `/briefing` command group and scheduled digests, through discord.py.

The adapter translates only: an interaction becomes `Commands.run`, the neutral Reply is rendered
with the "discord" format, and SDK objects (Embed, AllowedMentions) are built here at the edge.
Every message goes out with `AllowedMentions.none()`. Commands are synced with Discord only when
their definition changed since the last sync (a fingerprint kept in the archive database).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import logging
import os
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.actions import Actions
from bot.answering import SLOW_NOTICE, Answerer, CommandTimedOut
from bot.channels import ChannelConfig, ChannelSpec
from bot.credentials import Credentials
from bot.discord_commands import briefing_group
from bot.rendering import attachment, render_off_loop
from bot.workers import ArchiveWorker
from briefings.commands import INTERNAL_ERROR, NOT_CONFIGURED, PUBLIC_COMMANDS, Commands, Reply
from briefings.templating import TemplateSet

log = logging.getLogger(__name__)
THREAD_EXISTS = 160004  # Discord's code for "a thread has already been created for this message"
NONCE_LENGTH = 25


def nonce_for(key: str) -> str:
    """Discord drops a second message with the same nonce (enforce_nonce), so a retry cannot double-post."""
    return hashlib.sha256(key.encode()).hexdigest()[:NONCE_LENGTH]


def to_send_kwargs(payload: dict[str, Any]) -> dict[str, Any]:
    return {"content": payload.get("content") or None,
            "embeds": [discord.Embed.from_dict(e) for e in payload.get("embeds", [])],
            "allowed_mentions": discord.AllowedMentions.none()}


class Endpoints:
    """Points discord.py's REST base and gateway at DISCORD_API_URL / DISCORD_GATEWAY_URL (a proxy,
    or a local fake); both are class attributes in discord.py, so they are restored on close."""

    def __init__(self, creds: Credentials):
        self._saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
        if creds.discord_api_url:
            Route.BASE = creds.discord_api_url.rstrip("/")
        if creds.discord_gateway_url:
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(creds.discord_gateway_url)

    def restore(self) -> None:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._saved


discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # no voice here: no warnings about it


def _skip_unparsable(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
    def guarded(data: Any) -> None:
        try:
            parse(data)
        except Exception as exc:  # a field Discord added or dropped: one event lost, not the connection
            log.warning("discord: skipped a %s event discord.py could not read: %r", event, exc)
    return guarded


class BriefingsClient(discord.Client):
    def __init__(self, adapter: DiscordAdapter, **options: Any):
        super().__init__(intents=discord.Intents.none() | discord.Intents(guilds=True),
                         allowed_mentions=discord.AllowedMentions.none(), **options)
        self.adapter = adapter
        self.tree = app_commands.CommandTree(self)
        self.tree.error(self._on_tree_error)
        # discord.py lets an exception in one gateway event's parser end the whole connection.
        parsers = self._connection.parsers
        for event, parse in list(parsers.items()):
            parsers[event] = _skip_unparsable(event, parse)

    async def _on_tree_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """A request the command tree cannot take (an outdated client missing an option, a value that
        does not convert) gets a private answer saying so, not silence and a traceback."""
        log.warning("discord: a /briefing request was refused before it ran: %s", error)
        text = ("명령을 처리할 수 없습니다. 디스코드 앱을 새로고침한 뒤 다시 시도하세요 / this command could not be "
                f"read (your Discord client may be out of date; reload it and try again): {type(error).__name__}")
        with contextlib.suppress(discord.HTTPException):
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)

    async def setup_hook(self) -> None:  # after login, before the gateway: REST works from here on
        await self.adapter.sync_commands()
        self.adapter.logged_in.set()


RECONNECT_FIRST, RECONNECT_MAX = 1.0, 300.0  # seconds
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")


def create(creds: Credentials, worker: ArchiveWorker, commands: Commands, config: ChannelConfig) -> DiscordAdapter:
    """The registry's entry point (bot.adapters)."""
    return DiscordAdapter(creds, worker, commands, config)


class DiscordAdapter:
    platform = "discord"
    defer_after = 1.5  # seconds; Discord wants a first answer within 3

    def __init__(self, creds: Credentials, worker: ArchiveWorker, commands: Commands, config: ChannelConfig,
                 *, guild_ready_timeout: float = 2.0):
        self.creds = creds
        self.worker = worker
        self.commands = commands
        self.answerer = Answerer(worker, commands)  # on the archive's readers, within the chat deadlines
        self.templates = TemplateSet()
        self.endpoints = Endpoints(creds)
        # slack_sdk reads HTTPS_PROXY itself; discord.py is given it, for its REST calls and its gateway.
        proxy = next((os.environ[k] for k in PROXY_VARIABLES if os.environ.get(k)), None)
        self.client = BriefingsClient(self, guild_ready_timeout=guild_ready_timeout, proxy=proxy)
        taxonomy = commands.ctx.archive.taxonomy  # immutable configuration, safe to read on this thread
        self.client.tree.add_command(briefing_group(self, taxonomy, [c.name for c in config.channels]))
        self.logged_in = asyncio.Event()
        self._threads: set[int] = set()
        self._closing = False
        self.allowed_guilds = config.allowed("discord")  # servers named in channels.yaml; empty: any
        self.admins = frozenset(config.admins.discord)  # user or role ids; Manage Server counts too
        self.actions = Actions()
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep  # injected by tests

    # -- commands ----------------------------------------------------------------------------
    def command_fingerprint(self) -> str:
        payload = [command.to_dict(self.client.tree) for command in self.client.tree.get_commands()]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    async def sync_commands(self) -> bool:
        """Register the slash commands if they differ from the last registration; True if synced."""
        key = f"discord.commands.{self.client.application_id}"
        fingerprint = self.command_fingerprint()
        if await self.worker.read(lambda a: a.store.get_state(key)) == fingerprint:
            log.info("discord: slash commands unchanged; not syncing")
            return False
        try:
            synced = await self.client.tree.sync()
        except discord.HTTPException as exc:  # e.g. no applications.commands scope: posting still works
            log.error("discord: could not register slash commands: %s", exc)
            return False
        await self.worker.write(lambda a: a.store.set_state(key, fingerprint, datetime.now(UTC)))
        log.info("discord: synced %d slash command(s)", len(synced))
        return True

    async def answer(self, interaction: discord.Interaction, name: str, positional: list[str],
                     named: dict[str, object]) -> None:
        if self.allowed_guilds and str(interaction.guild_id) not in self.allowed_guilds:
            log.info("discord: a command from server %s, which channels.yaml does not name, was refused",
                     interaction.guild_id)
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.send_message(NOT_CONFIGURED, ephemeral=True)
            return
        try:
            await self._answer(interaction, name, positional, named)
        except CommandTimedOut as exc:  # the "taking longer" message (or the thinking one) becomes the failure
            with contextlib.suppress(discord.HTTPException):
                if interaction.response.is_done():
                    await interaction.edit_original_response(content=str(exc), embeds=[])
                else:
                    await interaction.response.send_message(str(exc), ephemeral=True)
        except discord.NotFound as exc:  # the interaction token expired: nobody can be answered
            log.warning("discord: /briefing %s could not be answered, the interaction has expired (%s); "
                        "the answer is dropped", name, exc.text or exc.status)
        except Exception:
            log.exception("discord: /briefing %s failed", name)
            failed = {"content": INTERNAL_ERROR, "ephemeral": True}
            with contextlib.suppress(discord.HTTPException):
                if interaction.response.is_done():
                    await interaction.followup.send(**failed)
                else:
                    await interaction.response.send_message(**failed)

    async def _answer(self, interaction: discord.Interaction, name: str, positional: list[str],
                      named: dict[str, object]) -> None:
        """Answer at once if the archive is quick; otherwise defer() ("thinking…"), say so if it takes
        longer than usual, and edit the answer in when it is ready."""
        named_text = {k: str(v) for k, v in named.items() if v not in (None, "")}
        public = name in PUBLIC_COMMANDS
        deferring: asyncio.Future | None = None

        async def defer() -> None:  # once, whichever comes first: the defer deadline or the slow notice
            nonlocal deferring
            if deferring is None:
                deferring = asyncio.ensure_future(interaction.response.defer(ephemeral=not public, thinking=True))
            await deferring

        async def taking_longer() -> None:
            await defer()
            await interaction.edit_original_response(content=SLOW_NOTICE)

        job = asyncio.ensure_future(self.answerer.run(name, positional, named_text, taking_longer))
        timer = asyncio.ensure_future(self.answerer.sleep(self.defer_after))
        try:
            await asyncio.wait({job, timer}, return_when=asyncio.FIRST_COMPLETED)
            if not job.done():
                await defer()
        finally:
            timer.cancel()
        reply: Reply = await job
        deferred_public = deferring is not None and public
        reply = await self.actions.carry_out(reply, admin=self._is_admin(interaction),
                                             who=f"discord:{interaction.user.id}")
        payloads = [to_send_kwargs(p) for p in await render_off_loop(reply.digest, "discord", self.templates)]
        attached = await attachment(reply)
        if attached and attached[0].endswith(".png") and payloads and payloads[0]["embeds"]:
            payloads[0]["embeds"][-1].set_image(url=f"attachment://{attached[0]}")  # the chart inside the embed
        if not interaction.response.is_done():
            extra = {"file": discord.File(io.BytesIO(attached[1]), attached[0])} if attached else {}
            await interaction.response.send_message(**payloads.pop(0), ephemeral=reply.ephemeral, **extra)
        elif deferred_public and reply.ephemeral:  # e.g. a bad company name: not for the whole channel
            await interaction.delete_original_response()
        else:
            extra = {"attachments": [discord.File(io.BytesIO(attached[1]), attached[0])]} if attached else {}
            await interaction.edit_original_response(**payloads.pop(0), **extra)
        for more in payloads:
            await interaction.followup.send(**more, ephemeral=reply.ephemeral)

    def _is_admin(self, interaction: discord.Interaction) -> bool:
        member = interaction.user
        roles = {str(r.id) for r in getattr(member, "roles", [])}
        manage = getattr(interaction.permissions, "manage_guild", False)
        return bool(manage or str(member.id) in self.admins or roles & self.admins)

    # -- scheduled digests ---------------------------------------------------------------
    @staticmethod
    def permanent(exc: Exception) -> bool:
        """Missing access or an unknown channel: retrying cannot help."""
        return isinstance(exc, discord.Forbidden | discord.NotFound)

    @staticmethod
    def retry_after(exc: Exception) -> float | None:
        """discord.py waits out ordinary 429s itself; what reaches us may still carry a delay."""
        return getattr(exc, "retry_after", None)

    async def post_file(self, channel: ChannelSpec, name: str, data: bytes, comment: str) -> None:
        await self.logged_in.wait()
        await self.client.get_partial_messageable(int(channel.channel)).send(
            content=comment[:2000], file=discord.File(io.BytesIO(data), name),
            allowed_mentions=discord.AllowedMentions.none())

    async def post(self, channel: ChannelSpec, payload: dict[str, Any], *, key: str, thread_ref: str | None,
                   resume: bool) -> str:
        await self.logged_in.wait()
        target = int(channel.channel)
        if thread_ref:
            target = await self._thread_for(target, int(thread_ref), channel.name)
        messageable = self.client.get_partial_messageable(target)
        message = await messageable.send(**to_send_kwargs(payload), nonce=nonce_for(key))
        return str(message.id)

    async def _thread_for(self, channel_id: int, message_id: int, name: str) -> int:
        """The thread started from the digest's first message (a message thread shares its id)."""
        if message_id not in self._threads:
            try:
                await self.client.http.start_thread_with_message(channel_id, message_id, name=name[:100],
                                                                 auto_archive_duration=1440)
            except discord.HTTPException as exc:
                if exc.code != THREAD_EXISTS:
                    raise
            self._threads.add(message_id)
        return message_id

    # -- lifecycle -------------------------------------------------------------------------
    async def run(self) -> None:
        """Connect, and reconnect with backoff and jitter after any failure a retry can fix; a rejected
        token or a missing intent ends the adapter (the bot reports it and runs on without it)."""
        delay = RECONNECT_FIRST
        while True:
            try:
                await self.client.start(self.creds.discord_token or "")
                return  # closed on purpose
            except (discord.LoginFailure, discord.PrivilegedIntentsRequired):
                raise
            except Exception as exc:
                if self.client.is_closed() and self._closing:
                    return
                wait = delay * (0.5 + random.random())
                log.warning("discord: connection failed (%r); reconnecting in %.0f s", exc, wait)
                await self.sleep(wait)
                delay = min(delay * 2, RECONNECT_MAX)

    async def close(self) -> None:
        self._closing = True
        with contextlib.suppress(Exception):
            await self.client.close()
        self.endpoints.restore()
