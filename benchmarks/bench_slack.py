"""Slack: how long Slack waits for our ack to a button click, against a bare Bolt app that only acks.

Three real processes on 127.0.0.1: `coach slack --http` (the bot), a bare Bolt
app that only acks (same signing check, `process_before_response=True`, a
threaded WSGI server), and this script (the load: signed requests, plus the
keep-alive Web API stub both apps talk to). `--users` users are first brought
to their first draft; then clicks go round-robin across them, each a real
revision button under the user's newest draft (warmer, shorter, reason, door):
the next draft must come back with the next number, so every timed click did
the full work (a transaction, a new linted revision, Web API calls) — none is a
refusal at the per-case revision cap. The same click body is then sent to the
bare app. Clicks are one at a time; "click to reply" is the time from sending
the click to the next draft arriving at the stub.

Run: `python benchmarks/bench_slack.py [--users N] [--clicks N]`. Prints a
table and one JSON line (p50 and p99 of each; target: ack ratio ≤ 1.5×).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from slack_stub import WebApiStub  # noqa: E402
from slackbench import (  # noqa: E402
    SECRET,
    Abandon,
    BotProcess,
    SimUser,
    Tally,
    free_port,
    percentile,
    send,
)

VALUES = ("warmer", "shorter", "reason", "door")
FORM = "application/x-www-form-urlencoded"


def serve_bare(port: int, api: str) -> None:
    """The yardstick process: a Bolt app whose only listener acks our action ids, on a threaded WSGI server."""
    import re
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    app = App(client=WebClient(token="xoxb-bare", base_url=api), signing_secret=SECRET,
              process_before_response=True)

    @app.action(re.compile(r"^coach"))
    def only_ack(ack) -> None:  # noqa: ANN001
        ack()

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    make_server("127.0.0.1", port, SlackRequestHandler(app), server_class=Server,
                handler_class=Quiet).serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--clicks", type=int, default=200)
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)  # internal: serve the bare app on this port
    parser.add_argument("--api", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare:
        serve_bare(args.bare, args.api)
        return 0
    if not (1 <= args.users <= 1000 and 1 <= args.clicks <= 5000):
        parser.error("--users 1..1000, --clicks 1..5000")
    stub = WebApiStub().start()
    with tempfile.TemporaryDirectory(prefix="coach-bench-slack-") as tmp:
        bot = BotProcess(stub, f"sqlite:///{Path(tmp) / 'bench.db'}", Path(tmp) / "bot.log")
        bare_port = free_port()
        bare = subprocess.Popen([sys.executable, __file__, "--bare", str(bare_port), "--api", stub.api])
        try:
            bot.wait_ready()
            _wait_port(bare_port)
            report = measure(stub, bot.port, bare_port, args.users, args.clicks)
        finally:
            bot.stop()
            bare.terminate()
            bare.wait(10)
    stub.stop()
    for key, value in report.items():
        print(f"{key:<34}{value}")
    print(json.dumps(report))
    return 0 if report["errors"] == 0 and report["ratio_p50"] <= 1.5 else 1


def measure(stub: WebApiStub, port: int, bare_port: int, users: int, clicks: int) -> dict[str, object]:
    warm = Tally()
    sims = [SimUser(f"UB{i:04d}", stub, lambda: port, warm) for i in range(users)]
    prompts = [sim.reach_draft() for sim in sims]
    tally = Tally()
    for sim in sims:
        sim.tally = tally
    bare: list[float] = []
    for i in range(clicks + users):  # the first round per user is a warm-up, not counted
        n = i % users
        if i == users:
            tally.acks.clear()
            tally.replies.clear()
            bare.clear()
        try:
            prompts[n] = sims[n].revise(prompts[n], VALUES[(i // users) % len(VALUES)])
        except Abandon as exc:
            tally.error(str(exc))
            continue
        body = sims[n].click_body(prompts[n], prompts[n].elements[0])
        status, seconds = send(bare_port, body, FORM)
        bare.append(seconds)
        if status != 200:
            tally.error(f"bare app answered HTTP {status}")
    ours_p50, bare_p50 = percentile(tally.acks, 0.5), percentile(bare, 0.5)
    return {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "users": users,
        "clicks": len(tally.acks),
        "revisions_checked": tally.revisions_checked,
        "ack_ms_p50": _ms(ours_p50),
        "ack_ms_p99": _ms(percentile(tally.acks, 0.99)),
        "bare_ack_ms_p50": _ms(bare_p50),
        "bare_ack_ms_p99": _ms(percentile(bare, 0.99)),
        "ratio_p50": round(ours_p50 / bare_p50, 2) if bare_p50 else 0.0,
        "ratio_p99": round(percentile(tally.acks, 0.99) / percentile(bare, 0.99), 2) if bare else 0.0,
        "click_to_reply_ms_p50": _ms(percentile(tally.replies, 0.5)),
        "click_to_reply_ms_p99": _ms(percentile(tally.replies, 0.99)),
        "errors": len(tally.errors) + len(warm.errors),
        "target_ratio_p50": 1.5,
    }


def _wait_port(port: int, timeout: float = 30.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the bare app did not start on port {port}")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


if __name__ == "__main__":
    sys.exit(main())
