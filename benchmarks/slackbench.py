"""What the Slack benchmarks share: `coach slack --http` as a real process, signed requests, a simulated user.

- `BotProcess` starts `coach slack --http` on a free 127.0.0.1 port against a
  `WebApiStub`, waits for `/healthz`, and reads the process's CPU time from
  `/proc/<pid>/stat` (user + system, all threads).
- `send` posts one signed request (Slack's `v0` HMAC) on a fresh connection and
  returns the status and the time to the response: the ack as Slack sees it.
- `SimUser` is one person clicking through a whole conversation: the slash
  command, both forms (Fill in, then submit the modal), every question, the
  plan, four real revisions (each checked: the next draft must carry the next
  number), and a message typed in the DM. It acts only on what the stub saw
  the bot post, and times each reply (request sent → the next prompt posted).

Benchmarks only; nothing here is imported by the package or the tests.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_stub import Posted, WebApiStub

SECRET = "bench-signing-secret"
TEAM = "T1"
ANSWERS = {
    "stage": "screening",
    "negotiable": "no",
    "reason": "other_offer",
    "recruiter": "no",
    "main_channel": "email",
    "door": "yes",
    "plan": "draft",
}
FORMS = {
    "details": {"company": "Acme", "role": "Data Engineer", "contact": "Pat Lee"},
    "signature": {"name": "Sam Doe", "email": "sam@example.org", "phone": ""},
}
REVISIONS = ("warmer", "shorter", "reason", "warmer")
"""The revision buttons each user clicks: four real new drafts, far below the per-case cap."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sign(body: bytes, timestamp: str) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()


def send(port: int, body: bytes, content_type: str, *, retry: int = 0, timeout: float = 10.0) -> tuple[int, float]:
    """One signed POST to /slack/events on a new connection: (HTTP status or 0 on error, seconds to the answer)."""
    ts = str(int(time.time()))
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(body, ts)}
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/slack/events", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except OSError:
        return 0, time.perf_counter() - started
    finally:
        conn.close()


class BotProcess:
    """`coach slack --http` in its own process, pointed at `stub` and `database`."""

    def __init__(self, stub: WebApiStub, database: str, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env |= {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_BASE_URL": stub.api,
            "DATABASE_URL": database,
            "LOG_LEVEL": "WARNING",
            "NO_PROXY": "127.0.0.1,localhost",
            "COACH_INBOX_DIR": str(log_path.with_suffix(".inbox")),  # each process its own journal, in the temp folder
        }
        coach = shutil.which("coach") or str(Path(sys.executable).with_name("coach"))
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [coach, "slack", "--http", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"coach slack did not start; its output:\n{self.log_path.read_text()[-3000:]}")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the whole process (every thread) so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()


@dataclass
class Tally:
    """What every simulated user measured, merged under a lock."""

    acks: list[float] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)
    steps: dict[str, int] = field(default_factory=dict)
    revisions_checked: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ack(self, status: int, seconds: float, what: str) -> None:
        with self.lock:
            self.acks.append(seconds)
            if status != 200:
                self.errors.append(f"{what}: HTTP {status or 'no answer'}")

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


class SimUser:
    """One person going through a whole conversation; `targets()` picks the process for each request."""

    def __init__(self, user: str, stub: WebApiStub, targets: Callable[[], int], tally: Tally, *,
                 duplicate: bool = False) -> None:
        self.user, self.stub, self.targets, self.tally, self.duplicate = user, stub, targets, tally, duplicate
        self._n = itertools.count(1)

    def run(self) -> None:
        try:
            self._conversation()
        except Abandon as exc:
            self.tally.error(f"{self.user}: {exc}")

    def _conversation(self) -> None:
        prompt = self.reach_draft()
        for value in REVISIONS:
            prompt = self.revise(prompt, value)
        self._step("message", self._message_body("thanks, looks good"), "application/json")

    def reach_draft(self) -> Posted:
        """From the slash command to the first draft: both forms, every question, the plan."""
        prompt = self._step("command", self._command_body(), "application/x-www-form-urlencoded")
        for _ in range(20):
            first = prompt.elements[0]["action_id"]
            kind, case, question = first.split("|")[:3]
            if question.startswith("rev:"):
                break
            if kind == "coachform":
                prompt = self._fill(prompt, question)
            else:
                prompt = self._choose(prompt, question, ANSWERS[question])
        else:
            raise Abandon("never reached a draft")
        return prompt

    def revise(self, prompt: Posted, value: str) -> Posted:
        """Click `value` under the newest draft; the answer must be the next draft (the work really done)."""
        question = prompt.elements[0]["action_id"].split("|")[2]
        number = int(question.removeprefix("rev:"))
        prompt = self._choose(prompt, question, value)
        got = prompt.elements[0]["action_id"].split("|")[2]
        if got != f"rev:{number + 1}":
            raise Abandon(f"clicked {value!r} on draft {number}, got {got!r} (not a new revision)")
        with self.tally.lock:
            self.tally.revisions_checked += 1
        return prompt

    # ---- one request, then the bot's answer

    def _step(self, what: str, body: bytes, content_type: str) -> Posted:
        """A request that runs a step; in `duplicate` mode Slack delivers it twice (to another process)."""
        after = self.stub.seen(self.user)
        started = time.perf_counter()
        status, seconds = send(self.targets(), body, content_type)
        self.tally.ack(status, seconds, what)
        again = 0
        if self.duplicate:
            again, again_s = send(self.targets(), body, content_type, retry=1)
            self.tally.ack(again, again_s, what + " (repeated delivery)")
        if 200 in (status, again if self.duplicate else 0):  # an acked step must take effect, exactly once
            with self.tally.lock:
                self.tally.steps[self.user] = self.tally.steps.get(self.user, 0) + 1
        prompt = self.stub.wait_prompt(self.user, after)
        if prompt is None:
            raise Abandon(f"no reply to {what} within 15 s")
        with self.tally.lock:
            self.tally.replies.append(prompt.at - started)
        return prompt

    def _choose(self, prompt: Posted, question: str, value: str) -> Posted:
        for element in prompt.elements:
            if element["type"] == "static_select":
                option = next((o for o in element["options"] if o["value"] == value), None)
                if option is not None:
                    return self._step(question, self.click_body(prompt, element, option), _FORM)
            elif element.get("value") == value or element["action_id"].endswith("|" + value):
                return self._step(question, self.click_body(prompt, element), _FORM)
        raise Abandon(f"no {value!r} under {question!r}")

    def _fill(self, prompt: Posted, question: str) -> Posted:
        """Fill in (opens the modal: no step), then submit the modal (a step)."""
        after = self.stub.seen(self.user)
        button = prompt.elements[0]
        status, seconds = send(self.targets(), self.click_body(prompt, button), _FORM)
        self.tally.ack(status, seconds, "fill in")
        modal = self.stub.wait_prompt(self.user, after, modal=True)
        if modal is None or modal.view is None:
            raise Abandon(f"no modal for {question!r} within 15 s")
        return self._step(question + " form", self._submit_body(modal.view, FORMS[question]), _FORM)

    # ---- payloads, shaped like Slack's

    def _command_body(self) -> bytes:
        n = next(self._n)
        return urlencode({
            "token": "x", "team_id": TEAM, "team_domain": "t", "channel_id": "D" + self.user,
            "channel_name": "directmessage", "user_id": self.user, "user_name": self.user.lower(),
            "command": "/withdraw", "text": "", "api_app_id": "A1",
            "response_url": f"{self.stub.url}/commands/{self.user}/{n}", "trigger_id": f"trig.{self.user}.{n}",
        }).encode()

    def click_body(self, prompt: Posted, element: dict[str, Any], option: dict[str, Any] | None = None) -> bytes:
        n = next(self._n)
        action = {"type": element["type"], "action_id": element["action_id"], "block_id": "b",
                  "action_ts": f"{time.time():.6f}"}
        if option is None:
            action["value"] = element.get("value", "")
        else:
            action["selected_option"] = option
        container = {"type": "message", "message_ts": prompt.ts, "channel_id": prompt.channel, "is_ephemeral": False}
        message = {"type": "message", "ts": prompt.ts, "text": prompt.text}
        if prompt.thread_ts:
            container["thread_ts"] = message["thread_ts"] = prompt.thread_ts
        payload = {
            "type": "block_actions", "team": {"id": TEAM, "domain": "t"}, "user": {"id": self.user, "team_id": TEAM},
            "api_app_id": "A1", "token": "x", "container": container, "trigger_id": f"trig.{self.user}.{n}",
            "channel": {"id": prompt.channel, "name": "directmessage"}, "message": message,
            "response_url": f"{self.stub.url}/actions/{self.user}/{n}", "actions": [action],
        }
        return urlencode({"payload": json.dumps(payload)}).encode()

    def _submit_body(self, view: dict[str, Any], values: dict[str, str]) -> bytes:
        n = next(self._n)
        state = {}
        for block in view["blocks"]:
            if block["type"] == "input":
                value = values.get(block["block_id"], block["element"].get("initial_value"))
                state[block["block_id"]] = {"value": {"type": "plain_text_input", "value": value}}
        full = {**view, "id": f"V{self.user}{n}", "hash": f"h{n}", "state": {"values": state}}
        payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": self.user, "team_id": TEAM},
                   "api_app_id": "A1", "token": "x", "trigger_id": f"trig.{self.user}.{n}", "view": full}
        return urlencode({"payload": json.dumps(payload)}).encode()

    def _message_body(self, text: str) -> bytes:
        n = next(self._n)
        event = {"type": "message", "channel_type": "im", "channel": "D" + self.user, "user": self.user,
                 "text": text, "ts": f"{time.time():.6f}", "team": TEAM}
        return json.dumps({"token": "x", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback",
                           "event": event, "event_id": f"Ev{self.user}x{n}", "event_time": int(time.time())}).encode()


_FORM = "application/x-www-form-urlencoded"


class Abandon(Exception):
    """The simulated user can't go on (no reply, or not what a real user would see)."""


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def round_robin(ports: list[int]) -> Callable[[], int]:
    """A thread-safe picker that alternates between the processes' ports."""
    counter = itertools.count()
    lock = threading.Lock()

    def pick() -> int:
        with lock:
            return ports[next(counter) % len(ports)]

    return pick
