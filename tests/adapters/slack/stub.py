"""A Slack-compatible Web API on 127.0.0.1 that records every call and answers like Slack.

`/api/<method>` takes form or JSON bodies, as slack_sdk sends them; anything
else (a `response_url`) is recorded as method "response_url". `fail` makes a
method answer `{"ok": false, "error": ...}` (or HTTP 429 for "ratelimited").
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Call:
    method: str
    data: dict[str, Any]
    response: dict[str, Any] = field(default_factory=dict)

    def field(self, name: str) -> Any:
        value = self.data.get(name)
        if isinstance(value, str) and name in ("blocks", "view") and value.startswith(("[", "{")):
            return json.loads(value)
        return value

    @property
    def text_dump(self) -> str:
        return json.dumps(self.data, ensure_ascii=False)


@dataclass
class SlackStub:
    calls: list[Call] = field(default_factory=list)
    fail: dict[str, str] = field(default_factory=dict)
    locales: dict[str, str] = field(default_factory=dict)
    """user id -> Slack locale, answered by `users.info` only when asked with include_locale, as Slack does."""
    zones: dict[str, str] = field(default_factory=dict)
    """users.info `tz` per user id (none: the field is missing, as for a bot)."""
    ws_url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api(self) -> str:
        return self.url + "/api/"

    def start(self) -> SlackStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Slack: the bot's client reuses its connections
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                path = self.path.split("?")[0]
                if path.startswith("/upload/"):  # step 2 of files_upload_v2: the file's bytes, as they are
                    data: dict[str, Any] = {"_path": path, "content": raw}
                    stub._record(Call("upload", data))
                    out = b"OK - " + str(len(raw)).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                    return
                if "json" in (self.headers.get("Content-Type") or ""):
                    data = json.loads(raw or "{}")
                else:
                    data = dict(parse_qsl(raw))
                method = path.removeprefix("/api/") if path.startswith("/api/") else "response_url"
                if method == "response_url":
                    data["_path"] = path
                status, body, headers = stub.answer(method, data)
                out = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def answer(self, method: str, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        call = Call(method, data)
        with self._lock:
            error = self.fail.get(method)
        if error == "ratelimited":
            self.fail.pop(method)  # once, then succeed: the client's retry handler should try again
            self._record(call)
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"}
        if error:
            self._record(call)
            return 200, {"ok": False, "error": error}, {}
        if method == "response_url":
            self._record(call)
            return 200, b"ok", {}
        answers: dict[str, Callable[[], dict[str, Any]]] = {
            "auth.test": lambda: {"url": "https://stub.slack.test/", "team": "Stub", "user": "coach",
                                  "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"},
            "chat.postMessage": lambda: {"channel": data.get("channel"), "ts": self.next_ts(),
                                         "message": {"text": data.get("text")}},
            "chat.postEphemeral": lambda: {"message_ts": self.next_ts()},
            "conversations.open": lambda: {"channel": {"id": "D" + str(data.get("users", "X"))}},
            "views.open": lambda: {"view": {"id": f"V{next(self._ts)}", "hash": f"h{time.time_ns()}"}},
            "views.publish": lambda: {"view": {"id": "VHOME"}},
            "users.info": lambda: {"user": self.user_info(str(data.get("user")), data.get("include_locale"))},
            "apps.connections.open": lambda: {"url": self.ws_url},
            "conversations.history": lambda: {
                "messages": self._history(str(data.get("channel")))[: int(data.get("limit") or 100)]
            },
            "chat.update": lambda: {"channel": data.get("channel"), "ts": data.get("ts")},
            "chat.getPermalink": lambda: {
                "channel": data.get("channel"),
                "permalink": f"https://stub.slack.test/archives/{data.get('channel')}/p{data.get('message_ts')}"},
            "files.getUploadURLExternal": lambda: {"upload_url": f"{self.url}/upload/F{next(self._ts)}",
                                                   "file_id": f"F{data.get('filename')}"},
            "files.completeUploadExternal": lambda: {"files": [{"id": f["id"], "title": f.get("title")}
                                                               for f in json.loads(data.get("files") or "[]")]},
        }
        call.response = {"ok": True, **answers.get(method, dict)()}
        self._record(call)
        return 200, call.response, {}

    def user_info(self, user: str, include_locale: Any) -> dict[str, Any]:
        """A `users.info` user object in Slack's shape; `locale` only with include_locale=true."""
        info: dict[str, Any] = {
            "id": user, "team_id": "T1", "name": user.lower(), "deleted": False, "real_name": f"User {user}",
            "profile": {"real_name": f"User {user}", "display_name": user.lower(), "team": "T1"},
            "is_admin": False, "is_owner": False, "is_bot": False, "is_app_user": False, "updated": 1_700_000_000,
        }
        if user in self.zones:  # none: the field is missing, as for a bot
            info["tz"] = self.zones[user]
        if str(include_locale).lower() in ("1", "true") and user in self.locales:
            info["locale"] = self.locales[user]
        return info
    def _history(self, channel: str) -> list[dict[str, Any]]:
        """The channel's messages as conversations.history returns them: newest first, with metadata."""
        out = []
        for call in self.snapshot():
            if call.method == "chat.postMessage" and call.data.get("channel") == channel and call.response.get("ok"):
                meta = call.data.get("metadata")
                meta = json.loads(meta) if isinstance(meta, str) else meta
                out.append({"ts": call.response.get("ts"), "text": call.data.get("text"),
                            **({"metadata": meta} if meta else {})})
        return out[::-1]

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    # ---- reading what was recorded

    def screen(self, channel: str) -> list[Call]:
        """The messages posted to `channel` as they look now: each `chat.update` applied to its message."""
        with self._lock:
            calls = list(self.calls)
        latest: dict[str, Call] = {}
        for call in calls:
            if call.method == "chat.postMessage" and call.data.get("channel") == channel and call.response.get("ts"):
                latest[call.response["ts"]] = call
            elif call.method == "chat.update" and call.data.get("channel") == channel:
                old = latest.get(call.data.get("ts"))
                if old is not None:
                    latest[old.response["ts"]] = Call("chat.postMessage", {**old.data, **call.data}, old.response)
        return list(latest.values())

    @staticmethod
    def live_buttons(call: Call) -> int:
        """How many buttons and menus a message shows (link buttons included)."""
        blocks = call.field("blocks") or []
        return sum(len(b.get("elements", [])) for b in blocks if b.get("type") == "actions")

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def snapshot(self) -> list[Call]:
        with self._lock:
            return list(self.calls)

    def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 5.0) -> list[Call]:
        """Poll (bounded) until `predicate(calls)` holds; the calls, or AssertionError."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.snapshot()
            if predicate(calls):
                return calls
            time.sleep(0.01)
        raise AssertionError(f"timed out waiting; recorded: {[c.method for c in self.snapshot()]}")
