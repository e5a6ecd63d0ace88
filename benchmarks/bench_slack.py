"""Slack: how long Slack waits for our answer to a button click, against a bare Bolt app that only acks.

Both apps run behind the same threaded WSGI server `coach slack --http` uses,
with signed requests over 127.0.0.1; requests alternate between them in one
run so both see the same machine. Each click is a real, valid click on the
newest draft ("Warmer"), so the coach does its full work (a transaction, a
new linted revision, Web API calls to a local stub) — after the ack, on the
worker; the worker is drained between requests and that time is reported
separately as "click to replies posted".

Run: `python benchmarks/bench_slack.py [--clicks N]`. Target: ratio ≤ 1.5×.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_bolt import App  # noqa: E402

from exit_coach.adapters.slack.app import make_client  # noqa: E402
from exit_coach.adapters.slack.server import make_http_server, serve_in_thread  # noqa: E402
from tests.adapters.slack.conftest import _NO_PROXY, SECRET, Response, Rig, sign  # noqa: E402
from tests.adapters.slack.stub import SlackStub  # noqa: E402

DETAILS = {"company": "Acme", "role": "Data Engineer", "contact": "Pat"}
SIGNATURE = {"name": "Sam", "email": "sam@example.com", "phone": ""}
ANSWERS = {
    "stage": "screening",
    "negotiable": "no",
    "reason": "other_offer",
    "recruiter": "no",
    "main_channel": "email",
    "door": "yes",
    "plan": "draft",
}


def bare_app(stub: SlackStub) -> App:
    app = App(client=make_client("xoxb-bench", base_url=stub.api), signing_secret=SECRET, process_before_response=True)

    @app.action("coach-bench")
    def only_ack(ack) -> None:  # noqa: ANN001
        ack()

    return app


def to_first_draft(rig: Rig, user: str) -> None:
    rig.command(user)
    for _ in range(20):
        q = rig.question(user)
        if q.question.startswith("rev:"):
            return
        if q.kind == "coachform":
            rig.fill(user, DETAILS if q.question == "details" else SIGNATURE)
        else:
            rig.click(user, ANSWERS[q.question])
    raise SystemExit("could not reach a draft")


def timed(fn) -> float:  # noqa: ANN001
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=200)
    args = parser.parse_args()
    stub = SlackStub().start()
    with tempfile.TemporaryDirectory() as tmp:
        rig = Rig(stub, f"sqlite:///{Path(tmp) / 'bench.db'}").start()
        bare_server = make_http_server(bare_app(stub), port=0)
        serve_in_thread(bare_server)
        bare_url = f"http://127.0.0.1:{bare_server.server_port}"
        user = "UBENCH"
        to_first_draft(rig, user)
        ours, bare, settle = [], [], []
        for i in range(args.clicks + 20):
            message, elements = rig.current(user)
            button = next(e for e in elements if e.get("value") == "warmer")
            payload = rig.action_payload(user, message, button)
            bare_payload = {**payload, "actions": [{**payload["actions"][0], "action_id": "coach-bench"}]}
            t_ours = timed(lambda p=payload: _ok(_post_to(rig.url, p)))
            t_settle = timed(rig.settle)
            t_bare = timed(lambda p=bare_payload: _ok(_post_to(bare_url, p)))
            if i >= 20:
                ours.append(t_ours)
                bare.append(t_bare)
                settle.append(t_ours + t_settle)
        rig.stop()
        bare_server.shutdown()
    stub.stop()
    med_ours, med_bare = statistics.median(ours), statistics.median(bare)
    p95 = lambda xs: statistics.quantiles(xs, n=20)[18]  # noqa: E731
    report = {
        "clicks": len(ours),
        "ack_ms_median": round(med_ours * 1000, 3),
        "ack_ms_p95": round(p95(ours) * 1000, 3),
        "bare_ack_ms_median": round(med_bare * 1000, 3),
        "bare_ack_ms_p95": round(p95(bare) * 1000, 3),
        "ratio_median": round(med_ours / med_bare, 2),
        "click_to_replies_posted_ms_median": round(statistics.median(settle) * 1000, 1),
        "target_ratio": 1.5,
    }
    print(json.dumps(report, indent=2))
    return 0 if report["ratio_median"] <= 1.5 else 1


def _post_to(base: str, payload: dict) -> Response:
    """A signed block_actions POST (signing is inside the timed part for both apps)."""
    body = urlencode({"payload": json.dumps(payload)}).encode()
    ts = str(int(time.time()))
    request = urllib.request.Request(
        base + "/slack/events",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(body, ts),
        },
    )
    with _NO_PROXY.open(request, timeout=10) as resp:
        return Response(resp.status, resp.read().decode())


def _ok(response: object) -> None:
    assert getattr(response, "status", None) == 200, response


if __name__ == "__main__":
    sys.exit(main())
