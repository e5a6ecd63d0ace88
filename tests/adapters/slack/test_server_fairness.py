"""#13.5: no head-of-line blocking between users: one user's stalled Web API call or flood of events
does not hold up another user's answer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adapters.slack.conftest import Rig
from tests.faults.stubs import FaultyStub


@pytest.fixture
def faulty() -> Iterator[FaultyStub]:
    stub = FaultyStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def rig2(faulty: FaultyStub, tmp_path: Path) -> Iterator[Rig]:
    rig = Rig(faulty, f"sqlite:///{tmp_path / 'coach.db'}").start()
    yield rig
    rig.stop()


def _answered(stub: FaultyStub, user: str) -> int:
    return sum(1 for c in stub.snapshot() if c.method == "chat.postMessage" and c.data.get("channel") == "D" + user)


def test_a_stalled_web_api_call_of_one_user_does_not_hold_up_others(rig2: Rig, faulty: FaultyStub) -> None:
    stalled = threading.Event()
    faulty.gate_channel["DU1"] = stalled  # every post to U1 hangs until the test lets it go
    try:
        rig2.post_event(
            {"type": "message", "channel_type": "im", "channel": "DU1", "user": "U1", "text": "help",
             "ts": "1700001111.000001", "team": "T1"})
        for n in range(2, 12):  # ten other users, more than share any one thread under a shard-per-thread pool
            rig2.post_event({"type": "message", "channel_type": "im", "channel": f"DU{n}", "user": f"U{n}",
                             "text": "help", "ts": f"1700001111.0000{n:02d}", "team": "T1"})
        faulty.wait_for(lambda calls: all(_answered(faulty, f"U{n}") for n in range(2, 12)), timeout=20)
        assert _answered(faulty, "U1") == 0  # still stalled while everyone else got their answer
    finally:
        stalled.set()
    rig2.settle()
    assert _answered(faulty, "U1") > 0


def test_a_flood_from_one_user_is_served_turn_by_turn_with_others(rig2: Rig, faulty: FaultyStub) -> None:
    gate = threading.Event()
    faulty.gate_channel["DU1"] = gate
    for i in range(40):  # the flooder's first post hangs, the other 39 events queue behind it
        rig2.post_event({"type": "message", "channel_type": "im", "channel": "DU1", "user": "U1", "text": "help",
                         "ts": f"1700001111.{i:06d}", "team": "T1"})
    rig2.post_event({"type": "message", "channel_type": "im", "channel": "DU2", "user": "U2", "text": "help",
                     "ts": "1700002222.000001", "team": "T1"})
    try:
        faulty.wait_for(lambda calls: _answered(faulty, "U2") > 0, timeout=20)
    finally:
        gate.set()
    rig2.settle()
