"""#13.1: a stop (SIGTERM, SIGINT) finishes every acknowledged event; a crash is told to the users it hit."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from exit_coach.adapters.slack.app import RESTARTED_LOST, RESTARTED_SAVED
from tests.faults.proc import CoachProcess
from tests.faults.stubs import FaultyStub

EVENTS, USERS = 48, 12


def _send_all(proc: CoachProcess) -> list[int]:
    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(lambda i: proc.dm(f"U{i % USERS}", "help", event_id=f"Ev{i}")[0], range(EVENTS)))


def _applied(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT event_id FROM processed_event")}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_finishes_every_acknowledged_event_then_exits(tmp_path: Path, faulty: FaultyStub,
                                                                    sig: int) -> None:
    faulty.stall["chat.postMessage"] = 0.08  # replies are slow, so acked jobs are still queued at the signal
    proc = CoachProcess(faulty.api, f"sqlite:///{tmp_path / 'coach.db'}", tmp_path).start()
    try:
        assert _send_all(proc) == [200] * EVENTS
        code, err = proc.stop(sig)
    finally:
        proc.kill()
    assert code == 0, err
    assert "Traceback" not in err
    assert _applied(tmp_path / "coach.db") == {f"Ev{i}" for i in range(EVENTS)}
    assert not list((tmp_path / "inbox").glob("inbox-*")), "a clean stop leaves no journal behind"


def test_socket_mode_sigterm_finishes_every_acknowledged_envelope(tmp_path: Path, faulty: FaultyStub) -> None:
    from tests.adapters.slack.test_socket_mode import WsServer

    ws = WsServer()
    faulty.ws_url = f"ws://127.0.0.1:{ws.port}/link"
    faulty.stall["chat.postMessage"] = 0.15
    proc = CoachProcess(faulty.api, f"sqlite:///{tmp_path / 'coach.db'}", tmp_path, socket_mode=True).start()
    try:
        assert ws.connected.wait(10)
        for i in range(EVENTS):
            user = f"U{i % USERS}"
            event = {"type": "event_callback", "team_id": "T1", "event_id": f"Ev{i}",
                     "event": {"type": "message", "channel_type": "im", "channel": "D" + user, "user": user,
                               "text": "help", "ts": f"1.{i}"}}
            ws.send({"envelope_id": f"env-{i}", "type": "events_api", "payload": event, "retry_attempt": 0})
        acked: set[str] = set()
        while len(acked) < EVENTS:  # acks come back in any order
            acked.add(ws.received.get(timeout=20).get("envelope_id", ""))
        code, err = proc.stop(signal.SIGTERM)
    finally:
        proc.kill()
        ws.stop()
    assert code == 0, err
    assert _applied(tmp_path / "coach.db") == {f"Ev{i}" for i in range(EVENTS)}


def _can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "--pid", "--fork", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="no PID namespaces here (unshare)")
def test_as_pid_1_sigterm_still_drains(tmp_path: Path, faulty: FaultyStub) -> None:
    """In a container without an init, coach is PID 1: the kernel drops SIGTERM unless coach handles it."""
    faulty.stall["chat.postMessage"] = 0.15
    proc = CoachProcess(faulty.api, f"sqlite:///{tmp_path / 'coach.db'}", tmp_path, pid1=True).start()
    try:
        nspid = next(line for line in Path(f"/proc/{proc.coach_pid}/status").read_text().splitlines()
                     if line.startswith("NSpid:")).split()
        assert nspid[-1] == "1", "coach runs as PID 1 in its namespace"
        assert _send_all(proc) == [200] * EVENTS
        code, err = proc.stop(signal.SIGTERM)
    finally:
        proc.kill()
    assert code == 0, err
    assert _applied(tmp_path / "coach.db") == {f"Ev{i}" for i in range(EVENTS)}


def test_a_crash_after_the_ack_is_told_to_the_user_at_the_next_start(tmp_path: Path, faulty: FaultyStub) -> None:
    faulty.stall["chat.postMessage"] = 0.3
    db = tmp_path / "coach.db"
    proc = CoachProcess(faulty.api, f"sqlite:///{db}", tmp_path).start()
    try:
        assert _send_all(proc) == [200] * EVENTS
        proc.stop(signal.SIGKILL)  # no drain: acked jobs die in the queue
    finally:
        proc.kill()
    lost = {f"Ev{i}" for i in range(EVENTS)} - _applied(db)
    assert lost, "the stall should leave acked events unfinished at the kill"
    faulty.stall.clear()
    before = len(faulty.snapshot())
    again = CoachProcess(faulty.api, f"sqlite:///{db}", tmp_path).start()
    try:
        notes = faulty.wait_for(lambda calls: sum(RESTARTED_LOST in c.text_dump for c in calls[before:])
                                >= len(lost), timeout=20)[before:]
        code, _ = again.stop()
    finally:
        again.kill()
    assert code == 0
    assert sum(RESTARTED_LOST in c.text_dump for c in notes) == len(lost)
    # every acked event is either applied or its user was told to send it again; none is told twice
    told = sum(RESTARTED_LOST in c.text_dump or RESTARTED_SAVED in c.text_dump for c in notes)
    assert told <= EVENTS
