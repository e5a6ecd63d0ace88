"""Issue 7 through whole conversations: the answers change the plan, the controls change the draft, and nothing
flawed is sent by accident. Each test names the article rule it follows."""

from __future__ import annotations

import itertools

import pytest

from exit_coach.flow.replies import Ask, ScheduleReminder, ShowRevision
from exit_coach.flow.texts import FAQ
from exit_coach.flow.view import restyle_options
from exit_coach.model import Reason, Stage
from tests.core.conversation import Talk, answer_through

SCREENING = dict(stage="screening", reason="not_a_fit", negotiable="no", recruiter="no", main_channel="email",
                 door="no")


def _draft(**answers: str) -> Talk:
    talk = Talk()
    answer_through(talk, **answers)
    talk.click("draft")
    return talk


def _edit(talk: Talk, body: str) -> None:
    talk.click("edit")
    talk.fill(body=body)


# --- point 6: nothing flawed is sent by accident -------------------------------------------------

FLAWED = {
    "placeholder": "Dear [Name],\n\nThank you for your time. I'm withdrawing my application."
    "\n\nSam Lee\nsam@example.com",
    "no_withdrawal": "Dear Dana,\n\nThank you for your time and the conversations.\n\nSam Lee\nsam@example.com",
    "negative": "Dear Dana,\n\nThank you. The process was disorganized, so I'm withdrawing my application."
    "\n\nSam Lee\nsam@example.com",
}


@pytest.mark.parametrize("code", list(FLAWED))
def test_mark_as_sent_on_a_flawed_draft_asks_once_and_records_it_was_sent_anyway(code: str) -> None:
    """Article rule: review before sending — a placeholder, criticism or no clear withdrawal asks for one
    confirmation, and the log says it went out anyway (issue 7, point 6)."""
    talk = _draft(**SCREENING)
    _edit(talk, FLAWED[code])
    assert code in {f.code for f in talk.revision().findings}
    talk.click("sent")
    assert talk.case.sent_at is None, "not recorded yet"
    shown = talk.last
    assert isinstance(shown, Ask) and {o.value for o in shown.options} == {"back", "anyway"}
    talk.click("anyway")
    assert talk.case.sent_at is not None
    assert any(f"anyway, despite: {code}" in entry.text for entry in talk.case.log)


def test_back_to_the_draft_sends_nothing() -> None:
    talk = _draft(**SCREENING)
    _edit(talk, FLAWED["placeholder"])
    talk.click("sent")
    talk.click("back")
    assert isinstance(talk.last, ShowRevision) and talk.case.sent_at is None
    assert talk.question == f"rev:{talk.case.latest.number}"


def test_a_clean_draft_is_sent_without_a_question() -> None:
    talk = _draft(**SCREENING)
    assert not {"placeholder", "negative", "no_withdrawal"} & {f.code for f in talk.revision().findings}
    talk.click("sent")
    assert talk.case.sent_at is not None


def test_the_relay_follow_up_check_comes_until_the_recruiter_confirmed() -> None:
    """Article rule: tell the recruiter first and let them relay; the follow-up is checking it reached the team
    (issue 7, point 3)."""
    talk = _draft(stage="interviewing", reason="personal", negotiable="no", recruiter="yes", relay="relay",
                  main_channel="email", door="no")
    talk.click("sent")
    checks = [e for e in talk.effects if isinstance(e, ScheduleReminder) and e.kind == "relay_check"]
    assert checks and (checks[0].due - talk.now).days >= 1
    talk.due("relay_check", talk.case.id)
    assert "confirm your news reached the hiring team" in talk.texts()
    talk.click("tick:recruiter_confirmed")
    talk.due("relay_check", talk.case.id)
    assert talk.replies == (), "silent once they confirmed"


# --- point 7: every control changes the draft as labelled ----------------------------------------

STAGE_ANSWERS = {
    "applied": dict(main_channel="email"),
    "screening": dict(main_channel="phone"),
    "interviewing": dict(main_channel="linkedin", informal="yes"),
    "final": dict(rapport="yes"),
    "offer": dict(),
    "accepted": dict(signed="no", money="both"),
}


@pytest.mark.parametrize(
    ("stage", "reason", "door"), list(itertools.product(STAGE_ANSWERS, ["other_offer", "red_flags", "personal"],
                                                         ["no", "yes"]))
)
def test_every_offered_control_changes_every_draft_of_the_plan(stage: str, reason: str, door: str) -> None:
    """Article rule: adjust tone and length to the relationship — a button that cannot change this draft is not
    offered (issue 7, point 7)."""
    talk = _draft(stage=stage, reason=reason, negotiable="no", recruiter="yes", relay="direct", door=door,
                  **STAGE_ANSWERS[stage])
    for _ in range(4):  # the recruiter note, then the drafts that follow it
        rev = talk.revision()
        for option in restyle_options(talk.case, talk.case.latest):
            before = talk.case.latest.body
            talk.click(option.value)
            assert talk.case.latest.body != before, f"{option.label} changed nothing:\n{before}"
            talk.click(option.value)  # and back
        if rev.draft.kind.value == "phone_script":
            talk.click("call_done")
        else:
            talk.click("sent")
            if isinstance(talk.last, Ask) and talk.question.startswith("confirm_send"):
                talk.click("anyway")
        if not isinstance(talk.last, ShowRevision) and talk.case.phase.value == "sent":
            break


# --- point 4: visas and relocation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        (dict(stage="screening", reason="relocation_visa", negotiable="no", main_channel="email"), True),
        (dict(stage="screening", reason="other_offer", main_channel="email"), False),
        (dict(stage="offer", reason="other_offer"), True),
        (dict(stage="accepted", reason="personal", signed="no", money="none"), True),
    ],
)
def test_visa_and_relocation_are_asked_whenever_they_matter(answers: dict[str, str], asked: bool) -> None:
    """Article rule ("For Global Professionals"): whenever the reason is relocation/visa, and at offer and
    accepted (issue 7, point 4)."""
    talk = Talk()
    answer_through(talk, recruiter="no", door="no", visa="yes", **answers)
    assert ("visa" in talk.case.asked) is asked
    ids = {line.id for line in talk.plan().checklist}
    assert ("visa_notice" in ids) is asked, "a started petition changes the plan at any stage"


def test_human_help_is_suggested_when_relocation_drives_the_decision() -> None:
    talk = Talk(help_url="https://community.example/coach")
    answer_through(talk, stage="interviewing", reason="relocation_visa", negotiable="no", recruiter="no",
                   main_channel="email", visa="no", door="no")
    assert any("visas and relocation" in reason for reason in talk.plan().help_reasons)


@pytest.mark.parametrize(("reason", "mobility"), [("relocation_visa", True), ("personal", False)])
def test_the_mobility_check_in_only_when_mobility_drove_the_decision(reason: str, mobility: bool) -> None:
    """Article rule ("Longer-Term Strategy"): a mobility-first roadmap if the withdrawal was driven by mobility —
    not merely because the employer had started visa steps (issue 7, point 4)."""
    talk = _draft(stage="accepted", reason=reason, recruiter="no", signed="no", money="none", visa="yes", door="no")
    talk.click("call_done")
    talk.click("sent")
    talk.click("checkins")
    kinds = {e.kind for e in talk.effects if isinstance(e, ScheduleReminder)}
    assert ("checkin_mobility" in kinds) is mobility
    talk.click("reentry")
    assert ("mobility-first" in talk.texts()) is mobility


# --- point 8: what the article has ----------------------------------------------------------------


def test_after_leaving_for_another_offer_the_two_week_step_finalises_the_transition() -> None:
    """Article rule ("Immediate Actions (First Two Weeks)"): if you withdrew for a different offer, finalise the
    transition (issue 7, point 8)."""
    talk = _draft(stage="interviewing", reason="other_offer", recruiter="no", main_channel="email", door="no")
    talk.click("sent")
    talk.click("reentry")
    two_weeks = next(line for line in talk.texts().splitlines() if "Within two weeks" in line)
    assert "finalise that transition" in two_weeks
    talk.click("checkins")
    talk.now = talk.now.replace(year=talk.now.year + 1)
    talk.due("checkin_2w", talk.case.id)
    assert "finalised the move to your new role" in talk.texts()


def test_another_reason_has_no_transition_to_finalise() -> None:
    talk = _draft(**SCREENING)
    talk.click("sent")
    talk.click("reentry")
    assert "transition" not in talk.texts()


def test_the_faq_says_never_to_criticise_the_employer_in_public() -> None:
    """Article rule ("Poor patterns to avoid"): public criticism on social sites (issue 7, point 8)."""
    entry = next(e for e in FAQ if e.key == "public")
    assert "public" in entry.answer and "privately" in entry.answer and "recruiter" in entry.answer


# --- point 9: the answers change the plan, or the question goes ----------------------------------


@pytest.mark.parametrize("stage", ["applied", "screening", "interviewing"])
def test_phone_is_offered_as_the_main_channel_only_where_it_changes_the_plan(stage: str) -> None:
    """Article rule: email when you've been communicating mostly in writing; a call for a phone relationship
    between rounds (issue 7, point 9)."""
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst", contact="Dana")
    talk.click(stage)
    talk.click("other_offer")
    talk.click("no")  # no recruiter
    assert talk.question == "main_channel"
    offered = {o.value for o in talk.last.options}
    assert ("phone" in offered) is (stage != "applied")
    if stage != "applied":
        by_phone = Talk()
        answer_through(by_phone, stage=stage, reason="other_offer", recruiter="no", main_channel="phone", door="no")
        assert by_phone.plan().channels == ("phone", "email")


def test_restyle_options_never_offer_warmer_for_red_flags() -> None:
    talk = _draft(stage="interviewing", reason="red_flags", recruiter="no", main_channel="email", door="no")
    assert "warmer" not in {o.value for o in restyle_options(talk.case, talk.case.latest)}
    assert Reason.RED_FLAGS.value == talk.case.answers.reason.value
    assert talk.case.answers.stage is Stage.INTERVIEWING


def test_a_negotiation_without_a_recruiter_offers_no_switch_it_could_not_use() -> None:
    """A control that cannot change this draft is not offered (issue 7, point 7): a negotiation is asked for
    in writing, so with no recruiter there is nowhere to switch it to."""
    talk = _draft(stage="offer", reason="compensation", negotiable="yes", recruiter="no", door="no")
    assert talk.revision().draft.kind.value == "negotiation_email"
    assert "switch" not in {a.value for a in talk.revision().actions}
    via = _draft(stage="offer", reason="compensation", negotiable="yes", recruiter="yes", door="no")
    via.click("switch")
    assert {o.value for o in via.last.options} == {"email", "keep"}
