"""#13.4 and #11.7: Slack's Web API failing (dropped answer, HTTP 500, 429 Retry-After, no answer at all):
the user never sees a message twice, is told calmly when an answer could not be shown (never asked to repeat
a step that was saved), never sees upstream error text, and the bot carries on by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from exit_coach.adapters.slack.app import build_app
from exit_coach.adapters.slack.deliver import FAILED
from exit_coach.adapters.slack.server import make_http_server, serve_in_thread
from exit_coach.adapters.slack.webapi import make_client
from exit_coach.service import open_coach
from tests.adapters.slack.conftest import SECRET, Rig
from tests.faults.stubs import FaultyStub

WELCOME = "Hi, I'm Exit Coach"


class QuickRig(Rig):
    """The Slack rig with a Web API client that gives up on a silent server after one second."""

    def start(self) -> QuickRig:
        coach = open_coach(self.db_url)
        client = make_client("xoxb-test", base_url=self.stub.api, timeout=1)
        self.bot = build_app(coach, client, signing_secret=SECRET)
        self.server = make_http_server(self.bot.app, host="127.0.0.1", port=0, jobs=self.bot.worker)
        serve_in_thread(self.server)
        return self


@pytest.fixture
def qrig(faulty: FaultyStub, tmp_path: Path) -> Iterator[QuickRig]:
    rig = QuickRig(faulty, f"sqlite:///{tmp_path / 'coach.db'}").start()
    yield rig
    rig.stop()


def _shown(stub: FaultyStub, needle: str) -> int:
    return sum(1 for m in stub.posted if needle in (m.get("text") or ""))


@pytest.mark.parametrize("fault", ["drop", "http500", "ratelimited"])
def test_a_post_with_an_unknown_outcome_is_shown_exactly_once(qrig: QuickRig, faulty: FaultyStub,
                                                              fault: str) -> None:
    if fault == "drop":
        faulty.drop["chat.postMessage"] = 1  # Slack posts it, the answer is lost on the way back
    elif fault == "http500":
        faulty.http500["chat.postMessage"] = 1  # Slack fails before posting
    else:
        faulty.fail["chat.postMessage"] = "ratelimited"  # 429 with Retry-After
    qrig.command("U1", channel="DU1")
    assert _shown(faulty, WELCOME) == 1
    assert not any(c.method in ("chat.postEphemeral", "response_url") for c in faulty.snapshot())


def test_a_silent_web_api_is_told_once_without_upstream_text_and_the_bot_recovers(
        qrig: QuickRig, faulty: FaultyStub) -> None:
    faulty.stall["chat.postMessage"] = 1.5  # no answer within the client's timeout, every time
    faulty.stall["conversations.history"] = 1.5
    qrig.command("U1", channel="DU1")
    notes = [c for c in faulty.snapshot() if c.method == "response_url"]
    assert len(notes) == 1
    text = notes[0].data.get("text", "")
    assert FAILED.split(".")[0] in text and "again" not in text.split("Type")[0]
    assert "Timeout" not in text and "error" not in text.lower()
    faulty.stall.clear()  # Slack answers again: the next command works, no restart
    before = len(faulty.posted)
    qrig.command("U1", "status", channel="DU1")
    assert len(faulty.posted) > before


def test_a_step_saved_before_slack_failed_is_not_asked_again(qrig: QuickRig, faulty: FaultyStub) -> None:
    faulty.fail["chat.postMessage"] = "internal_error"  # Slack answers ok:false every time
    qrig.command("U1", channel="DU1")
    notes = [c.data.get("text", "") for c in faulty.snapshot() if c.method == "response_url"]
    assert notes == [FAILED]
    assert "internal_error" not in notes[0]
    assert qrig.coach.export(qrig.coach_key("U1"))["cases"], "the step was saved"
