"""End to end over signed HTTP: forms open off the user queues, links in DM text, thread text, the moved note."""

from __future__ import annotations

import logging
import threading

import pytest

from exit_coach.adapters.slack import ids
from exit_coach.adapters.slack.deliver import MOVED
from tests.adapters.slack.conftest import TEAM, Rig
from tests.adapters.slack.test_conversation import walk

DETAILS = {"company": "Acme", "role": "Data Engineer", "contact": ""}
SIGNATURE = {"name": "Sam", "email": "sam@example.com", "phone": ""}
SCREENING = {"stage": "screening", "negotiable": "no", "reason": "other_offer", "recruiter": "no",
             "main_channel": "email", "door": "yes", "language": "en"}


def click_fill_in(rig: Rig, user: str) -> None:
    message, elements = rig.current(user)
    button = next(e for e in elements if e["action_id"].startswith(ids.FORM + "|"))
    assert rig.post_payload(rig.action_payload(user, message, button)).status == 200


def test_fill_in_opens_the_form_while_the_users_queue_is_busy(rig: Rig) -> None:
    rig.command("U1")
    busy, release = threading.Event(), threading.Event()

    def slow_step() -> None:  # stands in for a long step of this user (or of anyone sharing the shard)
        busy.set()
        release.wait(60)

    assert rig.bot is not None
    rig.bot.worker.submit(f"{TEAM}:U1", slow_step)
    assert busy.wait(5)
    try:
        click_fill_in(rig, "U1")
        # an ordering, not a speed: the modal opens while the user's queue is still blocked
        rig.stub.wait_for(lambda calls: any(c.method == "views.open" for c in calls), timeout=30)
    finally:
        release.set()
    rig.settle()
    view = rig.stub.of("views.open")[-1].field("view")
    assert ids.parse(view["callback_id"]).question == "details"


def test_a_failing_form_lookup_is_told_to_the_user_and_logged_by_code(rig: Rig, caplog: pytest.LogCaptureFixture,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    rig.command("U1")

    def broken(*args: object, **kw: object) -> None:
        raise RuntimeError("secret draft text of U1")

    monkeypatch.setattr(rig.coach, "current_form", broken)
    caplog.set_level(logging.DEBUG)
    click_fill_in(rig, "U1")
    rig.settle()
    assert not rig.stub.of("views.open")
    notes = [c for c in rig.stub.of("response_url") if "/actions/" in c.data["_path"]]
    assert notes and notes[-1].data["response_type"] == "ephemeral" and "Fill in again" in notes[-1].text_dump
    assert "RuntimeError" in caplog.text and "secret draft text" not in caplog.text


def test_a_link_in_dm_text_reaches_the_coach_as_what_the_user_typed(rig: Rig) -> None:
    rig.dm("U1", "<https://example.com/faq|faq>")
    assert rig.question("U1").question == "faq", "the core saw 'faq', not Slack's link markup"
    rig.dm("U2", "<mailto:help@example.com|help>")
    assert any("Commands that work at any point" in t for t in rig.texts("U2")), "mailto label → help"


def test_text_typed_in_a_case_thread_answers_that_case_not_the_active_one(rig: Rig) -> None:
    user = "U1"
    key = rig.coach_key(user)
    rig.command(user)
    forms = {"details": DETAILS, "signature": SIGNATURE}
    walk(rig, user, choices=SCREENING, forms=forms, revision=[], stop="rev")
    rig.command(user, "new")
    walk(rig, user, choices=SCREENING, forms={**forms, "details": {**DETAILS, "company": "Globex"}},
         revision=[], stop="rev")
    first, second = (c["id"] for c in rig.coach.export(key)["cases"])
    channel, _, root = rig.coach.thread(key, first).partition(":")
    assert channel == "DU1" and root
    before = len(rig.stub.snapshot())

    rig.dm(user, "sent", thread_ts=root)

    cases = {c["id"]: c for c in rig.coach.export(key)["cases"]}
    assert cases[first]["sent_at"], "the thread's case was marked as sent"
    assert not cases[second]["sent_at"], "not the active one"
    replies = [c for c in rig.stub.snapshot()[before:] if c.method == "chat.postMessage"]
    assert replies and any("Recorded: sent" in c.text_dump for c in replies)
    assert all(c.data.get("thread_ts") == root for c in replies), "answered in that thread"


def test_withdraw_in_the_bots_own_dm_after_a_restart_says_nothing_about_moving(rig: Rig) -> None:
    rig.dm("U1", "help")  # the DM is known to this process...
    rig.restart()  # ...and forgotten by the next one
    got = rig.command("U1", "help", channel="DU1")
    assert got.status == 200 and not got.body
    assert not any(MOVED in c.text_dump for c in rig.stub.snapshot()), "typed in the DM: no 'continue in DM' note"
    assert rig.stub.of("chat.postMessage")[-1].data["channel"] == "DU1"
    rig.command("U1", "help", channel="CPUBLIC")
    notes = [c for c in rig.stub.of("response_url") if MOVED in c.text_dump]
    assert len(notes) == 1 and notes[0].data["response_type"] == "ephemeral"
