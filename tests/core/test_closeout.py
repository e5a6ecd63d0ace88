"""The close-out after accepting another offer, history with local times, and reopening a withdrawn case."""

from __future__ import annotations

from exit_coach.flow.closeout import NOTHING_OPEN
from exit_coach.flow.replies import Ask, CancelReminders, ScheduleReminder, ShowRevision
from exit_coach.flow.state import Phase
from exit_coach.model import Channel, DraftKind, Reason
from tests.core.conversation import Talk

BASE = dict(negotiable="no", recruiter="no", main_channel="email", door="no", language="en")


def open_cases(talk: Talk) -> dict[str, str]:
    """Three applications left at the plan: screening, final interview (a call first), and one never answered."""
    ids = {}
    for company, stage in (("Globex", "screening"), ("Initech", "final"), ("Umbrella", "no_response")):
        talk.start(new=True)
        if stage == "no_response":
            talk.fill(company=company, role="Analyst", contact="")
            talk.click("no_response")
        else:
            answer_through_open(talk, company, stage)
        ids[company] = talk.case.id
    return ids


def answer_through_open(talk: Talk, company: str, stage: str) -> None:
    talk.fill(company=company, role="Engineer", contact="Dana")
    answers = {**BASE, "stage": stage, "reason": "not_a_fit", "rapport": "yes" if stage == "final" else "no"}
    for _ in range(20):
        q = talk.question
        if q == "plan":
            return
        if q == "signature":
            talk.fill(name="Sam Lee", email="sam@example.com", phone="+1 555 0100")
            continue
        talk.click(answers[q])


def accept_elsewhere(talk: Talk) -> str:
    """The offer they took: withdraw from Acme for another offer and mark it sent."""
    talk.start(new=True)
    talk.fill(company="Acme", role="Engineer", contact="Dana")
    answers = {**BASE, "stage": "screening", "reason": "other_offer"}
    for _ in range(20):
        if talk.question == "plan":
            break
        if talk.question == "signature":
            talk.fill(name="Sam Lee", email="sam@example.com", phone="+1 555 0100")
            continue
        talk.click(answers[talk.question])  # type: ignore[index]
    talk.click("draft")
    case_id = talk.case.id
    talk.click("sent")
    return case_id


def test_sending_for_another_offer_offers_to_close_out_the_others() -> None:
    talk = Talk()
    ids = open_cases(talk)
    accepted = accept_elsewhere(talk)
    offer = talk.last
    assert isinstance(offer, Ask) and offer.question == "closeout" and offer.case_id == accepted
    assert "Globex" in offer.text and "Initech" in offer.text and "Umbrella" in offer.text
    talk.click("prepare")
    drafts = {r.case_id: r for r in talk.replies if isinstance(r, ShowRevision)}
    assert set(drafts) == {ids["Globex"], ids["Initech"]}, "one ready draft per case that needs a message"
    assert drafts[ids["Globex"]].draft.channel is Channel.EMAIL
    assert drafts[ids["Initech"]].draft.kind is DraftKind.PHONE_SCRIPT, "a final-round case gets a call first"
    umbrella = talk.state.case(ids["Umbrella"])
    assert umbrella is not None and umbrella.phase is Phase.CLOSED, "nothing to send: closed"
    for case_id in drafts:
        case = talk.state.case(case_id)
        assert case is not None and case.answers.reason is Reason.OTHER_OFFER
    schedules = [e for e in talk.effects if isinstance(e, ScheduleReminder)]
    assert [e.kind for e in schedules] == ["closeout"], "a single nudge for the batch"
    cancelled = {e.case_id for e in talk.effects if isinstance(e, CancelReminders) and "nudge_send" in e.kinds}
    assert set(drafts) <= cancelled, "no per-case nudges while the batch is tracked"
    batch = talk.state.profile.closeout
    assert batch is not None and set(batch.cases) == set(drafts) and batch.total == 2


def test_the_batch_is_tracked_until_each_is_sent_or_skipped() -> None:
    talk = Talk()
    ids = open_cases(talk)
    accept_elsewhere(talk)
    talk.click("prepare")
    globex = next(r for r in talk.replies if isinstance(r, ShowRevision) and r.case_id == ids["Globex"])
    from exit_coach.flow.events import Choose

    talk.send(Choose("sent", f"rev:{globex.number}", globex.case_id))
    assert "Close-out: 1 of 2 done." in talk.texts()
    batch = talk.state.profile.closeout
    assert batch is not None and batch.cases == (ids["Initech"],)
    talk.command("closeout")
    assert talk.question == "closeout" and "Still to send: Initech" in talk.texts()
    talk.click(f"skip:{ids['Initech']}")
    assert talk.state.profile.closeout is None
    assert "close-out done" in talk.texts()
    assert any(isinstance(e, CancelReminders) and "closeout" in e.kinds for e in talk.effects), "its nudge ends"
    initech = talk.state.case(ids["Initech"])
    assert initech is not None and initech.phase is Phase.DRAFTING, "skipped: its draft stays for later"


def test_the_batch_nudge_names_what_is_left_and_stops_when_done() -> None:
    talk = Talk()
    ids = open_cases(talk)
    accept_elsewhere(talk)
    talk.click("prepare")
    anchor = talk.state.profile.closeout.anchor  # type: ignore[union-attr]
    talk.due("closeout", anchor)
    assert "still to send" in talk.texts() and "Globex" in talk.texts() and "Initech" in talk.texts()
    assert talk.due("nudge_send", ids["Globex"]) == (), "no per-case nudge inside a batch"
    for case_id in (ids["Globex"], ids["Initech"]):
        talk.command("closeout")
        talk.click(f"skip:{case_id}")
    assert talk.due("closeout", anchor) == ()


def test_i_accepted_another_offer_as_words_and_as_an_after_send_button() -> None:
    talk = Talk()
    talk.start()
    talk.say("I accepted another offer")
    assert NOTHING_OPEN in talk.texts()
    open_cases(talk)
    talk.say("I accepted another offer")
    assert talk.question == "closeout"
    talk.click("later")
    # the button: a withdrawal for a different reason, then the news
    talk.start(new=True)
    answer_through_open(talk, "Hooli", "screening")
    talk.click("draft")
    talk.click("sent")
    assert talk.question == "after"
    talk.click("accepted")
    assert talk.question == "closeout"


def test_history_shows_stage_reason_channel_and_local_dates() -> None:
    talk = Talk()
    case_id = accept_elsewhere(talk)
    talk.command("history")
    text = talk.texts()
    assert "Stage: After a screening call · Reason: I took another offer · Channel: email" in text
    assert "Opened Mon 30 Nov" in text and "Sent Mon 30 Nov" in text
    assert "Sent draft 1 (email) by email" in text
    assert "2026-11-30" not in text, "no ISO dates"
    assert talk.state.case(case_id) is not None


def test_a_withdrawn_case_can_be_reopened_keeping_its_record() -> None:
    talk = Talk()
    case_id = accept_elsewhere(talk)
    before = talk.state.case(case_id)
    assert before is not None and before.sent_at
    talk.click("later") if talk.question == "closeout" else None
    talk.command("reopen")
    case = talk.state.case(case_id)
    assert case is not None and case.phase is Phase.ASKING and talk.question == "stage"
    assert case.withdrawn_before == (before.sent_at,) and case.revisions == before.revisions
    assert case.log[: len(before.log)] == before.log and "Reopened" in case.log[-1].text
    talk.click("offer")
    talk.command("history")
    assert "Withdrawn earlier Mon 30 Nov" in talk.texts()
    talk.command("reopen")
    assert "no withdrawn case" in talk.texts()
