"""A Slack Web API stub with faults to inject: stalls, dropped answers, HTTP 500s; and a readable history.

`FaultyStub` answers like `SlackStub` and, per method: `stall[method] = seconds`
(or per channel: `stall_channel[channel]`), `drop[method] = n` (the call takes
effect, then the connection closes with no answer, n times), `http500[method] =
n` (no effect, HTTP 500, n times). Posted messages, with their metadata, are
served back by `conversations.history` and `conversations.replies`.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.adapters.slack.stub import Call, SlackStub


class _Drop(Exception):
    """Close the connection without an answer."""


@dataclass
class FaultyStub(SlackStub):
    stall: dict[str, float] = field(default_factory=dict)
    stall_channel: dict[str, float] = field(default_factory=dict)
    drop: dict[str, int] = field(default_factory=dict)
    http500: dict[str, int] = field(default_factory=dict)
    gate_channel: dict[str, threading.Event] = field(default_factory=dict)
    """Calls for this channel wait until the event is set (a stall that the test ends, not a clock)."""
    posted: list[dict[str, Any]] = field(default_factory=list)
    _faults: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FaultyStub:
        super().start()
        assert self.server is not None
        self.server.handle_error = lambda request, address: None  # a dropped answer is the point, not noise
        return self

    def _take(self, table: dict[str, int], method: str) -> bool:
        with self._faults:
            if table.get(method, 0) > 0:
                table[method] -= 1
                return True
            return False

    def answer(self, method: str, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        delay = self.stall.get(method, 0.0) + self.stall_channel.get(str(data.get("channel")), 0.0)
        if delay:
            time.sleep(delay)
        gate = self.gate_channel.get(str(data.get("channel")))
        if gate is not None:
            gate.wait(30)
        if self._take(self.http500, method):
            self._record(Call(method + "#500", data))
            return 500, b"<html>upstream trouble</html>", {}
        if method in ("conversations.history", "conversations.replies"):
            with self._lock:
                messages = [m for m in self.posted if m["channel"] == data.get("channel")
                            and (method == "conversations.history" or m.get("thread_ts") == data.get("ts"))]
            return 200, {"ok": True, "messages": list(reversed(messages))}, {}
        status, body, headers = super().answer(method, data)
        if method == "chat.postMessage" and isinstance(body, dict) and body.get("ok"):
            meta = data.get("metadata")
            with self._lock:
                self.posted.append({"channel": data.get("channel"), "ts": body["ts"],
                                    "thread_ts": data.get("thread_ts"), "text": data.get("text"),
                                    "metadata": json.loads(meta) if isinstance(meta, str) else meta})
        if self._take(self.drop, method):
            raise _Drop
        return status, body, headers
