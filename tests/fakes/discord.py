"""A fake Discord on 127.0.0.1: the REST API (v10) and the gateway, recording every request.

discord.py is pointed here through DISCORD_API_URL / DISCORD_GATEWAY_URL. JSON goes out with
`Content-Type: application/json` exactly (discord.py does not parse a charset suffix) and gateway
frames are plain text (no compression). Every payload discord.py parses is built in one place
below (`user`, `guild`, `message`, `interaction`…): discord.py 2.7 requires fields such as
`attachment_size_limit`, and a new required field is then one edit.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.server import LocalServer

TOKEN = "discord-test-token"
APP_ID = "1100000000000000001"
BOT_ID = "1100000000000000002"
GUILD_ID = "1200000000000000001"
USER_ID = "1300000000000000001"
CHANNEL_ID = "1400000000000000001"  # where slash commands are typed
SNOWFLAKES = itertools.count(1_500_000_000_000_000_001)


def snowflake() -> str:
    return str(next(SNOWFLAKES))


# -- payloads ---------------------------------------------------------------------------------
def user(user_id: str = USER_ID, name: str = "analyst", bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name, "avatar": None, "bot": bot,
            "public_flags": 0, "flags": 0}


def text_channel(channel_id: str, name: str) -> dict[str, Any]:
    return {"id": channel_id, "type": 0, "guild_id": GUILD_ID, "name": name, "position": 0,
            "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None, "last_message_id": None,
            "rate_limit_per_user": 0}


def guild(channels: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": GUILD_ID, "name": "Fake Guild", "icon": None, "owner_id": USER_ID, "member_count": 2,
            "features": [], "roles": [{"id": GUILD_ID, "name": "@everyone", "permissions": "0", "position": 0,
                                       "color": 0, "hoist": False, "managed": False, "mentionable": False}],
            "channels": channels, "members": [], "emojis": [], "stickers": [], "threads": [], "voice_states": [],
            "presences": [], "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
            "unavailable": False, "preferred_locale": "ko"}


def message(channel_id: str, body: dict[str, Any], author: dict[str, Any]) -> dict[str, Any]:
    return {"id": snowflake(), "channel_id": channel_id, "author": author, "content": body.get("content") or "",
            "timestamp": "2026-11-22T23:30:00.000000+00:00", "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": body.get("embeds") or [], "pinned": False, "type": 0, "flags": body.get("flags") or 0,
            "nonce": body.get("nonce")}


def member() -> dict[str, Any]:
    return {"user": user(), "roles": [], "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False, "mute": False,
            "flags": 0, "permissions": "2147483647", "nick": None, "avatar": None}


def interaction(kind: int, sub: str, options: dict[str, Any], focused: str | None = None) -> dict[str, Any]:
    """An INTERACTION_CREATE: kind 2 runs `/briefing sub`, kind 4 asks to autocomplete `focused`."""
    sub_options = [{"name": k, "type": 4 if isinstance(v, int) else 3, "value": v,
                    **({"focused": True} if k == focused else {})} for k, v in options.items()]
    return {"id": snowflake(), "application_id": APP_ID, "type": kind, "token": f"itoken-{snowflake()}", "version": 1,
            "guild_id": GUILD_ID, "channel_id": CHANNEL_ID, "channel": text_channel(CHANNEL_ID, "briefings"),
            "member": member(), "locale": "ko", "guild_locale": "ko", "app_permissions": "2147483647",
            "entitlements": [], "authorizing_integration_owners": {"0": GUILD_ID}, "context": 0,
            "attachment_size_limit": 10_485_760,
            "data": {"id": "1600000000000000001", "name": "briefing", "type": 1, "guild_id": None,
                     "options": [{"name": sub, "type": 1, "options": sub_options}]}}


@dataclass
class Call:
    method: str
    path: str
    body: Any
    status: int = 200
    at: float = field(default_factory=time.monotonic)


class FakeDiscord(LocalServer):
    def __init__(self, channels: dict[str, str] | None = None) -> None:
        super().__init__()
        self.channels = channels or {CHANNEL_ID: "briefings"}
        self.calls: list[Call] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel or thread id -> messages
        self.files: dict[str, dict[str, bytes]] = {}  # message id -> its attachments (name -> bytes)
        self.threads: dict[str, str] = {}  # thread id -> parent channel id
        self.commands: list[dict[str, Any]] = []
        self.callbacks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()  # interaction callbacks and follow-ups
        self.identified = asyncio.Event()
        self._nonces: dict[tuple[str, str], dict[str, Any]] = {}
        self._seq = itertools.count(1)

    expired_interactions = False
    member_permissions = "2147483647"  # every permission (Manage Server included); "0" for none

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        app.router.add_get("/gateway", self._gateway)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/gateway"

    def calls_to(self, method: str, prefix: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.startswith(prefix)]

    # -- REST ----------------------------------------------------------------------------------
    @staticmethod
    def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        return web.Response(body=json.dumps(data).encode(), status=status,
                            headers={"Content-Type": "application/json", **(headers or {})})

    @staticmethod
    async def _body(request: web.Request) -> Any:
        """JSON, or (with files) multipart: `payload_json` plus the files, kept as `_files` {name: bytes}."""
        if not request.can_read_body:
            return None
        if request.content_type.startswith("multipart/"):
            body: dict[str, Any] = {}
            files: dict[str, bytes] = {}
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if part.name == "payload_json":
                    body.update(json.loads(await part.text()))
                else:
                    files[part.filename or part.name or ""] = bytes(await part.read())
            return {**body, "_files": files}
        return await request.json()

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        if self.down():  # a network fault: the connection drops with no answer
            self.calls.append(Call(request.method, path, None, 0))
            request.transport.close()
            return web.Response(status=503)  # never reaches the client: its connection is gone
        body = await self._body(request)
        webhook = path.startswith(("/interactions/", "/webhooks/"))  # authorised by the interaction token
        if not webhook and request.headers.get("Authorization") != f"Bot {TOKEN}":
            self.calls.append(Call(request.method, path, body, 401))
            return self._json({"message": "401: Unauthorized", "code": 0}, 401)
        parts = path.strip("/").split("/")
        posting = request.method == "POST" and parts[0] == "channels" and parts[2:] == ["messages"]
        if posting and self.rate_limited(parts[1]):
            self.calls.append(Call(request.method, path, body, 429))
            return self._json({"message": "You are being rate limited.", "retry_after": self.retry_after,
                               "global": False}, 429,
                              {"Retry-After": str(self.retry_after), "X-RateLimit-Scope": "user",
                               "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                               "X-RateLimit-Reset-After": str(self.retry_after),
                               "X-RateLimit-Bucket": f"messages-{parts[1]}",
                               "Via": "1.1 google"})  # discord.py treats a 429 without Via as Cloudflare
        self.calls.append(Call(request.method, path, body))
        return await self._route(request.method, parts, body)

    async def _route(self, method: str, parts: list[str], body: Any) -> web.Response:
        match method, parts:
            case "GET", ["users", "@me"]:
                return self._json(user(BOT_ID, "briefings", bot=True))
            case "GET", ["oauth2", "applications", "@me"]:
                return self._json({"id": APP_ID, "name": "briefings", "description": "", "icon": None,
                                   "bot_public": False, "bot_require_code_grant": False, "owner": user(),
                                   "verify_key": "0" * 64, "flags": 0, "summary": ""})
            case "PUT", ["applications", _, "commands"]:
                self.commands = [{**c, "id": snowflake(), "application_id": APP_ID, "version": "1"} for c in body]
                return self._json(self.commands)
            case "GET", ["applications", _, "commands"]:
                return self._json(self.commands)
            case "POST", ["interactions", _, _, "callback"]:
                if self.expired_interactions:  # answered after Discord's 3 s / 15 min: the token is dead
                    return self._json({"message": "Unknown interaction", "code": 10062}, 404)
                self.callbacks.put_nowait({"kind": "callback", **body})
                return self._json({"interaction": {"id": parts[1], "type": 2}})
            case "PATCH", ["webhooks", _, _, "messages", "@original"]:
                self.callbacks.put_nowait({"kind": "edit", **body})
                return self._json(message(CHANNEL_ID, body, user(BOT_ID, "briefings", bot=True)))
            case "DELETE", ["webhooks", _, _, "messages", "@original"]:
                self.callbacks.put_nowait({"kind": "delete"})
                return web.Response(status=204)
            case "POST", ["webhooks", _, _]:
                self.callbacks.put_nowait({"kind": "followup", **body})
                return self._json(message(CHANNEL_ID, body, user(BOT_ID, "briefings", bot=True)))
            case "POST", ["channels", channel_id, "messages"]:
                return await self._create_message(channel_id, body)
            case "POST", ["channels", channel_id, "messages", message_id, "threads"]:
                if message_id in self.threads:
                    return self._json({"message": "A thread has already been created for this message",
                                       "code": 160004}, 400)
                self.threads[message_id] = channel_id
                return self._json({**text_channel(message_id, body["name"]), "type": 11, "parent_id": channel_id,
                                   "owner_id": BOT_ID, "thread_metadata": {"archived": False, "locked": False,
                                   "auto_archive_duration": 1440, "archive_timestamp": "2026-11-22T23:30:00+00:00"}})
        return self._json({"message": "404: Not Found", "code": 0}, 404)

    async def _create_message(self, channel_id: str, body: dict[str, Any]) -> web.Response:
        if channel_id not in self.channels and channel_id not in self.threads:
            return self._json({"message": "Unknown Channel", "code": 10003}, 404)
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and (channel_id, nonce) in self._nonces:  # Discord's duplicate guard
            return self._json(self._nonces[(channel_id, nonce)])
        posted = message(channel_id, body, user(BOT_ID, "briefings", bot=True))
        posted["allowed_mentions"] = body.get("allowed_mentions")  # recorded for the tests, as sent
        self.files[posted["id"]] = body.get("_files", {})  # attachments sent with it (name -> bytes)
        self.messages.setdefault(channel_id, []).append(posted)
        if nonce:
            self._nonces[(channel_id, nonce)] = posted
        await self.accepted(posted)
        return self._json(posted)

    # -- gateway --------------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            if frame["op"] == 1:  # heartbeat
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif frame["op"] == 2:  # identify
                assert frame["d"]["token"] == TOKEN
                await self.dispatch("READY", {"v": 10, "user": user(BOT_ID, "briefings", bot=True),
                                              "guilds": [{"id": GUILD_ID, "unavailable": True}],
                                              "session_id": "fake-session", "resume_gateway_url": self.gateway_url,
                                              "application": {"id": APP_ID, "flags": 0}, "shard": [0, 1]})
                channels = [text_channel(cid, name) for cid, name in self.channels.items()]
                await self.dispatch("GUILD_CREATE", guild(channels))
                self.identified.set()
        return ws

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        frame = {"op": 0, "t": event, "s": next(self._seq), "d": data}
        await self._sockets[-1].send_str(json.dumps(frame))

    async def push_command(self, sub: str, **options: Any) -> dict[str, Any]:
        await self.identified.wait()
        payload = interaction(2, sub, {k: v for k, v in options.items() if v is not None})
        payload["member"]["permissions"] = self.member_permissions
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def push_autocomplete(self, sub: str, focused: str, typed: str, **options: Any) -> None:
        await self.identified.wait()
        await self.dispatch("INTERACTION_CREATE", interaction(4, sub, {**options, focused: typed}, focused))
