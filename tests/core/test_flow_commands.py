"""Transcripts for the global commands, revisions, stale or foreign clicks and bad input."""

from __future__ import annotations

import pytest

from exit_coach.flow.events import Choose, SubmitForm, Text
from exit_coach.flow.replies import Ask, AskForm, ExportData, ForgetUser, Say, ShowRevision
from exit_coach.flow.state import Phase
from tests.core.conversation import Talk, answer_through

SCREENING = dict(
    stage="screening", negotiable="no", reason="other_offer", recruiter="no", main_channel="email", door="no"
)


def _drafting() -> Talk:
    talk = Talk()
    answer_through(talk, **SCREENING)
    talk.click("draft")
    return talk


def test_help_lists_the_commands_and_repeats_the_question() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    talk.say("help")
    assert "back" in talk.texts() and "forget" in talk.texts()
    assert talk.question == "stage", "help does not lose your place"


def test_back_goes_back_exactly_one_question() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    talk.click("screening")
    talk.click("compensation")
    assert talk.question == "negotiable"
    talk.say("back")
    assert talk.question == "reason"
    talk.say("back")
    assert talk.question == "stage"
    talk.say("back")
    assert talk.question == "details"
    talk.say("back")
    assert "first question" in talk.texts()


def test_back_from_a_draft_returns_to_the_plan_and_keeps_revisions() -> None:
    talk = _drafting()
    talk.say("back")
    assert talk.question == "plan"
    assert len(talk.case.revisions) == 1


def test_back_cannot_unsend() -> None:
    talk = _drafting()
    talk.click("sent")
    talk.say("back")
    assert "can't undo" in talk.texts()
    assert talk.case.phase is Phase.SENT


def test_cancel_closes_the_case_but_keeps_the_record() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    talk.say("cancel")
    assert talk.state.active is None
    assert talk.state.cases[0].phase is Phase.CANCELLED
    assert "Cancelled Acme" in talk.texts()


def test_restart_starts_the_case_over_with_the_same_company() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    talk.click("offer")
    talk.say("restart")
    assert talk.question == "details"
    assert talk.case.answers.stage is None
    form = talk.last
    assert isinstance(form, AskForm) and form.fields[0].initial == "Acme"


def test_status_says_where_the_case_stands() -> None:
    talk = _drafting()
    talk.say("status")
    assert "Acme" in talk.texts() and "drafting" in talk.texts()
    assert "revision 1" in talk.texts()


def test_cases_lists_and_switches_between_cases() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    talk.start(new=True)
    talk.fill(company="Globex", role="Engineer")
    talk.say("cases")
    ask = talk.last
    assert isinstance(ask, Ask) and ask.question == "cases"
    labels = [o.label for o in ask.options]
    assert any("Acme" in label for label in labels) and any("Globex" in label for label in labels)
    assert labels[0].startswith("Globex"), "newest first"
    talk.say("2")
    assert talk.case.company == "Acme"
    assert talk.question == "stage", "resumes the case at its own question"


def test_history_lists_the_log() -> None:
    talk = _drafting()
    talk.say("history")
    assert "Case opened" in talk.texts() and "Draft 1" in talk.texts()


def test_export_asks_the_shell_for_the_data() -> None:
    talk = _drafting()
    talk.say("export")
    assert any(isinstance(e, ExportData) for e in talk.effects)


def test_forget_needs_a_confirmation() -> None:
    talk = _drafting()
    talk.say("forget")
    assert talk.question == "forget"
    talk.click("no")
    assert talk.state.cases, "nothing deleted on no"
    assert not any(isinstance(e, ForgetUser) for e in talk.effects)
    talk.say("forget")
    talk.click("yes")
    assert any(isinstance(e, ForgetUser) for e in talk.effects)
    assert talk.state.cases == ()


def test_a_stale_forget_confirmation_is_refused() -> None:
    talk = _drafting()
    before = talk.state
    talk.send(Choose("yes", "forget"))
    assert "didn't act on it" in talk.texts()
    assert talk.state == before
    assert not any(isinstance(e, ForgetUser) for e in talk.effects)


def test_faq_answers_any_time_and_returns_to_the_question() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    talk.say("faq")
    assert talk.question == "faq"
    talk.say("2")
    assert "No." in talk.texts()
    assert talk.question == "stage"
    talk.say("faq 3")
    assert "Move today" in talk.texts()


def test_settings_change_signature_and_checkins() -> None:
    talk = _drafting()
    assert talk.state.profile.checkins is False, "check-ins are opt-in"
    talk.say("settings")
    talk.click("checkins")
    assert talk.state.profile.checkins is True
    talk.say("settings")
    talk.click("checkins")
    assert talk.state.profile.checkins is False
    talk.say("settings")
    talk.click("signature")
    talk.fill(name="Sam Q. Lee", email="sam@example.org", phone="")
    assert talk.state.profile.signature.name == "Sam Q. Lee"


@pytest.mark.parametrize(
    ("action", "check"),
    [
        ("shorter", lambda old, new: len(new.draft.body) < len(old.draft.body)),
        ("warmer", lambda old, new: new.draft.body != old.draft.body),
        ("reason", lambda old, new: len(new.draft.body) < len(old.draft.body)),
        ("door", lambda old, new: len(new.draft.body) > len(old.draft.body)),
    ],
)
def test_each_style_action_makes_the_next_numbered_revision(action: str, check) -> None:  # noqa: ANN001
    talk = _drafting()
    old = talk.revision()
    talk.click(action)
    new = talk.revision()
    assert new.number == old.number + 1
    assert check(old, new)


def test_edit_becomes_the_next_revision_and_is_linted() -> None:
    talk = _drafting()
    talk.click("edit")
    assert talk.question == "edit:1"
    talk.fill(body="Your process was a chaotic waste of time.")
    rev = talk.revision()
    assert rev.number == 2 and rev.draft.body.startswith("Your process")
    codes = {f.code for f in rev.findings}
    assert {"negative", "no_thanks", "no_withdrawal"} <= codes


@pytest.mark.parametrize("stage", ["final", "offer", "accepted"])
def test_switch_channel_never_offers_linkedin_late(stage: str) -> None:
    """Article rule: a LinkedIn message is acceptable only early and informal (issue 7, point 9)."""
    talk = Talk()
    answer_through(talk, stage=stage, reason="other_offer", recruiter="no", rapport="yes", signed="no",
                   money="none", door="no")
    talk.click("draft")
    talk.click("switch")
    assert "linkedin" not in {o.value for o in talk.last.options}
    before = talk.case
    talk.send(Choose("linkedin", talk.question, talk.case.id))  # an old or forged button
    assert talk.case.latest == before.latest, "no LinkedIn draft is made"


def test_mailto_link_carries_subject_and_body() -> None:
    talk = _drafting()
    rev = talk.revision()
    assert rev.mailto and rev.mailto.startswith("mailto:?subject=")
    assert "body=" in rev.mailto


def test_an_old_revision_button_is_answered_not_acted_on() -> None:
    talk = _drafting()
    talk.click("shorter")
    talk.send(Choose("sent", "rev:1", talk.case.id))
    assert "earlier step" in talk.texts()
    assert talk.case.phase is Phase.DRAFTING
    assert isinstance(talk.last, ShowRevision) and talk.last.number == 2


def test_a_button_for_someone_elses_case_is_refused() -> None:
    talk = _drafting()
    before = talk.state
    talk.send(Choose("sent", "rev:1", "case-of-another-user"))
    assert "someone else" in talk.texts()
    assert talk.state == before


def test_a_value_that_is_not_an_option_changes_nothing() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    before = talk.state
    talk.send(Choose("ceo", "stage", talk.case.id))
    assert talk.state == before
    assert "isn't one of the options" in talk.texts()


@pytest.mark.parametrize(
    "company",
    ["", "x" * 121, "Acme\x00Corp", "Acme\x1b[31m", "Acme\u202eproC"],
    ids=["empty", "too-long", "nul", "escape", "bidi-override"],
)
def test_bad_details_get_a_clear_answer_and_change_nothing(company: str) -> None:
    talk = Talk()
    talk.start()
    before = talk.state
    talk.send(SubmitForm("details", {"company": company, "role": "Analyst"}, talk.case.id))
    assert talk.state == before
    message = talk.replies[0]
    assert isinstance(message, Say) and message.text
    assert talk.question == "details"


@pytest.mark.parametrize("company", ["{{ 7*7 }}", "Ünïcödé 🚀", "شركة", "<!channel>"])
def test_unusual_but_valid_names_are_kept_literally(company: str) -> None:
    talk = Talk()
    answer_through(talk, company=company, **SCREENING)
    talk.click("draft")
    rev = talk.revision()
    assert company in rev.draft.body + rev.draft.subject
    assert "49" not in rev.draft.body


def test_a_huge_message_is_refused_without_change() -> None:
    talk = Talk()
    talk.start()
    before = talk.state
    talk.say("a" * 100_000)
    assert "too long" in talk.texts()
    assert talk.state == before


def test_nudge_until_sent_then_silence() -> None:
    talk = _drafting()
    case_id = talk.case.id
    talk.due("nudge_send", case_id)
    assert "isn't marked as sent" in talk.texts()
    talk.say("sent")  # typed label of the action
    assert talk.state.case(case_id).phase is Phase.SENT
    replies = talk.due("nudge_send", case_id)
    assert replies == ()


def test_typed_numbers_and_labels_answer_buttons() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    talk.say("3")
    assert talk.case.answers.stage.value == "screening"
    talk.say("No")
    assert talk.case.answers.negotiable is False
    talk.say("99")
    assert "pick one of the options" in talk.texts()


def test_the_form_on_screen_is_the_current_one_only() -> None:
    from exit_coach.flow.view import form_on_screen

    talk = Talk()
    talk.start()
    case_id = talk.case.id
    assert isinstance(form_on_screen(talk.state, case_id, "details"), AskForm)
    talk.fill(company="Acme", role="Analyst")
    closed = form_on_screen(talk.state, case_id, "details")
    assert isinstance(closed, Say) and "isn't open any more" in closed.text, "an answered form can't be reopened"
    foreign = form_on_screen(talk.state, "someone-elses-case", "details")
    assert isinstance(foreign, Say) and "someone else" in foreign.text


def test_overview_lists_cases_newest_first_with_their_checklists() -> None:
    from exit_coach.flow.view import overview

    talk = _drafting()
    talk.start(new=True)
    talk.fill(company="Globex", role="Engineer")
    first, second = overview(talk.state)
    assert first.title.startswith("Globex") and first.checklist == ()
    assert second.title.startswith("Acme") and "drafting" in second.where
    assert any(line.done for line in second.checklist)


def test_revisions_are_capped_but_sending_still_works() -> None:
    from exit_coach.flow.state import MAX_REVISIONS

    talk = _drafting()
    while len(talk.case.revisions) < MAX_REVISIONS:
        talk.click("shorter")
    before = talk.state
    talk.click("warmer")
    assert "the most I keep" in talk.texts()
    assert talk.state == before
    talk.click("sent")
    assert talk.case.phase is Phase.SENT


def test_cases_are_capped_with_a_way_out() -> None:
    from exit_coach.flow.state import MAX_CASES, MAX_OPEN_CASES

    talk = Talk()
    for _ in range(MAX_CASES):
        talk.start(new=True)
        if sum(c.phase.is_open for c in talk.state.cases) == MAX_OPEN_CASES:
            before = talk.state
            talk.start(new=True)
            assert "Close or cancel one first" in talk.texts()
            assert talk.state == before
        talk.say("cancel")
    before = talk.state
    talk.start(new=True)
    assert "export" in talk.texts() and "forget" in talk.texts()
    assert talk.state == before


def test_cases_lists_every_open_case_first() -> None:
    from exit_coach.flow.state import MAX_OPEN_CASES

    talk = Talk()
    for n in range(30):
        talk.start(new=True)
        talk.fill(company=f"Co{n}", role="Engineer")
        if n < 30 - MAX_OPEN_CASES:
            talk.say("cancel")
    talk.say("cases")
    labels = [o.label for o in talk.last.options]
    open_labels = [label for label in labels if "(asking)" in label]
    assert len(open_labels) == MAX_OPEN_CASES, "every open case can be resumed"
    assert labels[0].startswith("Co29") and labels[-1] == "Start a new case"


def test_the_log_keeps_the_newest_entries_only() -> None:
    from exit_coach.flow.state import LOG_LIMIT

    talk = Talk()
    talk.start()
    for _ in range(LOG_LIMIT + 10):
        talk.say("restart")
    log = talk.case.log
    assert len(log) == LOG_LIMIT
    assert log[-1].text == "Restarted"


@pytest.mark.parametrize("reason", ["red_flags", "unspecified"])
def test_no_reason_toggle_when_there_is_no_reason_line(reason: str) -> None:
    talk = Talk()
    answer_through(talk, **{**SCREENING, "reason": reason})
    talk.click("draft")
    actions = {a.value for a in talk.revision().actions}
    assert "reason" not in actions
    assert ("warmer" in actions) == (reason != "red_flags"), "red flags: no warmer, praise-adding variant"


def test_text_typed_in_a_case_thread_answers_that_case() -> None:
    talk = _drafting()
    first = talk.case.id
    talk.start(new=True)
    talk.fill(company="Globex", role="Engineer")
    assert talk.case.company == "Globex"
    talk.send(Text("sent", case_id=first))
    assert talk.state.case(first).phase is Phase.SENT, "the thread's case was sent, not the active one"
    assert talk.state.cases[1].phase is Phase.ASKING


def test_a_thread_of_another_or_closed_case_changes_nothing_by_itself() -> None:
    talk = _drafting()
    before = talk.state
    talk.send(Text("status", case_id="not-a-case-of-mine"))
    assert talk.state == before


def test_changing_the_stage_drops_answers_that_belonged_to_the_old_one() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    for value in ("accepted", "relocation_visa", "no", "yes", "both", "yes"):
        talk.click(value)
    assert talk.case.answers.visa and talk.case.answers.relocation
    while talk.question != "stage":
        talk.say("back")
    talk.click("interviewing")
    answers = talk.case.answers
    assert (answers.signed, answers.relocation, answers.signing_bonus, answers.visa) == (False,) * 4


def test_faq_with_a_digit_that_is_not_a_number_just_lists_the_faq() -> None:
    talk = Talk()
    talk.start()
    talk.say("faq ²")
    assert talk.question == "faq"


def test_restart_never_erases_a_sent_message() -> None:
    talk = _drafting()
    talk.click("sent")
    before = talk.case
    talk.say("restart")
    assert "keep its record" in talk.texts()
    assert talk.case == before


def test_back_after_they_reached_out_goes_back_one_question_at_a_time() -> None:
    talk = Talk()
    talk.start()
    talk.fill(company="Acme", role="Analyst")
    talk.click("no_response")
    talk.click("reached_out")
    assert talk.question == "reason"
    talk.say("back")
    assert talk.question == "stage"
    talk.say("back")
    assert talk.question == "details"


def test_an_edit_without_changes_makes_no_revision() -> None:
    talk = _drafting()
    talk.click("edit")
    talk.fill(body=talk.case.latest.body)
    assert "No changes" in talk.texts()
    assert len(talk.case.revisions) == 1 and talk.question == "rev:1"


def test_an_edited_draft_offers_no_restyling_that_would_drop_the_users_words() -> None:
    talk = _drafting()
    talk.click("edit")
    talk.fill(body="Thank you for your time. I am withdrawing my application. Sam, sam@example.com")
    actions = {a.value for a in talk.revision().actions}
    assert not actions & {"shorter", "warmer", "reason", "door"}
    assert {"edit", "switch", "sent"} <= actions


def test_switching_channel_offers_the_recruiter_only_when_there_is_one() -> None:
    talk = _drafting()
    talk.click("switch")
    assert "recruiter" not in {o.value for o in talk.last.options}


def test_check_ins_switched_on_in_settings_apply_to_sent_cases_and_off_cancels_them() -> None:
    from exit_coach.flow.replies import CancelReminders, ScheduleReminder

    talk = _drafting()
    talk.click("sent")
    talk.say("settings")
    talk.click("checkins")
    scheduled = [e for e in talk.effects if isinstance(e, ScheduleReminder)]
    assert {e.kind for e in scheduled} >= {"checkin_2w", "checkin_3m"}
    cancel_first = talk.effects.index(next(e for e in talk.effects if isinstance(e, CancelReminders)))
    assert cancel_first < talk.effects.index(scheduled[0]), "earlier check-ins are cleared, never doubled"
    talk.say("settings")
    talk.click("checkins")
    assert any(isinstance(e, CancelReminders) and "checkin_2w" in e.kinds for e in talk.effects)
    assert not any(isinstance(e, ScheduleReminder) for e in talk.effects)


def test_still_waiting_on_a_negotiation_asks_again_and_ticks_the_meeting() -> None:
    from exit_coach.flow.replies import ScheduleReminder

    talk = Talk()
    answer_through(talk, stage="offer", negotiable="yes", reason="compensation", recruiter="no", door="no")
    talk.click("draft")
    talk.click("sent")
    assert {"ask_meeting", "set_deadline"} <= set(talk.case.done)
    talk.click("waiting")
    assert any(isinstance(e, ScheduleReminder) and e.kind == "negotiation_check" for e in talk.effects)
    assert talk.question == "outcome", "the question stays on screen"
