"""The Slack test rig: a recording Web API stub, the real Bolt app over HTTP on 127.0.0.1, signed requests.

`Rig` builds everything `coach slack --http` builds (Coach on a temp SQLite
file, WebClient at the stub, the same WSGI server) and drives it like Slack
does: signed slash commands, clicks, modal submissions and events. Helpers
find the buttons in what the bot posted, so a conversation is driven by what
the user would see.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from exit_coach.adapters.slack import ids
from exit_coach.adapters.slack.app import SlackBot, build_app, make_client
from exit_coach.adapters.slack.server import make_http_server, serve_in_thread
from exit_coach.service import open_coach
from tests.adapters.slack.stub import Call, SlackStub

SECRET = "test-signing-secret"
TEAM = "T1"
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sign(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Response:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Rig:
    stub: SlackStub
    db_url: str
    bot: SlackBot | None = None
    server: Any = None
    _n: Iterator[int] = field(default_factory=lambda: count(1))

    # ---- lifecycle

    def start(self) -> Rig:
        coach = open_coach(self.db_url)
        client = make_client("xoxb-test", base_url=self.stub.api)
        self.bot = build_app(coach, client, signing_secret=SECRET)
        self.server = make_http_server(self.bot.app, host="127.0.0.1", port=0, jobs=self.bot.worker)
        serve_in_thread(self.server)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.bot is not None:
            self.bot.close()

    def restart(self) -> None:
        """A new process, as far as the bot can tell: new Coach, new App, new server, same database."""
        self.stop()
        self.start()

    @property
    def coach(self):  # noqa: ANN201
        assert self.bot is not None
        return self.bot.coach

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def coach_key(self, user: str):  # noqa: ANN201
        from exit_coach.adapters.slack.translate import key_of

        return key_of(TEAM, user)

    def settle(self) -> None:
        assert self.bot is not None
        assert self.bot.worker.wait_idle(10), "the worker did not finish in time"

    # ---- raw requests

    def post(self, body: bytes, content_type: str, *, headers: dict[str, str] | None = None,
             timestamp: str | None = None, secret: str = SECRET, path: str = "/slack/events") -> Response:
        ts = timestamp or str(int(time.time()))
        all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                       "X-Slack-Signature": sign(body, ts, secret), **(headers or {})}
        request = urllib.request.Request(self.url + path, data=body, headers=all_headers, method="POST")
        try:
            with _NO_PROXY.open(request, timeout=10) as resp:
                return Response(resp.status, resp.read().decode())
        except urllib.error.HTTPError as err:
            return Response(err.code, err.read().decode())

    def get(self, path: str) -> Response:
        try:
            with _NO_PROXY.open(self.url + path, timeout=10) as resp:
                return Response(resp.status, resp.read().decode())
        except urllib.error.HTTPError as err:
            return Response(err.code, err.read().decode())

    def post_form(self, fields: dict[str, str], **kw: Any) -> Response:
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded", **kw)

    def post_payload(self, payload: dict[str, Any], **kw: Any) -> Response:
        return self.post_form({"payload": json.dumps(payload)}, **kw)

    def post_event(self, event: dict[str, Any], *, event_id: str | None = None, **kw: Any) -> Response:
        body = {"token": "x", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback", "event": event,
                "event_id": event_id or f"Ev{next(self._n)}", "event_time": int(time.time())}
        return self.post(json.dumps(body).encode(), "application/json", **kw)

    # ---- what a user does

    def command(self, user: str, text: str = "", *, channel: str = "C1", settle: bool = True) -> Response:
        n = next(self._n)
        got = self.post_form({
            "token": "x", "team_id": TEAM, "team_domain": "t", "channel_id": channel, "channel_name": "general",
            "user_id": user, "user_name": user.lower(), "command": "/withdraw", "text": text,
            "api_app_id": "A1", "response_url": f"{self.stub.url}/commands/{n}", "trigger_id": f"trig.cmd.{n}",
        })
        if settle:
            self.settle()
        return got

    def dm(self, user: str, text: str, *, event_id: str | None = None, thread_ts: str | None = None,
           **kw: Any) -> Response:
        """`text` as Slack delivers it (markup, entities) in the user's DM; in a thread with `thread_ts`."""
        event = {"type": "message", "channel_type": "im", "channel": "D" + user, "user": user, "text": text,
                 "ts": f"1700001111.{next(self._n):06d}", "team": TEAM}
        if thread_ts:
            event["thread_ts"] = thread_ts
        got = self.post_event(event, event_id=event_id, **kw)
        self.settle()
        return got

    def home(self, user: str) -> Response:
        got = self.post_event({"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"})
        self.settle()
        return got

    def action_payload(self, user: str, message: Call, element: dict[str, Any],
                       option: dict[str, Any] | None = None) -> dict[str, Any]:
        n = next(self._n)
        action = {"type": element["type"], "action_id": element["action_id"], "block_id": "b",
                  "action_ts": f"1700002222.{n:06d}"}
        if element["type"] == "button":
            action["value"] = element.get("value", "")
        else:
            action["selected_option"] = option
        channel = message.data.get("channel")
        ts = message.response.get("ts") or message.response.get("message_ts")
        container = {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False}
        msg = {"type": "message", "ts": ts, "text": message.data.get("text")}
        if message.data.get("thread_ts"):
            container["thread_ts"] = msg["thread_ts"] = message.data["thread_ts"]
        return {
            "type": "block_actions", "team": {"id": TEAM, "domain": "t"},
            "user": {"id": user, "team_id": TEAM}, "api_app_id": "A1", "token": "x",
            "container": container, "trigger_id": f"trig.act.{n}", "channel": {"id": channel, "name": "directmessage"},
            "message": msg, "response_url": f"{self.stub.url}/actions/{n}", "actions": [action],
        }

    def prompts(self, user: str) -> list[tuple[Call, dict[str, Any]]]:
        """Every posted element the user could click, newest last: (message call, element)."""
        out = []
        updated = {c.data.get("ts") for c in self.stub.of("chat.update")}
        for call in self.stub.snapshot():
            if call.method not in ("chat.postMessage", "chat.postEphemeral"):
                continue
            if call.response.get("ts") in updated:  # answered: collapsed in place, its buttons gone
                continue
            if call.data.get("channel") != "D" + user and call.data.get("user") != user:
                continue
            for block in call.field("blocks") or []:
                for element in block.get("elements", []) if block.get("type") == "actions" else []:
                    if "action_id" in element and "url" not in element:
                        out.append((call, element))
        return out

    def current(self, user: str) -> tuple[Call, list[dict[str, Any]]]:
        """The newest message with buttons, and its clickable elements."""
        found = self.prompts(user)
        assert found, "the bot has not shown the user anything to click"
        last = found[-1][0]
        return last, [e for c, e in found if c is last]

    def question(self, user: str) -> ids.ComponentId:
        _, elements = self.current(user)
        parsed = ids.parse(elements[0]["action_id"])
        assert parsed is not None
        return parsed

    def click(self, user: str, value: str, *, as_user: str | None = None, settle: bool = True) -> dict[str, Any]:
        """Click the option with `value` in the newest prompt shown to `user` (as `as_user`, default `user`)."""
        message, elements = self.current(user)
        for element in elements:
            if element["type"] == "static_select":
                option = next((o for o in element["options"] if o["value"] == value), None)
                if option:
                    payload = self.action_payload(as_user or user, message, element, option)
                    break
            elif element.get("value") == value or ids.parse(element["action_id"]).value == value:
                payload = self.action_payload(as_user or user, message, element)
                break
        else:
            raise AssertionError(f"no option {value!r} in {[e.get('value') for e in elements]}")
        got = self.post_payload(payload)
        assert got.status == 200, got
        if settle:
            self.settle()
        return payload

    def fill(self, user: str, values: dict[str, str]) -> Response:
        """Click "Fill in", take the modal from views.open, submit it with `values` over its initial values."""
        message, elements = self.current(user)
        button = next(e for e in elements if e["action_id"].startswith(ids.FORM + "|"))
        opened = len(self.stub.of("views.open"))
        got = self.post_payload(self.action_payload(user, message, button))
        assert got.status == 200
        self.settle()
        call = self.stub.of("views.open")[opened]
        return self.submit(user, call.field("view"), values)

    def submit(self, user: str, view: dict[str, Any], values: dict[str, str], *, view_id: str = "",
               view_hash: str = "") -> Response:
        n = next(self._n)
        state = {}
        for block in view["blocks"]:
            if block["type"] == "input":
                name = block["block_id"]
                value = values.get(name, block["element"].get("initial_value"))
                state[name] = {"value": {"type": "plain_text_input", "value": value}}
        full = {**view, "id": view_id or f"V{n}", "hash": view_hash or f"h{n}", "state": {"values": state}}
        payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
                   "api_app_id": "A1", "token": "x", "trigger_id": f"trig.view.{n}", "view": full}
        got = self.post_payload(payload)
        self.settle()
        return got

    def texts(self, user: str) -> list[str]:
        """Every text the user was sent (message text and block texts), oldest first."""
        out = []
        for call in self.stub.snapshot():
            if call.data.get("channel") == "D" + user or call.data.get("user") == user:
                out.append(call.text_dump)
        return out


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    server = SlackStub().start()
    yield server
    server.stop()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'coach.db'}"


@pytest.fixture
def rig(stub: SlackStub, db_url: str) -> Iterator[Rig]:
    r = Rig(stub, db_url).start()
    yield r
    r.stop()
