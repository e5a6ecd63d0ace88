"""#12.5: `/metrics` in Prometheus format, `/healthz` 503 while the database can't be used, JSON logs."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import urllib.error
import urllib.request

from exit_coach.adapters.health import Health
from exit_coach.adapters.slack.server import make_http_server, serve_in_thread
from exit_coach.logs import JsonFormatter
from tests.adapters.slack.conftest import Rig
from tests.adapters.slack.stub import SlackStub

OPEN = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _metric(text: str, name: str, **labels: str) -> float:
    """The sample `name` with exactly `labels` (in any order), 0 when absent."""
    for line in text.splitlines():
        match = re.match(rf"^{re.escape(name)}(?:\{{(.*)\}})? (\S+)$", line)
        if match and dict(re.findall(r'(\w+)="([^"]*)"', match[1] or "")) == labels:
            return float(match[2])
    return 0.0


def test_metrics_count_steps_acks_api_errors_and_active_users(rig: Rig, stub: SlackStub) -> None:
    before = rig.get("/metrics").body
    rig.command("U1", channel="DU1")
    stub.fail["chat.postMessage"] = "channel_not_found"
    rig.dm("U1", "status")
    got = rig.get("/metrics")
    assert got.status == 200
    text = got.body
    assert _metric(text, "coach_step_seconds_count", platform="slack") >= \
        _metric(before, "coach_step_seconds_count", platform="slack") + 2
    assert _metric(text, "coach_acks_total", platform="slack", kind="command") >= 1
    assert _metric(text, "coach_web_api_errors_total", platform="slack", code="channel_not_found") >= 1
    assert _metric(text, "coach_active_users") >= 1
    rig.coach.faults["unreachable"] += 1  # as a step given up on an unreachable database counts it
    assert _metric(rig.get("/metrics").body, "coach_db_faults_total", kind="unreachable") == 1
    assert "U1" not in text and "DU1" not in text  # labels are codes and kinds, never ids


def test_healthz_is_503_while_the_database_cannot_be_used(rig: Rig) -> None:
    health = Health(rig.coach.store)
    rig.coach.store.engine.dispose()
    path = rig.coach.store.url.removeprefix("sqlite:///")
    assert rig.bot is not None
    server = make_http_server(rig.bot.app, port=0, health=health.ok)
    serve_in_thread(server)
    try:
        url = f"http://127.0.0.1:{server.server_port}/healthz"
        assert OPEN.open(url, timeout=5).status == 200
        os.rename(path, path + ".gone")  # the database file vanishes; its folder too
        os.rename(os.path.dirname(path), os.path.dirname(path) + ".gone")
        assert not health.probe()
        try:
            OPEN.open(url, timeout=5)
            raise AssertionError("expected 503")
        except urllib.error.HTTPError as err:
            assert err.code == 503
        os.rename(os.path.dirname(path) + ".gone", os.path.dirname(path))
        os.rename(path + ".gone", path)
        assert health.probe()
        assert OPEN.open(url, timeout=5).status == 200
    finally:
        server.shutdown()
        server.server_close()


def test_json_logs_are_one_object_a_line_with_the_error_type_only() -> None:
    try:
        raise ValueError("Acme Corp secret text")
    except ValueError:
        record = logging.LogRecord("exit_coach.x", logging.ERROR, __file__, 1, "step failed: %s", ("id-1",),
                                   sys.exc_info())
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["level"] == "ERROR" and data["message"] == "step failed: id-1" and data["error"] == "ValueError"
    assert "Acme" not in line and "\n" not in line


def test_reminders_sent_are_counted(rig: Rig) -> None:
    from tests.adapters.slack.test_reminders import plan_shown, run_due

    before = _metric(rig.get("/metrics").body, "coach_reminders_total", platform="slack", result="sent")
    plan_shown(rig)
    assert run_due(rig) == 1
    after = _metric(rig.get("/metrics").body, "coach_reminders_total", platform="slack", result="sent")
    assert after == before + 1
