"""Socket Mode against a local websocket server: apps.connections.open → ws://127.0.0.1, envelope → ack."""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import WSMsgType, web
from slack_bolt.adapter.socket_mode import SocketModeHandler

from exit_coach.adapters.slack.app import build_app, make_client
from exit_coach.service import open_coach
from tests.adapters.slack.stub import SlackStub


class WsServer:
    """A tiny Socket Mode endpoint: pushes envelopes you `send`, queues what the client sends back."""

    def __init__(self) -> None:
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.connected = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._outbox: asyncio.Queue[str] | None = None
        self.port = 0
        started = threading.Event()
        threading.Thread(target=self._run, args=(started,), daemon=True).start()
        assert started.wait(5)

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._outbox = asyncio.Queue()
        app = web.Application()
        app.router.add_get("/link", self._ws)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._runner = runner
        started.set()
        self._loop.run_forever()

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self.connected.set()
        assert self._outbox is not None

        async def pump() -> None:
            while True:
                await ws.send_str(await self._outbox.get())

        task = asyncio.ensure_future(pump())
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.received.put(json.loads(msg.data))
        task.cancel()
        return ws

    def send(self, envelope: dict[str, Any]) -> None:
        assert self._outbox is not None
        self._loop.call_soon_threadsafe(self._outbox.put_nowait, json.dumps(envelope))

    def ack_for(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        while True:
            got = self.received.get(timeout=timeout)
            if got.get("envelope_id") == envelope_id:
                return got

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)


@pytest.fixture
def ws() -> Iterator[WsServer]:
    server = WsServer()
    yield server
    server.stop()


def test_socket_mode_acks_envelopes_and_answers_in_the_dm(stub: SlackStub, ws: WsServer, db_url: str) -> None:
    stub.ws_url = f"ws://127.0.0.1:{ws.port}/link"
    bot = build_app(open_coach(db_url), make_client("xoxb-test", base_url=stub.api), signing_secret=None)
    handler = SocketModeHandler(bot.app, "xapp-test")
    try:
        handler.connect()
        assert ws.connected.wait(5)
        assert stub.of("apps.connections.open")
        command = {"command": "/withdraw", "text": "help", "user_id": "U1", "team_id": "T1", "channel_id": "C1",
                   "trigger_id": "trig.sm.1", "response_url": f"{stub.url}/commands/sm"}
        ws.send({"envelope_id": "env-1", "type": "slash_commands", "payload": command,
                 "accepts_response_payload": True})
        ack = ws.ack_for("env-1")
        assert ack["envelope_id"] == "env-1" and not ack.get("payload"), "acked empty; the note comes from the job"
        event = {"type": "event_callback", "team_id": "T1", "event_id": "EvSM1",
                 "event": {"type": "message", "channel_type": "im", "channel": "DU1", "user": "U1", "text": "faq",
                           "ts": "1.1"}}
        ws.send({"envelope_id": "env-2", "type": "events_api", "payload": event, "retry_attempt": 0})
        ws.send({"envelope_id": "env-3", "type": "events_api", "payload": event, "retry_attempt": 1,
                 "retry_reason": "timeout"})
        assert ws.ack_for("env-2")["envelope_id"] == "env-2"
        assert ws.ack_for("env-3")["envelope_id"] == "env-3"
        assert bot.worker.wait_idle(10)
        notes = stub.of("response_url")
        assert [n.data["response_type"] for n in notes] == ["ephemeral"] and "direct messages" in notes[0].text_dump
        posts = stub.of("chat.postMessage")
        assert posts and {c.data["channel"] for c in posts} == {"DU1"}
        assert sum("Which question?" in c.text_dump for c in posts) == 1, "the retried event took effect once"
    finally:
        handler.close()
        bot.close()
