"""A fake Discord on 127.0.0.1: the REST API the bot uses and a gateway websocket, recording every call.

Facts it follows (see PLATFORM-TESTING.md): JSON answers carry
`Content-Type: application/json` exactly; login reads `/users/@me` and
`/oauth2/applications/@me`; the gateway sends HELLO, acks heartbeats, answers
IDENTIFY with READY (whose `resume_gateway_url` points back here); interaction
callbacks return `{"interaction": {...}}`. Tests push gateway events with
`dispatch` and read what the bot sent with `calls` / `of`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from typing import Any

from aiohttp import web

APP_ID = "900000000000000001"
BOT_ID = "900000000000000002"
BOT_USER = {"id": BOT_ID, "username": "exit-coach", "discriminator": "0000", "global_name": "Exit Coach",
            "avatar": None, "bot": True}
APP_INFO = {"id": APP_ID, "name": "Exit Coach", "description": "", "icon": None, "bot_public": True,
            "bot_require_code_grant": False, "owner": {"id": "1", "username": "owner", "discriminator": "0",
                                                       "avatar": None}, "verify_key": "00", "flags": 0}


def user_payload(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": f"user{user_id[-4:]}", "discriminator": "0", "global_name": None,
            "avatar": None}


@dataclass
class Call:
    """One REST request the bot made, with what it sent and what it got back."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[str] = field(default_factory=list)
    status: int = 200
    response: Any = None

    @property
    def dump(self) -> str:
        return json.dumps(self.body, ensure_ascii=False)


STALL_AT_MOST = 10.0  # a stalled call is answered 503 after this long, so a test that forgets it still ends


class FakeDiscord:
    """REST + gateway; `fail[(method, path regex)] = (status, code, message)` makes matching calls fail;
    `stall.add((method, path regex))` makes them accepted and never answered (until `unstall()` or stop)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.fail: dict[tuple[str, str], tuple[int, int, str]] = {}
        self.stall: set[tuple[str, str]] = set()
        self._unstalled = asyncio.Event()
        self.dm_of: dict[str, str] = {}
        self._ids = count(1_100_000_000_000_000_000)
        self._seq = count(1)
        self._ws: web.WebSocketResponse | None = None
        self.identified = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    def unstall(self) -> None:
        """The API answers again: calls stalled so far get a 503, later ones are answered normally."""
        self.stall.clear()
        self._unstalled.set()
        self._unstalled = asyncio.Event()

    async def stop(self) -> None:
        self.unstall()
        if self._ws is not None:
            await self._ws.close()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def new_id(self) -> str:
        return str(next(self._ids))

    def dm_channel(self, user_id: str) -> str:
        if user_id not in self.dm_of:
            self.dm_of[user_id] = self.new_id()
        return self.dm_of[user_id]

    # ---- reading the record

    def of(self, method: str, pattern: str) -> list[Call]:
        return [c for c in list(self.calls) if c.method == method and re.fullmatch(pattern, c.path)]

    def messages(self, channel_id: str) -> list[Call]:
        """Successful posts to a channel, oldest first."""
        return [c for c in self.of("POST", f"/channels/{channel_id}/messages") if c.status == 200]

    # ---- gateway

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self._ws is not None, "the bot is not connected"
        await self._ws.send_json({"op": 0, "t": event, "s": next(self._seq), "d": data})

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for frame in ws:
            try:
                message = json.loads(frame.data)
            except (TypeError, ValueError):
                continue
            if message.get("op") == 1:
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif message.get("op") == 2:
                ready = {"v": 10, "user": BOT_USER, "guilds": [], "session_id": "session-1",
                         "resume_gateway_url": self.gateway, "application": {"id": APP_ID, "flags": 0},
                         "private_channels": []}
                await ws.send_json({"op": 0, "t": "READY", "s": next(self._seq), "d": ready})
                self.identified.set()
            elif message.get("op") == 6:
                await ws.send_json({"op": 0, "t": "RESUMED", "s": next(self._seq), "d": {}})
        return ws

    # ---- REST

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await _read_body(request)
        call = Call(request.method, path, dict(request.query), body, files)
        self.calls.append(call)
        if any(method == request.method and re.fullmatch(pattern, path) for method, pattern in self.stall):
            call.status = 0  # accepted, never answered: nothing is made
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._unstalled.wait(), STALL_AT_MOST)
            call.status = 503
            return _json({"code": 0, "message": "stalled"}, 503)
        for (method, pattern), (status, code, text) in self.fail.items():
            if method == request.method and re.fullmatch(pattern, path):
                call.status = status
                call.response = {"code": code, "message": text}
                return _json(call.response, status)
        call.response = self._answer(request.method, path, body)
        if call.response is None:
            call.status = 204
            return web.Response(status=204)
        return _json(call.response)

    def _answer(self, method: str, path: str, body: Any) -> Any:
        if path == "/users/@me":
            return BOT_USER
        if path == "/oauth2/applications/@me":
            return APP_INFO
        if re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", path) and method == "PUT":
            return [{**cmd, "id": self.new_id(), "application_id": APP_ID, "version": "1",
                     "default_member_permissions": None, "type": cmd.get("type", 1)} for cmd in body or []]
        if path == "/users/@me/channels" and method == "POST":
            user = str(body["recipient_id"])
            return {"id": self.dm_channel(user), "type": 1, "recipients": [user_payload(user)], "last_message_id": None}
        if re.fullmatch(r"/users/\d+", path):
            return user_payload(path.rsplit("/", 1)[1])
        if (m := re.fullmatch(r"/channels/(\d+)/messages", path)) and method == "GET":
            # the channel's history, newest first, as Discord returns it (what a reminder retry reads)
            return [c.response for c in reversed(self.messages(m[1])) if isinstance(c.response, dict)]
        if m := re.fullmatch(r"/channels/(\d+)/messages", path):
            return self.message(m[1], body, author=BOT_USER)
        if (m := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)) and method == "PATCH":
            return {**self.message(m[1], body, author=BOT_USER), "id": m[2]}
        if m := re.fullmatch(r"/interactions/(\d+)/[^/]+/callback", path):
            return {"interaction": {"id": m[1], "type": 2, "response_message_id": None,
                                    "response_message_loading": body.get("type") == 5,
                                    "response_message_ephemeral": bool((body.get("data") or {}).get("flags"))}}
        if re.fullmatch(r"/webhooks/\d+/[^/]+", path) and method == "POST":
            return self.message(self.new_id(), body, author=BOT_USER, webhook=True)
        if re.fullmatch(r"/webhooks/\d+/[^/]+/messages/@original", path):
            return None if method == "DELETE" else self.message(self.new_id(), body or {}, author=BOT_USER)
        return {}

    def message(self, channel_id: str, body: dict[str, Any], *, author: dict[str, Any],
                webhook: bool = False) -> dict[str, Any]:
        """A message object as Discord returns it for what the bot sent."""
        reference = body.get("message_reference")
        out = {"id": self.new_id(), "channel_id": channel_id, "type": 19 if reference else 0,
               "content": body.get("content") or "", "author": author, "attachments": [], "embeds": [],
               "mentions": [], "mention_roles": [], "mention_everyone": False, "pinned": False, "tts": False,
               "timestamp": datetime.now(UTC).isoformat(), "edited_timestamp": None,
               "flags": body.get("flags") or 0, "components": body.get("components") or []}
        if reference:
            out["message_reference"] = {**reference, "channel_id": reference.get("channel_id") or channel_id}
        if webhook:
            out["webhook_id"] = APP_ID
        return out


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


async def _read_body(request: web.Request) -> tuple[Any, list[str]]:
    if request.content_type.startswith("multipart/"):
        body: Any = {}
        files = []
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":
                body = json.loads(await part.text())
            else:
                await part.read()
                files.append(part.filename or "")
        return body, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), []
