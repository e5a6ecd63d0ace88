"""The issue 7 review's defects, through whole conversations: each test names the article rule it follows and
fails on the behaviour the reviewer found."""

from __future__ import annotations

from exit_coach.flow.questions import Problem, checked_signature
from exit_coach.flow.replies import Ask
from exit_coach.model import Signature
from tests.core.conversation import QUIET_DEFAULTS, SIGNATURE, Talk


def asked(talk: Talk, **answers: str) -> list[str]:
    """Answer the roadmap questions like `answer_through`, returning the ids of the questions asked."""
    talk.start()
    talk.fill(company="Acme", role="Data Engineer", contact="Dana Reyes")
    seen: list[str] = []
    for _ in range(20):
        q = talk.question
        if q in (None, "plan", "no_action"):
            return seen
        seen.append(q)
        if q == "signature":
            talk.fill(**SIGNATURE)
        elif q == "recruiter_name":
            talk.fill(recruiter="Priya Raman")
        else:
            value = answers.get(q, QUIET_DEFAULTS.get(q))
            assert value is not None, f"unexpected question {q!r}"
            talk.click(value)
    raise AssertionError("the questions never ended")


def test_rescinding_through_a_recruiter_never_asks_to_let_the_recruiter_relay_and_plans_the_call() -> None:
    """Article rule (rescinding): "notify the employer immediately by phone, then follow up in writing" — the
    recruiter relay question is not asked once accepted, and the plan is recruiter, call, email (defect 2)."""
    talk = Talk()
    questions = asked(
        talk, stage="accepted", reason="other_offer", recruiter="yes", signed="no", money="bonus", visa="yes",
        door="no",
    )
    assert "relay" not in questions
    assert talk.plan().channels == ("recruiter", "phone", "email")
    talk.click("draft")
    assert "call them myself" in talk.revision().draft.body
    talk.click("sent")
    assert talk.revision().draft.kind.value == "phone_script", "the call to the employer comes next"


def test_when_the_recruiter_relays_how_you_talked_to_the_employer_is_not_asked() -> None:
    """Article rule: through a recruiter, let them relay — the employer channel then changes nothing, so
    "How have you mostly been in touch?" isn't asked; it is when the user contacts the team too (defect 8)."""
    relaying = asked(Talk(), stage="screening", reason="other_offer", recruiter="yes", relay="relay", door="no")
    assert "relay" in relaying and "main_channel" not in relaying
    direct = asked(
        Talk(), stage="screening", reason="other_offer", recruiter="yes", relay="direct", main_channel="email",
        door="no",
    )
    assert "main_channel" in direct


def _switch_options(**answers: str) -> dict[str, str]:
    talk = Talk()
    asked(talk, **answers)
    talk.click("draft")
    talk.click("switch")
    shown = talk.last
    assert isinstance(shown, Ask)
    return {o.value: o.label for o in shown.options}


def test_switch_channel_offers_linkedin_only_when_it_was_the_main_informal_channel() -> None:
    """Article rule: "LinkedIn message: acceptable only if LinkedIn has been your main channel and the
    relationship is informal"; the button reads "LinkedIn" (defect 3)."""
    by_phone = _switch_options(
        stage="screening", reason="red_flags", recruiter="yes", relay="direct", main_channel="phone", door="no"
    )
    assert "linkedin" not in by_phone and "email" in by_phone
    formal = _switch_options(
        stage="screening", reason="red_flags", recruiter="no", main_channel="linkedin", informal="no", door="no"
    )
    assert "linkedin" not in formal
    informal = _switch_options(
        stage="screening", reason="not_a_fit", negotiable="no", recruiter="no", main_channel="linkedin",
        informal="yes", door="no",
    )
    assert informal.get("email") == "Email"
    talk = Talk()
    asked(talk, stage="screening", reason="not_a_fit", negotiable="no", recruiter="no", main_channel="linkedin",
          informal="yes", door="no")
    talk.click("draft")
    talk.click("switch")
    talk.click("email")
    talk.click("switch")
    back = talk.last
    assert isinstance(back, Ask) and ("linkedin", "LinkedIn") in {(o.value, o.label) for o in back.options}


def test_an_edit_that_drops_the_withdrawal_and_the_goodbye_ticks_neither_step() -> None:
    """Article roadmap: "draft a brief message: thank them, state withdrawal…" and "offer a referral or stay
    connected" are done only if what was sent does it, not because the draft settings said so (defect 5)."""
    talk = Talk()
    asked(talk, stage="screening", reason="not_a_fit", negotiable="no", recruiter="no", main_channel="email",
          door="yes")
    talk.click("draft")
    talk.click("edit")
    talk.fill(body="Dear Dana,\n\nThank you for your time and the conversations.\n\nSam Lee\nsam@example.com")
    talk.click("sent")
    talk.click("anyway")
    assert talk.case.sent_at is not None
    assert "draft" not in talk.case.done and "stay_connected" not in talk.case.done
    assert "send_and_log" in talk.case.done


def test_the_unedited_draft_with_the_door_open_ticks_both_steps() -> None:
    """Article roadmap: our draft thanks, withdraws and offers to stay in touch, so sending it ticks those."""
    talk = Talk()
    asked(talk, stage="screening", reason="not_a_fit", negotiable="no", recruiter="no", main_channel="email",
          door="yes")
    talk.click("draft")
    talk.click("sent")
    assert {"draft", "stay_connected"} <= set(talk.case.done)


def test_a_bare_number_is_refused_as_the_signature_name() -> None:
    """Article: "make sure your signature includes your email and phone number so they can follow up" — and
    a name they can address; "1" is not one."""
    got = checked_signature({"name": "1", "email": "sam@example.com", "phone": ""})
    assert isinstance(got, Problem) and "name" in got.message
    assert checked_signature({"name": "Sam Lee", "email": "sam@example.com", "phone": ""}) == Signature(
        "Sam Lee", "sam@example.com", ""
    )
