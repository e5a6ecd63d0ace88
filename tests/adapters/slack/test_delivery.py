"""Security and delivery over signed HTTP: signatures, retries, double clicks, foreign clicks, restarts, failures."""

from __future__ import annotations

import json
import time

import pytest

from exit_coach.adapters.slack import ids
from exit_coach.service import UnknownUser
from tests.adapters.slack.conftest import Rig, sign

DETAILS = {"company": "Acme", "role": "Data Engineer", "contact": ""}


def to_stage_question(rig: Rig, user: str = "U1") -> None:
    rig.command(user)
    rig.fill(user, DETAILS)
    assert rig.question(user).question == "stage"


def count_texts(rig: Rig, user: str, needle: str) -> int:
    return sum(needle in t for t in rig.texts(user))


def test_healthz_and_unknown_paths(rig: Rig) -> None:
    assert rig.get("/healthz").status == 200
    assert rig.get("/nope").status == 404


@pytest.mark.parametrize("problem", ["bad_signature", "stale_timestamp"])
def test_unsigned_or_stale_requests_are_refused_and_change_nothing(rig: Rig, problem: str) -> None:
    body = b"command=%2Fwithdraw&text=&user_id=U1&team_id=T1&channel_id=C1&trigger_id=t1"
    headers = {}
    timestamp = None
    if problem == "bad_signature":
        headers["X-Slack-Signature"] = sign(body, str(int(time.time())), "wrong-secret")
    else:
        timestamp = str(int(time.time()) - 600)
    got = rig.post(body, "application/x-www-form-urlencoded", headers=headers, timestamp=timestamp)
    assert got.status == 401
    rig.settle()
    assert [c.method for c in rig.stub.snapshot()] == ["auth.test"]
    with pytest.raises(UnknownUser):
        rig.coach.export(rig.coach_key("U1"))


def test_a_retried_event_is_answered_once(rig: Rig) -> None:
    rig.dm("U1", "help", event_id="EvSAME")
    before = len(rig.stub.of("chat.postMessage"))
    assert before >= 1
    got = rig.dm("U1", "help", event_id="EvSAME", headers={"X-Slack-Retry-Num": "1",
                                                           "X-Slack-Retry-Reason": "http_timeout"})
    assert got.status == 200
    assert len(rig.stub.of("chat.postMessage")) == before


def test_a_double_click_takes_effect_once(rig: Rig) -> None:
    to_stage_question(rig)
    payload = rig.click("U1", "screening")
    after_first = len(rig.stub.snapshot())
    assert rig.question("U1").question == "reason"
    assert rig.post_payload(payload).status == 200
    rig.settle()
    assert len(rig.stub.snapshot()) == after_first
    assert count_texts(rig, "U1", "What's the main reason") == 1


def test_another_users_click_is_refused_ephemerally(rig: Rig) -> None:
    to_stage_question(rig, "U1")
    rig.click("U1", "offer", as_user="U2")
    notes = [c for c in rig.stub.of("chat.postEphemeral") if c.data.get("user") == "U2"]
    assert notes and any("someone else" in c.text_dump for c in notes)
    assert all(c.data["channel"] == "DU1" for c in notes), "answered where U2 clicked, only to U2"
    assert not [c for c in rig.stub.of("chat.postMessage") if c.data["channel"] == "DU2"]
    assert rig.question("U1").question == "stage", "the owner's case did not move"
    case = rig.coach.export(rig.coach_key("U1"))["cases"][0]
    assert case["answers"]["stage"] is None


def test_another_users_fill_in_click_opens_no_form(rig: Rig) -> None:
    rig.command("U1")
    message, elements = rig.current("U1")
    button = next(e for e in elements if e["action_id"].startswith(ids.FORM + "|"))
    opened = len(rig.stub.of("views.open"))
    assert rig.post_payload(rig.action_payload("U2", message, button)).status == 200
    rig.settle()
    assert len(rig.stub.of("views.open")) == opened, "no modal with U1's details for U2"
    notes = rig.stub.of("response_url")  # the click's own response_url answers only the clicker
    assert notes and notes[-1].data.get("response_type") == "ephemeral"
    assert "someone else" in notes[-1].text_dump


def test_a_restart_between_two_clicks_continues(rig: Rig) -> None:
    to_stage_question(rig)
    rig.restart()
    rig.click("U1", "screening")
    assert rig.question("U1").question == "reason"
    rig.restart()
    rig.click("U1", "compensation")
    assert rig.question("U1").question == "negotiable"
    assert not any("earlier step" in t for t in rig.texts("U1"))


def test_an_old_button_after_a_restart_gets_a_clear_answer(rig: Rig) -> None:
    to_stage_question(rig)
    message, elements = rig.current("U1")
    rig.click("U1", "screening")
    rig.restart()
    stale = rig.action_payload("U1", message, next(e for e in elements if e["type"] == "static_select"),
                               {"text": {"type": "plain_text", "text": "x"}, "value": "offer"})
    rig.post_payload(stale)
    rig.settle()
    assert any("earlier step" in t for t in rig.texts("U1"))
    assert rig.question("U1").question == "reason"


def test_slash_command_in_a_channel_answers_ephemerally_and_continues_in_the_dm(rig: Rig) -> None:
    got = rig.command("U1", "help", channel="CPUBLIC")
    assert got.status == 200
    notes = rig.stub.of("response_url")
    assert [n.data["response_type"] for n in notes] == ["ephemeral"] and "direct messages" in notes[0].text_dump
    posts = rig.stub.of("chat.postMessage")
    assert posts and {c.data["channel"] for c in posts} == {"DU1"}
    assert not [c for c in rig.stub.snapshot() if c.data.get("channel") == "CPUBLIC"]


def test_dm_text_and_global_commands(rig: Rig) -> None:
    rig.dm("U1", "faq")
    assert rig.question("U1").question == "faq"
    rig.dm("U1", "1")
    assert len(rig.stub.of("chat.postMessage")) >= 2


def test_modal_fields_are_checked_inline(rig: Rig) -> None:
    rig.command("U1")
    got = rig.fill("U1", {"company": "", "role": "Engineer"})
    assert got.status == 200
    assert got.json() == {"response_action": "errors", "errors": {"company": "Please fill this in."}}
    assert rig.question("U1").question == "details"


def test_dm_blocked_is_told_where_the_user_typed(rig: Rig) -> None:
    rig.stub.fail["conversations.open"] = "cannot_dm_bot"
    rig.command("U1", "", channel="C9")
    notes = rig.stub.of("response_url")
    assert notes and "direct message" in notes[-1].text_dump
    assert notes[-1].data["response_type"] == "ephemeral"


def test_a_failed_post_is_not_dropped_silently(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    rig.stub.fail["chat.postMessage"] = "channel_not_found"
    rig.command("U1", "", channel="C9")
    assert rig.stub.of("response_url"), "the user hears about it"
    assert "channel_not_found" in caplog.text


def test_rate_limits_are_retried(rig: Rig) -> None:
    rig.stub.fail["chat.postMessage"] = "ratelimited"
    rig.dm("U1", "help")
    methods = [c.method for c in rig.stub.snapshot()]
    assert methods.count("chat.postMessage") >= 2
    assert not rig.stub.of("response_url")


def test_home_tab_lists_cases_and_checklists(rig: Rig) -> None:
    rig.home("U0")
    empty = rig.stub.of("views.publish")[-1]
    assert "No cases yet" in empty.text_dump
    to_stage_question(rig, "U1")
    rig.click("U1", "offer")
    rig.home("U1")
    view = rig.stub.of("views.publish")[-1]
    assert view.data["user_id"] == "U1"
    dump = json.dumps(view.data["view"], ensure_ascii=False)
    assert "Acme — Data Engineer" in dump and "Offer received" in dump and "Checklist: 0 of" in dump


def test_forget_removes_the_thread_links_too(rig: Rig) -> None:
    to_stage_question(rig)
    key = rig.coach_key("U1")
    case_id = rig.coach.export(key)["cases"][0]["id"]
    assert rig.coach.thread(key, case_id), "the case's first message rooted its DM thread"
    rig.dm("U1", "forget")
    rig.click("U1", "yes")
    with pytest.raises(UnknownUser):
        rig.coach.export(key)
    assert rig.coach.thread(key, case_id) is None, "no trace of where the case lived in Slack"
