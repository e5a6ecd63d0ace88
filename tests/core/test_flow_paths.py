"""Transcripts of whole conversations through the pure flow: every stage and every reason."""

from __future__ import annotations

import pytest

from exit_coach.flow.replies import ScheduleReminder, ShowChecklist
from exit_coach.flow.state import Phase
from exit_coach.model import Reason, Stage
from tests.core.conversation import SIGNATURE, Talk, answer_through

# The questions each stage asks, in order, with the answers this table gives.
STAGE_PATHS: dict[Stage, list[tuple[str, str]]] = {
    Stage.APPLIED: [  # no conversation yet: nothing to negotiate on
        ("stage", "applied"),
        ("reason", "other_offer"),
        ("recruiter", "no"),
        ("main_channel", "email"),
        ("door", "no"),
        ("language", "en"),
    ],
    Stage.SCREENING: [
        ("stage", "screening"),
        ("reason", "not_a_fit"),
        ("negotiable", "no"),
        ("recruiter", "no"),
        ("main_channel", "email"),
        ("door", "yes"),
        ("language", "en"),
    ],
    Stage.INTERVIEWING: [
        ("stage", "interviewing"),
        ("reason", "personal"),
        ("negotiable", "no"),
        ("recruiter", "no"),
        ("main_channel", "email"),
        ("door", "no"),
        ("language", "en"),
    ],
    Stage.FINAL: [  # another offer: better terms here change nothing, so it isn't asked
        ("stage", "final"),
        ("reason", "other_offer"),
        ("recruiter", "no"),
        ("rapport", "yes"),
        ("door", "yes"),
        ("language", "en"),
    ],
    Stage.OFFER: [
        ("stage", "offer"),
        ("reason", "compensation"),
        ("negotiable", "no"),
        ("recruiter", "no"),
        ("visa", "no"),
        ("door", "no"),
        ("language", "en"),
    ],
    Stage.ACCEPTED: [  # never "would you stay for better terms?" once accepted
        ("stage", "accepted"),
        ("reason", "relocation_visa"),
        ("recruiter", "no"),
        ("signed", "yes"),
        ("money", "both"),
        ("visa", "yes"),
        ("door", "no"),
        ("language", "en"),
    ],
}
EXPECTED_CHANNELS = {
    Stage.APPLIED: ("email",),
    Stage.SCREENING: ("email",),
    Stage.INTERVIEWING: ("email",),
    Stage.FINAL: ("phone", "email"),
    Stage.OFFER: ("phone", "email"),
    Stage.ACCEPTED: ("phone", "email"),
}


def _walk(talk: Talk, path: list[tuple[str, str]]) -> None:
    talk.start()
    assert talk.question == "details"
    talk.fill(company="Acme", role="Data Engineer", contact="Dana Reyes")
    for question, value in path:
        assert talk.question == question, f"expected to be asked {question!r}, was asked {talk.question!r}"
        talk.click(value)
    assert talk.question == "signature", "a first-time user is asked how they sign"
    talk.fill(**SIGNATURE)


@pytest.mark.parametrize("stage", list(STAGE_PATHS), ids=str)
def test_each_stage_asks_its_questions_then_plans_drafts_and_records_the_send(stage: Stage) -> None:
    talk = Talk()
    _walk(talk, STAGE_PATHS[stage])
    plan = talk.plan()
    assert plan.channels == EXPECTED_CHANNELS[stage]
    assert plan.action == "withdraw"
    assert talk.question == "plan"
    talk.click("draft")
    rev = talk.revision()
    assert rev.number == 1
    if "phone" in plan.channels:
        assert rev.draft.kind.value == "phone_script"
        talk.click("call_done")
        rev = talk.revision()
        assert rev.number == 2 and rev.draft.kind.value == "follow_up_email", "a call is confirmed in writing"
    else:
        assert rev.draft.kind.value == "email"
    assert "Acme" in rev.draft.body or "Acme" in rev.draft.subject
    talk.click("sent")
    assert talk.case.phase is Phase.SENT
    assert talk.case.sent_at is not None
    assert any("Sent draft" in e.text and "by email" in e.text for e in talk.case.log), "the send is logged"
    checklist = next(r for r in talk.replies if isinstance(r, ShowChecklist))
    ticked = {i.id for i in checklist.items if i.done}
    assert {"decide", "draft", "send_and_log"} <= ticked
    assert not any(isinstance(e, ScheduleReminder) for e in talk.effects), "no check-ins unless asked for"
    talk.click("checkins")
    kinds = {e.kind for e in talk.effects if isinstance(e, ScheduleReminder)}
    assert {"checkin_2w", "checkin_3m"} <= kinds, "opting in schedules the check-ins"
    assert talk.state.profile.checkins
    mobility = "checkin_mobility" in kinds
    assert mobility == (stage is Stage.ACCEPTED), "the six-month mobility check-in when visas drove it"


def test_no_response_needs_no_message_and_can_turn_into_applied() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    talk.click("no_response")
    plan = talk.plan()
    assert plan.action == "none" and plan.channels == ()
    assert "no action is needed" in " ".join(plan.reasoning)
    assert talk.question == "no_action"
    talk.click("reached_out")
    assert talk.question == "reason", "once they reach out it becomes an 'applied' case"
    assert talk.case.answers.stage is Stage.APPLIED


def test_no_response_can_be_closed() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    talk.click("no_response")
    talk.click("close")
    assert talk.state.cases[0].phase is Phase.CLOSED
    assert talk.state.active is None


@pytest.mark.parametrize("reason", list(Reason), ids=str)
def test_every_reason_reaches_a_linted_email_draft(reason: Reason) -> None:
    talk = Talk()
    answer_through(
        talk,
        stage="interviewing",
        negotiable="no",
        reason=reason.value,
        recruiter="no",
        main_channel="email",
        door="no",
    )
    talk.click("draft")
    rev = talk.revision()
    assert rev.draft.kind.value == "email"
    assert "withdraw" in rev.draft.body.lower()
    codes = {f.code for f in rev.findings}
    assert not codes, f"our own draft should lint clean, got {codes}"
    if reason is Reason.RED_FLAGS:
        assert "enjoy" not in rev.draft.body.lower()


def test_negotiation_path_first_then_withdraw_when_it_fails() -> None:
    talk = Talk()
    answer_through(talk, stage="offer", negotiable="yes", reason="compensation", recruiter="no", door="no")
    assert talk.plan().action == "negotiate"
    talk.click("draft")
    assert talk.revision().draft.kind.value == "negotiation_email"
    talk.click("sent")
    assert talk.case.phase is Phase.NEGOTIATING
    assert any(isinstance(e, ScheduleReminder) and e.kind == "negotiation_check" for e in talk.effects)
    talk.click("withdraw")
    assert talk.plan().action == "withdraw"
    assert talk.plan().channels == ("phone", "email")


def test_negotiation_that_works_closes_the_case_as_stayed() -> None:
    talk = Talk()
    answer_through(
        talk, stage="final", negotiable="yes", reason="compensation", recruiter="no", rapport="no", door="no"
    )
    talk.click("draft")
    talk.click("sent")
    talk.click("stayed")
    assert talk.state.cases[0].phase is Phase.STAYED


def test_withdraw_instead_of_negotiating() -> None:
    talk = Talk()
    answer_through(talk, stage="offer", negotiable="yes", reason="compensation", recruiter="no", door="no")
    assert talk.plan().action == "negotiate"
    talk.click("withdraw")
    assert talk.plan().action == "withdraw"


@pytest.mark.parametrize(
    ("stage", "reason"),
    [("accepted", "compensation"), ("offer", "other_offer"), ("interviewing", "red_flags"), ("applied", "personal")],
)
def test_would_you_stay_for_better_terms_is_asked_only_where_negotiation_fits(stage: str, reason: str) -> None:
    """Article rule: negotiate before accepting, when terms can fix it; not for red flags or another offer,
    never at accepted, not before any conversation (issue 7, point 1)."""
    talk = Talk()
    answers = dict(stage=stage, reason=reason, recruiter="no", main_channel="email", signed="no", money="none",
                   door="no")
    answer_through(talk, **answers)
    assert "negotiable" not in talk.case.asked
    assert talk.plan().action == "withdraw"


def test_the_reason_is_asked_before_would_you_stay() -> None:
    talk = Talk()
    answer_through(talk, stage="interviewing", reason="compensation", negotiable="yes", recruiter="no",
                   main_channel="email", door="no")
    asked = list(talk.case.asked)
    assert asked.index("reason") < asked.index("negotiable")
    plan = talk.plan()
    assert plan.action == "negotiate"
    assert not any(line.done for line in plan.checklist), "nothing pre-ticked on a negotiation"


def test_recruiter_relays_by_default_and_the_case_is_done_when_they_are_told() -> None:
    """Article rule: inform the recruiter first and let them relay (issue 7, point 3)."""
    talk = Talk()
    answer_through(
        talk, stage="offer", reason="other_offer", recruiter="yes", relay="relay", door="no"
    )
    assert talk.plan().channels == ("recruiter",)
    talk.click("draft")
    rev = talk.revision()
    assert rev.draft.kind.value == "recruiter_note"
    assert rev.draft.body.startswith("Hi Priya,"), "the note greets the recruiter by first name"
    assert "also contact" not in rev.draft.body and "tell me once it has reached them" in rev.draft.body
    talk.click("sent")
    assert talk.case.phase is Phase.SENT, "done once the recruiter is told"
    assert "confirmed it reached the hiring team" in talk.texts()
    checklist = next(r for r in talk.replies if isinstance(r, ShowChecklist))
    assert "recruiter_confirmed" in {i.id for i in checklist.items if not i.done}, "a follow-up check to tick"


def test_recruiter_is_told_first_then_the_employer_when_the_user_chooses_to_contact_them_too() -> None:
    talk = Talk()
    answer_through(
        talk, stage="screening", negotiable="no", reason="other_offer", recruiter="yes", relay="direct",
        main_channel="email", door="no",
    )
    assert talk.plan().channels == ("recruiter", "email")
    talk.click("draft")
    assert talk.revision().draft.kind.value == "recruiter_note"
    assert talk.revision().draft.body.startswith("Hi Priya,"), "the note greets the recruiter"
    assert "I'll also contact them myself" in talk.revision().draft.body
    talk.click("sent")
    assert "tell_people" in talk.case.done
    assert talk.revision().draft.kind.value == "email", "then the message to the employer"
    assert talk.revision().draft.body.startswith("Dear Dana Reyes,"), "which greets the employer's contact"
    talk.click("sent")
    assert talk.case.phase is Phase.SENT


def test_recruiter_then_call_then_confirming_email_when_rescinding() -> None:
    talk = Talk()
    answer_through(talk, stage="accepted", reason="personal", recruiter="yes", relay="direct", signed="yes",
                   money="none", visa="yes", door="no")
    assert talk.plan().channels == ("recruiter", "phone", "email")
    talk.click("draft")
    assert talk.revision().draft.kind.value == "recruiter_note"
    talk.click("sent")
    assert talk.revision().draft.kind.value == "phone_script"
    assert "heard from my recruiter" in talk.revision().draft.body, "the call doesn't pretend they haven't heard"
    assert "Next, the call to the employer" in talk.texts()
    talk.click("call_done")
    assert talk.revision().draft.kind.value == "follow_up_email"
    talk.click("sent")
    assert talk.case.phase is Phase.SENT
    assert {"tell_people", "call", "confirm_in_writing", "send_and_log"} <= set(talk.case.done)


def test_linkedin_is_offered_early_when_informal() -> None:
    talk = Talk()
    answer_through(
        talk,
        stage="screening",
        negotiable="no",
        reason="not_a_fit",
        recruiter="no",
        main_channel="linkedin",
        informal="yes",
        door="no",
    )
    assert talk.plan().channels == ("linkedin", "email")


def test_accepted_asks_about_signed_money_and_visa_and_plans_accordingly() -> None:
    talk = Talk()
    answer_through(
        talk,
        stage="accepted",
        negotiable="no",
        reason="personal",
        recruiter="no",
        signed="yes",
        money="bonus",
        visa="yes",
        door="no",
    )
    ids = {line.id for line in talk.plan().checklist}
    assert {"review_signed", "apologize", "repayment", "visa_notice"} <= ids
    nudge = [e for e in talk.effects if isinstance(e, ScheduleReminder) and e.kind == "nudge_send"]
    assert nudge and (nudge[0].due - talk.now).total_seconds() <= 24 * 3600, "accepted: nudged within a day"


def test_signature_is_asked_once_and_reused() -> None:
    talk = Talk()
    answer_through(
        talk, stage="screening", negotiable="no", reason="personal", recruiter="no", main_channel="email", door="no"
    )
    talk.start(new=True)
    talk.fill(company="Globex", role="Analyst")
    for q, v in [
        ("stage", "screening"),
        ("reason", "personal"),
        ("negotiable", "no"),
        ("recruiter", "no"),
        ("main_channel", "email"),
        ("door", "no"),
        ("language", "en"),
    ]:
        assert talk.question == q
        talk.click(v)
    assert talk.question == "plan", "the signature was not asked again"
    talk.click("draft")
    assert "Sam Lee" in talk.revision().draft.body


RESCINDING = dict(
    stage="accepted",
    negotiable="no",
    reason="personal",
    recruiter="no",
    signed="no",
    money="none",
    visa="no",
    door="no",
)


@pytest.mark.parametrize("help_url", ["https://community.example/coach", None])
def test_help_link_is_suggested_only_when_configured(help_url: str | None) -> None:
    talk = Talk(help_url=help_url)
    answer_through(talk, **RESCINDING)
    assert talk.plan().help_url == help_url
    if help_url:
        assert "rescinding an accepted offer" in " ".join(talk.plan().help_reasons)


OFFER_VIA_RECRUITER = dict(stage="offer", reason="other_offer", recruiter="yes", relay="direct", door="no")


def test_telling_the_team_too_goes_through_the_call_and_its_confirmation() -> None:
    talk = Talk()
    answer_through(talk, **OFFER_VIA_RECRUITER)
    talk.click("draft")
    talk.click("sent")
    assert talk.revision().draft.kind.value == "phone_script"
    talk.click("call_done")
    assert talk.revision().draft.kind.value == "follow_up_email"


def test_a_logged_call_counts_as_telling_them() -> None:
    talk = Talk()
    answer_through(talk, stage="final", negotiable="no", reason="other_offer", recruiter="no", rapport="yes",
                   door="no")
    talk.click("draft")
    talk.click("call_done")
    assert talk.case.sent_at is not None
    before = talk.case
    talk.say("restart")
    assert talk.case == before
    talk.say("back")
    assert "can't undo" in talk.texts() and talk.case == before


def test_a_call_already_made_is_not_drafted_again_after_a_switch() -> None:
    talk = Talk()
    answer_through(talk, **OFFER_VIA_RECRUITER)
    talk.click("draft")
    talk.click("switch")
    talk.click("phone")
    talk.click("call_done")
    talk.click("switch")
    talk.click("recruiter")
    talk.click("sent")
    assert talk.revision().draft.kind.value == "follow_up_email", "the call is skipped: it was made"


def test_back_after_something_went_out_changes_nothing() -> None:
    talk = Talk()
    answer_through(talk, **OFFER_VIA_RECRUITER)
    talk.click("draft")
    talk.click("sent")
    before = talk.state
    talk.say("back")
    assert "can't undo" in talk.texts()
    assert talk.state == before


def test_late_withdrawals_count_sends_not_negotiations() -> None:
    from exit_coach.flow.state import late_withdrawals

    talk = Talk()
    answer_through(talk, stage="offer", negotiable="yes", reason="compensation", recruiter="no", door="no")
    talk.click("draft")
    talk.click("sent")  # the negotiation email
    talk.click("stayed")
    assert late_withdrawals(talk.state) == 0, "a negotiation that worked is no withdrawal"
    talk.start(new=True)
    talk.fill(company="Globex", role="Engineer", contact="Dana Reyes")
    for q, v in [("stage", "offer"), ("reason", "other_offer"), ("recruiter", "no"), ("visa", "no"),
                 ("door", "no"), ("language", "en")]:
        assert talk.question == q
        talk.click(v)
    talk.click("draft")
    talk.click("call_done")
    assert late_withdrawals(talk.state) == 1, "telling them by phone at the offer stage counts"
