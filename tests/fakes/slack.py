"""A fake Slack on 127.0.0.1: Web API methods, response_url endpoints and a Socket Mode websocket.

It records every request. Tests steer it with `rate_limits` (429 with Retry-After per channel)
and `swallow` (accept a post, then never answer: the process dies before it hears back); see
tests/fakes/server.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.server import LocalServer

BOT_TOKEN = "xoxb-test-bot-token"
APP_TOKEN = "xapp-test-app-token"
SIGNING_SECRET = "test-signing-secret"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.monotonic)


class FakeSlack(LocalServer):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> posted messages
        self.responses: asyncio.Queue[dict[str, Any]] = asyncio.Queue()  # bodies sent to response_url
        self.acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()  # socket mode acks
        self._ts = itertools.count(1)
        self.socket_open = asyncio.Event()
        self.uploads: dict[str, bytes] = {}  # file id -> bytes sent to its upload URL
        self.shared_files: list[dict[str, Any]] = []  # files.completeUploadExternal calls

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/respond/{id}", self._respond)
        app.router.add_post("/upload/{id}", self._upload)
        app.router.add_get("/socket", self._socket)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"  # slack_sdk joins method names onto this: keep the trailing slash

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # -- Web API -------------------------------------------------------------------------------
    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(urllib.parse.parse_qsl(await request.text())))
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != expected:
            self.calls.append(Call(method, args))
            return web.json_response({"ok": False, "error": "invalid_auth"})
        channel = str(args.get("channel", ""))
        if method == "chat.postMessage" and self.rate_limited(channel):
            self.calls.append(Call(method, args, status=429))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(self.retry_after)})
        if method == "chat.postMessage" and channel in self.missing_channels:
            self.calls.append(Call(method, args))
            return web.json_response({"ok": False, "error": "channel_not_found"})
        if method == "chat.postMessage" and self.down():
            self.calls.append(Call(method, args, status=500))
            return web.json_response({"ok": False, "error": "fatal_error"}, status=500)
        self.calls.append(Call(method, args))
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        return web.json_response(await handler(args))

    async def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake.slack/", "team": "Fake", "user": "briefings", "team_id": "T0FAKE",
                "user_id": "U0BOT", "bot_id": "B0BOT"}

    async def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ts):08d}"
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["id"]] = await request.read()
        return web.Response(text="OK - uploaded")

    async def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(args["files"]) if isinstance(args["files"], str) else args["files"]
        channel = str(args.get("channel_id") or "")
        if channel in self.missing_channels:
            return {"ok": False, "error": "not_in_channel"}
        self.shared_files.append({"channel": channel, "comment": args.get("initial_comment"), "files": files})
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    async def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args["channel"])
        message = {"ts": f"{1_700_000_000 + next(self._ts)}.000100", "text": args.get("text", ""),
                   "blocks": args.get("blocks"), "thread_ts": args.get("thread_ts"), "metadata": args.get("metadata"),
                   "unfurl_links": args.get("unfurl_links")}
        self.messages.setdefault(channel, []).append(message)
        await self.accepted({"channel": channel, **message})
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _history(self, channel: str, thread: str | None) -> list[dict[str, Any]]:
        found = self.messages.get(channel, [])
        if thread:
            found = [m for m in found if m["ts"] == thread or m["thread_ts"] == thread]
        return list(reversed(found))  # newest first, as Slack answers

    async def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "messages": self._history(str(args["channel"]), None), "has_more": False}

    async def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "messages": self._history(str(args["channel"]), str(args["ts"])), "has_more": False}

    async def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"}

    # -- response_url and Socket Mode ------------------------------------------------------
    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/respond/{name}"

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append(Call("response_url", body))
        if request.match_info["id"].startswith("expired"):  # past 30 minutes or 5 uses, as Slack says it
            self.calls[-1].status = 404
            return web.Response(status=404, text="expired_url")
        self.responses.put_nowait(body)
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"},
                            "connection_info": {"app_id": "A0FAKE"}})
        self.socket_open.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.acks.put_nowait(json.loads(msg.data))
        return ws

    async def push_slash_command(self, text: str, envelope_id: str = "env-1") -> None:
        await self.socket_open.wait()
        await self._sockets[-1].send_json({"envelope_id": envelope_id, "type": "slash_commands",
                                           "accepts_response_payload": True,
                                           "payload": slash_command_form(text, self.response_url(envelope_id))})


def slash_command_form(text: str, response_url: str, command: str = "/briefing") -> dict[str, str]:
    return {"token": "legacy-verification-token", "team_id": "T0FAKE", "team_domain": "fake",
            "channel_id": "C0CMD", "channel_name": "briefings", "user_id": "U0USER", "user_name": "analyst",
            "command": command, "text": text, "api_app_id": "A0FAKE", "response_url": response_url,
            "trigger_id": "1.2.3"}


def signed_headers(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Sign a request body exactly as Slack does: HMAC-SHA256 over 'v0:{timestamp}:{body}'."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}",
            "Content-Type": "application/x-www-form-urlencoded"}
