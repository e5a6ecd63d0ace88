"""A small Slack Web API stand-in on 127.0.0.1 for the benchmarks: keep-alive, per-user posts, call counts.

It answers the methods the coach calls in a conversation (`auth.test`,
`conversations.open`, `chat.postMessage`, `chat.postEphemeral`, `chat.update`,
`chat.getPermalink`, `users.info`, `views.open`, `views.publish`, and any
`response_url`) like Slack does (every user's time zone is one where it is
early afternoon, so no reminder waits for quiet hours), speaks HTTP/1.1 with
keep-alive (so a client that reuses connections can), and keeps for each user
the messages posted to their DM and the modals opened for them, with the time
each arrived — what a benchmark needs to act as the user and time the bot's
replies. It also counts TCP connections and calls by method.

Benchmarks only: not imported by the package nor by the tests.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Posted:
    """One message posted to a user's DM (or one modal opened for them), as the user would see it."""

    at: float
    method: str
    channel: str
    ts: str
    text: str
    elements: tuple[dict[str, Any], ...]
    view: dict[str, Any] | None = None
    thread_ts: str | None = None


@dataclass
class _Inbox:
    posts: list[Posted] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # a burst of clients must not overflow the listen queue


class WebApiStub:
    """`start()`, then point `SLACK_API_BASE_URL` at `api`; `stop()` when done."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inboxes: dict[str, _Inbox] = {}
        self._ts = itertools.count(1)
        self.calls: dict[str, int] = {}
        self.connections = 0
        self.server: _Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api(self) -> str:
        return self.url + "/api/"

    def start(self) -> WebApiStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: every response has a Content-Length
            disable_nagle_algorithm = True  # headers and body go out as two writes: don't hold the second

            def setup(self) -> None:
                super().setup()
                with stub._lock:
                    stub.connections += 1

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    data = json.loads(raw or "{}")
                else:
                    data = dict(parse_qsl(raw))
                path = self.path.split("?")[0]
                method = path.removeprefix("/api/") if path.startswith("/api/") else "response_url"
                body = stub.answer(method, data)
                out = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def _inbox(self, user: str) -> _Inbox:
        with self._lock:
            inbox = self._inboxes.get(user)
            if inbox is None:
                inbox = self._inboxes[user] = _Inbox()
            return inbox

    def answer(self, method: str, data: dict[str, Any]) -> dict[str, Any] | bytes:
        with self._lock:
            self.calls[method] = self.calls.get(method, 0) + 1
            ts = f"1700000000.{next(self._ts):06d}"
        if method == "response_url":
            return b"ok"
        if method == "auth.test":
            return {"ok": True, "url": "https://stub.slack.test/", "team": "Stub", "user": "coach",
                    "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(data.get("users", "X"))}}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            channel = str(data.get("channel") or "")
            user = str(data.get("user") or "") or channel.removeprefix("D")
            self._record(user, Posted(time.perf_counter(), method, channel, ts, str(data.get("text") or ""),
                                      _elements(data.get("blocks")), thread_ts=data.get("thread_ts") or None))
            return {"ok": True, "channel": channel, "ts": ts, "message_ts": ts}
        if method == "users.info":  # a zone where it is early afternoon now, so no reminder waits for quiet hours
            return {"ok": True, "user": {"id": data.get("user"), "tz": daytime_zone()}}
        if method == "chat.update":
            return {"ok": True, "channel": data.get("channel"), "ts": data.get("ts")}
        if method == "chat.getPermalink":
            return {"ok": True, "channel": data.get("channel"),
                    "permalink": f"https://stub.slack.test/archives/{data.get('channel')}/p{data.get('message_ts')}"}
        if method == "views.open":
            view = json.loads(data["view"]) if isinstance(data.get("view"), str) else dict(data.get("view") or {})
            user = str(data.get("trigger_id", "")).split(".")[1]  # the load script's triggers carry the user
            self._record(user, Posted(time.perf_counter(), method, "", ts, "", (), view))
            return {"ok": True, "view": {"id": f"V{ts}", "hash": f"h{ts}"}}
        return {"ok": True}

    def _record(self, user: str, posted: Posted) -> None:
        inbox = self._inbox(user)
        with inbox.changed:
            inbox.posts.append(posted)
            inbox.changed.notify_all()

    # ---- what a simulated user reads

    def seen(self, user: str) -> int:
        """How many things were posted for `user` so far (pass to `wait_prompt` as `after`)."""
        inbox = self._inbox(user)
        with inbox.changed:
            return len(inbox.posts)

    def posts(self, user: str) -> list[Posted]:
        inbox = self._inbox(user)
        with inbox.changed:
            return list(inbox.posts)

    def wait_prompt(self, user: str, after: int, *, modal: bool = False, timeout: float = 15.0) -> Posted | None:
        """The first message with buttons (or, with `modal`, the first modal) posted after index `after`."""
        inbox = self._inbox(user)
        deadline = time.monotonic() + timeout
        with inbox.changed:
            while True:
                for posted in inbox.posts[after:]:
                    if (posted.view is not None) if modal else bool(posted.elements):
                        return posted
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                inbox.changed.wait(left)


def daytime_zone() -> str:
    """An IANA zone (Etc/GMT±N) where the local hour is about 13 right now."""
    offset = (13 - time.gmtime().tm_hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc/GMT-10 is UTC+10: the sign is inverted


def _elements(blocks: Any) -> tuple[dict[str, Any], ...]:
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    out: list[dict[str, Any]] = []
    for block in blocks or []:
        if block.get("type") == "actions":
            out += [e for e in block.get("elements", []) if "action_id" in e and "url" not in e]
    return tuple(out)
