"""Slack burst: N users click at the same moment, every click delivered twice, against `coach slack --http`.

The coach runs as a real process (`coach slack --http`) on 127.0.0.1 against
a stub Web API in this process (every call answered like Slack, optionally
after a delay). Each user first opens a case (/withdraw, "Fill in", the details
form); then all users click the first answer of the question on their screen
at once, and each click is sent twice, as Slack does when it retries a delivery.

Reported: every request answered (HTTP 200), acks over 3 s, the ack
percentiles, users whose click was lost (no answer posted, no event recorded),
users whose click took effect twice, and the process's peak RSS. One JSON line
at the end. Run: `python benchmarks/burst_slack.py [--users 200] [--db URL]
[--api-delay 0.05]`. Targets: 0 unanswered, 0 acks over 3 s, 0 lost, 0 doubled.

Also `--flood`: one user sends 300 events while the others each send one; it
reports the others' reply latency (head-of-line blocking), and `--stall S`
makes every Web API call for user 0 hang S seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

SECRET = "burst-signing-secret"
TEAM = "T1"
DETAILS = {"company": "Acme", "role": "Data Engineer", "contact": "Pat"}
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# ---- the stub Web API -------------------------------------------------------------------------


class Stub:
    """Answers the Web API methods the coach calls; records posts per channel and views opened per user."""

    def __init__(self, delay: float = 0.0, stall_channel: str | None = None, stall: float = 0.0) -> None:
        self.delay, self.stall_channel, self.stall = delay, stall_channel, stall
        self.posts: dict[str, list[tuple[float, dict[str, Any]]]] = {}
        self.views: dict[str, list[dict[str, Any]]] = {}
        self.lock = threading.Lock()
        self.ts = count(1)
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                data = json.loads(raw or "{}") if "json" in (self.headers.get("Content-Type") or "") \
                    else dict(parse_qsl(raw))
                out = json.dumps(stub.answer(self.path.split("?")[0], data)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        ThreadingHTTPServer.request_queue_size = 1024
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # a client that gave up on a stall
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def answer(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        method = path.removeprefix("/api/")
        channel = str(data.get("channel") or "")
        if self.delay:
            time.sleep(self.delay)
        if self.stall and channel == self.stall_channel:
            time.sleep(self.stall)
        if method == "auth.test":
            return {"ok": True, "team_id": TEAM, "user_id": "UBOT", "bot_id": "BBOT", "team": "T", "user": "c",
                    "url": "https://stub/"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(data.get("users"))}}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self.ts):06d}"
            with self.lock:
                self.posts.setdefault(channel, []).append((time.monotonic(), {**data, "ts": ts}))
            return {"ok": True, "channel": channel, "ts": ts}
        if method == "views.open":
            view = json.loads(data["view"]) if isinstance(data.get("view"), str) else data.get("view")
            trigger = str(data.get("trigger_id"))
            with self.lock:
                self.views.setdefault(trigger.split(".")[1], []).append(view)
            return {"ok": True, "view": {"id": "V" + trigger, "hash": "h"}}
        return {"ok": True, "message_ts": f"1700000000.{next(self.ts):06d}"}

    def posted(self, user: str) -> list[dict[str, Any]]:
        with self.lock:
            return [p for _, p in self.posts.get("D" + user, [])]


# ---- driving the coach like Slack -------------------------------------------------------------


class Driver:
    def __init__(self, url: str) -> None:
        self.url = url
        self.n = count(1)

    def post(self, body: bytes, content_type: str) -> tuple[int, float]:
        ts = str(int(time.time()))
        sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(self.url + "/slack/events", data=body, method="POST", headers={
            "Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})
        started = time.perf_counter()
        try:
            with OPENER.open(request, timeout=30) as resp:
                resp.read()
                return resp.status, time.perf_counter() - started
        except urllib.error.HTTPError as err:
            return err.code, time.perf_counter() - started
        except OSError:
            return 0, time.perf_counter() - started  # no HTTP answer at all

    def form(self, fields: dict[str, str]) -> tuple[int, float]:
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def command(self, user: str) -> tuple[int, float]:
        n = next(self.n)
        return self.form({"team_id": TEAM, "channel_id": "D" + user, "user_id": user, "command": "/withdraw",
                          "text": "", "api_app_id": "A1", "response_url": "http://127.0.0.1:9/none",
                          "trigger_id": f"trig.{user}.{n}"})

    def click_payload(self, user: str, message: dict[str, Any], element: dict[str, Any]) -> dict[str, Any]:
        n = next(self.n)
        action = {"type": element["type"], "action_id": element["action_id"], "block_id": "b",
                  "action_ts": f"1700002222.{n:06d}"}
        if element["type"] == "static_select":
            action["selected_option"] = element["options"][0]
        else:
            action["value"] = element.get("value", "")
        container = {"type": "message", "message_ts": message["ts"], "channel_id": "D" + user}
        return {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
                "api_app_id": "A1", "container": container, "trigger_id": f"trig.{user}.{n}",
                "channel": {"id": "D" + user}, "message": {"ts": message["ts"], "text": ""},
                "response_url": "http://127.0.0.1:9/none", "actions": [action]}

    def click(self, payload: dict[str, Any]) -> tuple[int, float]:
        return self.form({"payload": json.dumps(payload)})

    def submit(self, user: str, view: dict[str, Any], values: dict[str, str]) -> tuple[int, float]:
        n = next(self.n)
        state = {b["block_id"]: {"value": {"type": "plain_text_input", "value": values.get(b["block_id"], "")}}
                 for b in view["blocks"] if b["type"] == "input"}
        payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
                   "api_app_id": "A1", "trigger_id": f"trig.{user}.{n}",
                   "view": {**view, "id": f"V{user}{n}", "hash": f"h{n}", "state": {"values": state}}}
        return self.form({"payload": json.dumps(payload)})


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = json.loads(message["blocks"]) if isinstance(message.get("blocks"), str) else message.get("blocks")
    return [e for b in blocks or [] if b.get("type") == "actions" for e in b.get("elements", [])
            if "action_id" in e and "url" not in e]


def newest_with_buttons(stub: Stub, user: str, deadline: float) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    while time.monotonic() < deadline:
        for message in reversed(stub.posted(user)):
            found = buttons(message)
            if found:
                return message, found
        time.sleep(0.02)
    raise TimeoutError(f"no buttons for {user}")


def wait_until(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def setup_user(driver: Driver, stub: Stub, user: str) -> None:
    """/withdraw, "Fill in", the details form: the user now has a question with answer buttons."""
    deadline = time.monotonic() + 120
    driver.command(user)
    message, found = newest_with_buttons(stub, user, deadline)
    fill = next(e for e in found if e["action_id"].startswith("coachform|"))
    driver.click(driver.click_payload(user, message, fill))
    wait_until(lambda: stub.views.get(user), 60)
    driver.submit(user, stub.views[user][-1], DETAILS)
    wait_until(lambda: any(not b["action_id"].startswith("coachform|") for b in
                           newest_with_buttons(stub, user, deadline)[1]), 60)


# ---- the run ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--db", default="", help="DATABASE_URL (default: a fresh SQLite file)")
    parser.add_argument("--api-delay", type=float, default=0.02, help="seconds each Web API call takes")
    parser.add_argument("--flood", action="store_true", help="measure head-of-line blocking instead")
    parser.add_argument("--stall", type=float, default=0.0, help="with --flood: user 0's Web API calls hang S s")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="burst-"))
    stub = Stub(args.api_delay, stall_channel="DU0" if args.stall else None, stall=args.stall)
    port = free_port()
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-burst", "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_BASE_URL": stub.api, "DATABASE_URL": args.db or f"sqlite:///{folder / 'coach.db'}",
           "COACH_INBOX_DIR": str(folder / "inbox"), "LOG_LEVEL": "ERROR", "NO_PROXY": "*"}
    proc = subprocess.Popen([sys.executable, "-m", "exit_coach.adapters.cli", "slack", "--http", "--port",
                             str(port)], env=env, stderr=subprocess.PIPE, text=True)
    driver = Driver(f"http://127.0.0.1:{port}")
    try:
        if not wait_until(lambda: _healthy(driver.url), 30):
            print(proc.stderr.read() if proc.stderr else "", file=sys.stderr)
            return 1
        users = [f"U{i}" for i in range(args.users)]
        return flood(driver, stub, users, proc, args) if args.flood else burst(driver, stub, users, proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()


def _healthy(url: str) -> bool:
    try:
        with OPENER.open(url + "/healthz", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def burst(driver: Driver, stub: Stub, users: list[str], proc: subprocess.Popen[str]) -> int:
    started = time.monotonic()
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda u: setup_user(driver, stub, u), users))
    setup_s = time.monotonic() - started
    payloads = {}
    for user in users:
        message, found = newest_with_buttons(stub, user, time.monotonic() + 5)
        choice = next(e for e in found if not e["action_id"].startswith("coachform|"))
        payloads[user] = driver.click_payload(user, message, choice)
    before = {u: len(stub.posted(u)) for u in users}
    gate = threading.Barrier(len(users) * 2)

    def fire(user: str) -> tuple[int, float]:
        gate.wait()
        return driver.click(payloads[user])

    t0 = time.monotonic()
    with ThreadPoolExecutor(len(users) * 2) as pool:
        results = list(pool.map(fire, [u for u in users for _ in (0, 1)]))  # every click delivered twice
    acked_s = time.monotonic() - t0
    wait_until(lambda: all(len(stub.posted(u)) > before[u] for u in users), 120)
    time.sleep(1.0)  # let any doubled effect land before counting
    done_s = time.monotonic() - t0
    new = {u: len(stub.posted(u)) - before[u] for u in users}
    usual = statistics.mode(new.values())
    acks = [s for _, s in results]
    report = {
        "bench": "burst_slack", "users": len(users), "requests": len(results),
        "answered": sum(1 for status, _ in results if status == 200),
        "no_answer": sum(1 for status, _ in results if status == 0),
        "non_200": sum(1 for status, _ in results if status not in (0, 200)),
        "acks_over_3s": sum(1 for s in acks if s > 3.0),
        "ack_p50_ms": round(pct(acks, 0.5) * 1000, 1), "ack_p99_ms": round(pct(acks, 0.99) * 1000, 1),
        "ack_max_ms": round(max(acks) * 1000, 1),
        "lost": sum(1 for n in new.values() if n == 0),
        "doubled": sum(1 for n in new.values() if n > usual),
        "posts_per_click": usual, "burst_acked_s": round(acked_s, 2), "burst_done_s": round(done_s, 2),
        "setup_s": round(setup_s, 1), "peak_rss_mb": round(rss_mb(proc.pid), 1),
    }
    print("\n".join(f"{k:>16}: {v}" for k, v in report.items()))
    print(json.dumps(report))
    ok = report["answered"] == len(results) and not report["acks_over_3s"] and not report["lost"] \
        and not report["doubled"]
    return 0 if ok else 1


def flood(driver: Driver, stub: Stub, users: list[str], proc: subprocess.Popen[str],
          args: argparse.Namespace) -> int:
    """User 0 sends 300 DMs (and, with --stall, every call for it hangs); each other user sends one."""
    others = users[1:]

    def dm(user: str, n: int) -> tuple[int, float]:
        event = {"type": "message", "channel_type": "im", "channel": "D" + user, "user": user, "text": "help",
                 "ts": f"1700001111.{n:06d}", "team": TEAM}
        body = {"team_id": TEAM, "api_app_id": "A1", "type": "event_callback", "event": event,
                "event_id": f"Ev{user}.{n}", "event_time": int(time.time())}
        return driver.post(json.dumps(body).encode(), "application/json")

    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda n: dm(users[0], n), range(300)))
    sent: dict[str, float] = {}

    def one(user: str) -> None:
        sent[user] = time.monotonic()
        dm(user, 1)

    with ThreadPoolExecutor(32) as pool:
        list(pool.map(one, others))
    wait_until(lambda: all(stub.posted(u) for u in others), 120)
    latency = []
    for user in others:
        with stub.lock:
            first = stub.posts.get("D" + user, [(float("inf"), {})])[0][0]
        latency.append(first - sent[user])
    report = {"bench": "burst_slack_flood", "others": len(others), "flood_events": 300, "stall_s": args.stall,
              "others_reply_p50_ms": round(pct(latency, 0.5) * 1000, 1),
              "others_reply_p99_ms": round(pct(latency, 0.99) * 1000, 1),
              "others_reply_max_ms": round(max(latency) * 1000, 1),
              "others_unanswered": sum(1 for u in others if not stub.posted(u))}
    print("\n".join(f"{k:>20}: {v}" for k, v in report.items()))
    print(json.dumps(report))
    return 0 if report["others_reply_max_ms"] < 3000 and not report["others_unanswered"] else 1


if __name__ == "__main__":
    sys.exit(main())
