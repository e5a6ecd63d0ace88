"""The roadmap rules of SPEC §1, one test per rule, run through `plan_for` with no I/O."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exit_coach import config
from exit_coach.model import Action, Channel, DraftKind, Plan, Reason, Situation, Stage, Urgency
from exit_coach.roadmap import default_style, plan_for

HELP = "https://community.example/coach"
WITHDRAW_STAGES = [stage for stage in Stage if stage is not Stage.NO_RESPONSE]
EARLY = [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING]
LATE = [Stage.FINAL, Stage.OFFER, Stage.ACCEPTED]
SEVEN_STEPS = ["decide", "tell_people", "choose_channel", "draft", "send_and_log", "stay_connected", "logistics"]
NEGOTIATION_STEPS = ["deal_breakers", "prepare_case", "ask_meeting", "set_deadline", "withdraw_if_fails"]


def plan(stage: Stage, **kw: Any) -> Plan:
    help_url = kw.pop("help_url", None)
    return plan_for(Situation(stage=stage, **kw), help_url=help_url)


def kinds(p: Plan) -> list[DraftKind]:
    return [spec.kind for spec in p.draft_specs]


def ids(p: Plan) -> list[str]:
    return [item.id for item in p.checklist]


def said(p: Plan) -> str:
    return " ".join(p.reasoning).lower()


def is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(needle in it for needle in needles)


# --- stages and their default channels ---------------------------------------------------------


def test_no_response_needs_no_action() -> None:
    p = plan(Stage.NO_RESPONSE, reason=Reason.OTHER_OFFER)
    assert (p.action, p.channels, p.urgency, p.draft_specs) == (Action.NONE, (), Urgency.NONE, ())
    assert "no action is needed" in said(p)


@pytest.mark.parametrize("flag", ["via_recruiter", "negotiable", "rapport", "keep_door_open", "informal"])
def test_no_response_needs_no_action_whatever_the_modifiers(flag: str) -> None:
    p = plan(Stage.NO_RESPONSE, main_channel=Channel.LINKEDIN, **{flag: True})
    assert (p.action, p.channels, p.draft_specs) == (Action.NONE, (), ())


def test_no_response_says_reply_quickly_if_they_reach_out() -> None:
    p = plan(Stage.NO_RESPONSE)
    assert "reply_if_contacted" in ids(p)
    assert "no longer available" in said(p)


def test_applied_replies_quickly_by_email() -> None:
    p = plan(Stage.APPLIED)
    assert p.action is Action.WITHDRAW
    assert p.channels == (Channel.EMAIL,)
    assert kinds(p) == [DraftKind.EMAIL]
    assert p.urgency in (Urgency.PROMPT, Urgency.IMMEDIATE)
    assert "no longer available" in said(p) and "soon" in said(p)


def test_screening_is_email() -> None:
    p = plan(Stage.SCREENING, rapport=True)
    assert p.channels == (Channel.EMAIL,)
    assert kinds(p) == [DraftKind.EMAIL]


def test_interviewing_is_email() -> None:
    p = plan(Stage.INTERVIEWING, rapport=True)
    assert p.channels == (Channel.EMAIL,)
    assert kinds(p) == [DraftKind.EMAIL]


def test_final_with_rapport_calls_then_emails() -> None:
    p = plan(Stage.FINAL, rapport=True)
    assert p.channels == (Channel.PHONE, Channel.EMAIL)
    assert kinds(p) == [DraftKind.PHONE_SCRIPT, DraftKind.FOLLOW_UP_EMAIL]
    assert is_subsequence(["call", "confirm_in_writing"], ids(p))
    assert "rapport" in said(p)


def test_final_without_rapport_emails() -> None:
    p = plan(Stage.FINAL, rapport=False)
    assert p.channels == (Channel.EMAIL,)
    assert kinds(p) == [DraftKind.EMAIL]
    assert "call" not in ids(p)


@pytest.mark.parametrize("rapport", [False, True])
def test_offer_calls_then_emails(rapport: bool) -> None:
    p = plan(Stage.OFFER, rapport=rapport)
    assert p.channels == (Channel.PHONE, Channel.EMAIL)
    assert kinds(p) == [DraftKind.PHONE_SCRIPT, DraftKind.FOLLOW_UP_EMAIL]
    assert p.urgency is Urgency.PROMPT


@pytest.mark.parametrize("rapport", [False, True])
def test_accepted_calls_then_emails_immediately(rapport: bool) -> None:
    p = plan(Stage.ACCEPTED, rapport=rapport)
    assert p.channels == (Channel.PHONE, Channel.EMAIL)
    assert kinds(p) == [DraftKind.PHONE_SCRIPT, DraftKind.FOLLOW_UP_EMAIL]
    assert p.urgency is Urgency.IMMEDIATE
    assert "already accepted" in said(p)


@pytest.mark.parametrize("stage", [s for s in WITHDRAW_STAGES if s is not Stage.ACCEPTED])
def test_only_accepted_is_immediate(stage: Stage) -> None:
    assert plan(stage, rapport=True).urgency is Urgency.PROMPT


@pytest.mark.parametrize("stage", WITHDRAW_STAGES)
def test_channel_choice_comes_with_its_reason(stage: Stage) -> None:
    # "phone first, because you already accepted": the first sentence names the channel and why.
    first = plan(stage).reasoning[0].lower()
    assert ("email" in first or "call" in first) and any(why in first for why in ("because", ":", "at this"))


@pytest.mark.parametrize("stage", WITHDRAW_STAGES)
@pytest.mark.parametrize("rapport", [False, True])
def test_a_call_always_gets_a_script_and_the_confirming_email(stage: Stage, rapport: bool) -> None:
    p = plan(stage, rapport=rapport)
    if Channel.PHONE in p.channels:
        assert DraftKind.EMAIL not in kinds(p)
        assert kinds(p)[-2:] == [DraftKind.PHONE_SCRIPT, DraftKind.FOLLOW_UP_EMAIL]
    else:
        assert DraftKind.FOLLOW_UP_EMAIL not in kinds(p) and DraftKind.PHONE_SCRIPT not in kinds(p)


# --- modifiers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", WITHDRAW_STAGES)
def test_recruiter_comes_first(stage: Stage) -> None:
    direct = plan(stage, rapport=True)
    p = plan(stage, rapport=True, via_recruiter=True)
    assert p.channels == (Channel.RECRUITER, *direct.channels)
    assert p.draft_specs[0].kind is DraftKind.RECRUITER_NOTE
    assert p.draft_specs[0].channel is Channel.RECRUITER
    assert "recruiter first" in said(p)
    tell = next(item for item in p.checklist if item.id == "tell_people")
    assert "recruiter" in tell.text


@pytest.mark.parametrize(
    ("stage", "main_channel", "informal"),
    list(itertools.product(WITHDRAW_STAGES, [Channel.EMAIL, Channel.PHONE, Channel.LINKEDIN], [False, True])),
)
def test_linkedin_only_early_and_informal(stage: Stage, main_channel: Channel, informal: bool) -> None:
    p = plan(stage, main_channel=main_channel, informal=informal, rapport=True)
    allowed = stage in EARLY and main_channel is Channel.LINKEDIN and informal
    assert (Channel.LINKEDIN in p.channels) is allowed
    assert (DraftKind.LINKEDIN in kinds(p)) is allowed
    if allowed:
        assert p.channels[0] is Channel.LINKEDIN and Channel.EMAIL in p.channels


@pytest.mark.parametrize("stage", LATE)
def test_linkedin_late_explains_why_not(stage: Stage) -> None:
    p = plan(stage, main_channel=Channel.LINKEDIN, informal=True)
    assert Channel.LINKEDIN not in p.channels
    assert "linkedin" in said(p)


def test_linkedin_and_recruiter_keep_the_recruiter_first() -> None:
    p = plan(Stage.SCREENING, main_channel=Channel.LINKEDIN, informal=True, via_recruiter=True)
    assert p.channels == (Channel.RECRUITER, Channel.LINKEDIN, Channel.EMAIL)


@pytest.mark.parametrize("signed", [False, True])
def test_accepted_review_signed(signed: bool) -> None:
    p = plan(Stage.ACCEPTED, signed=signed)
    assert "review_signed" in ids(p)
    assert ids(p).index("review_signed") < ids(p).index("call")  # before acting
    assert "signed" in said(p)
    if signed:
        assert "re-read what you signed" in said(p)


def test_accepted_gives_a_clear_reason_and_an_apology() -> None:
    p = plan(Stage.ACCEPTED)
    assert "apologize" in ids(p)
    assert "clear reason" in said(p) and "apologis" in said(p)


@pytest.mark.parametrize(("relocation", "signing_bonus"), [(True, False), (False, True), (True, True), (False, False)])
def test_accepted_relocation_or_bonus_discusses_repayment(relocation: bool, signing_bonus: bool) -> None:
    p = plan(Stage.ACCEPTED, relocation=relocation, signing_bonus=signing_bonus)
    expected = relocation or signing_bonus
    assert ("repayment" in ids(p)) is expected
    assert ("repaying or settling" in said(p)) is expected
    if relocation:
        assert "relocation assistance" in said(p)
    if signing_bonus:
        assert "signing bonus" in said(p)


@pytest.mark.parametrize("stage", [Stage.FINAL, Stage.OFFER])
def test_repayment_only_after_accepting(stage: Stage) -> None:
    p = plan(stage, relocation=True, signing_bonus=True)
    assert "repayment" not in ids(p)


def test_accepted_visa_tells_them_at_once() -> None:
    p = plan(Stage.ACCEPTED, visa=True)
    assert "visa_notice" in ids(p)
    assert p.urgency is Urgency.IMMEDIATE
    assert "at once" in said(p) and "follow-up" in said(p)
    assert "visa_notice" not in ids(plan(Stage.ACCEPTED))


NEGOTIABLE = list(WITHDRAW_STAGES)


@pytest.mark.parametrize("stage", NEGOTIABLE)
def test_negotiable_offers_negotiation_first(stage: Stage) -> None:
    p = plan(stage, negotiable=True, reason=Reason.COMPENSATION, rapport=True)
    assert p.action is Action.NEGOTIATE
    assert kinds(p) == [DraftKind.NEGOTIATION_EMAIL]
    assert "negotiat" in p.reasoning[0].lower() and "withdraw promptly" in p.reasoning[0].lower()
    # The negotiation path comes first, then the ordinary roadmap in case it fails.
    assert ids(p)[: len(NEGOTIATION_STEPS)] == NEGOTIATION_STEPS
    assert is_subsequence(SEVEN_STEPS, ids(p))


def test_negotiable_checklist_names_deal_breakers_case_meeting_deadline_and_fallback() -> None:
    texts = {item.id: item.text.lower() for item in plan(Stage.OFFER, negotiable=True).checklist}
    assert "one or two deal-breakers" in texts["deal_breakers"]
    assert "case" in texts["prepare_case"]
    assert "meeting" in texts["ask_meeting"]
    assert "deadline" in texts["set_deadline"]
    assert "withdraw promptly" in texts["withdraw_if_fails"]


def test_negotiation_goes_through_the_recruiter_when_there_is_one() -> None:
    p = plan(Stage.OFFER, negotiable=True, via_recruiter=True)
    assert [(s.kind, s.channel) for s in p.draft_specs] == [(DraftKind.NEGOTIATION_EMAIL, Channel.RECRUITER)]


@pytest.mark.parametrize("stage", WITHDRAW_STAGES)
def test_keep_door_open_adds_stay_connected(stage: Stage) -> None:
    situation = Situation(stage=stage, keep_door_open=True)
    assert "staying in touch" in said(plan_for(situation))
    assert default_style(situation).door_open is True
    closed = Situation(stage=stage)
    assert "in touch" not in said(plan_for(closed))
    assert default_style(closed).door_open is False


@pytest.mark.parametrize("stage", WITHDRAW_STAGES)
def test_red_flags_shortest_message_no_praise_no_criticism(stage: Stage) -> None:
    text = said(plan(stage, reason=Reason.RED_FLAGS))
    assert "shortest" in text and "no praise" in text and "no criticism" in text


def test_red_flags_feedback_only_privately_through_the_recruiter() -> None:
    text = said(plan(Stage.INTERVIEWING, reason=Reason.RED_FLAGS))
    assert "privately" in text and "recruiter" in text


@pytest.mark.parametrize("stage", WITHDRAW_STAGES)
def test_relocation_visa_names_constraint(stage: Stage) -> None:
    text = said(plan(stage, reason=Reason.RELOCATION_VISA))
    assert "constraint" in text and ("timeline" in text or "visa" in text)


@pytest.mark.parametrize("reason", [r for r in Reason if r not in (Reason.RED_FLAGS, Reason.RELOCATION_VISA)])
def test_other_reasons_add_no_reason_rules(reason: Reason) -> None:
    assert plan(Stage.SCREENING, reason=reason).reasoning == plan(Stage.SCREENING).reasoning


@pytest.mark.parametrize("reason", list(Reason))
def test_default_style_gives_a_reason_line_unless_unspecified(reason: Reason) -> None:
    assert default_style(Situation(stage=Stage.SCREENING, reason=reason)).include_reason is (
        reason is not Reason.UNSPECIFIED
    )


# --- the checklist -----------------------------------------------------------------------------

CHECKLIST_CASES = list(
    itertools.product(WITHDRAW_STAGES, [False, True], [False, True], [False, True])
)  # stage x via_recruiter x negotiable x rapport


@pytest.mark.parametrize(("stage", "via_recruiter", "negotiable", "rapport"), CHECKLIST_CASES)
def test_checklist_has_the_seven_steps_every_case(
    stage: Stage, via_recruiter: bool, negotiable: bool, rapport: bool
) -> None:
    p = plan(stage, via_recruiter=via_recruiter, negotiable=negotiable, rapport=rapport)
    assert is_subsequence(SEVEN_STEPS, ids(p)), ids(p)
    assert len(set(ids(p))) == len(ids(p))
    choose = next(item for item in p.checklist if item.id == "choose_channel")
    assert all(channel.value in choose.text for channel in p.channels)


def test_no_response_checklist_has_nothing_to_send() -> None:
    assert ids(plan(Stage.NO_RESPONSE)) == ["decide", "reply_if_contacted", "update_tracker"]


# --- human help --------------------------------------------------------------------------------


def test_help_for_several_offers_at_once() -> None:
    p = plan(Stage.OFFER, reason=Reason.OTHER_OFFER, help_url=HELP)
    assert p.help is not None and p.help.url == HELP
    assert any("more than one offer" in r for r in p.help.reasons)


def test_help_for_complex_international_logistics() -> None:
    p = plan(Stage.INTERVIEWING, visa=True, help_url=HELP)
    assert p.help is not None and any("visas and relocation" in r for r in p.help.reasons)
    both = plan(Stage.SCREENING, reason=Reason.RELOCATION_VISA, relocation=True, help_url=HELP)
    assert both.help is not None and any("visas and relocation" in r for r in both.help.reasons)


def test_help_for_rescinding_an_accepted_offer() -> None:
    p = plan(Stage.ACCEPTED, help_url=HELP)
    assert p.help is not None and any("rescinding an accepted offer" in r for r in p.help.reasons)


@pytest.mark.parametrize(
    ("stage", "before", "expected"),
    [
        (Stage.FINAL, 1, True),
        (Stage.OFFER, 1, True),
        (Stage.SCREENING, 2, True),
        (Stage.FINAL, 0, False),
        (Stage.SCREENING, 1, False),
    ],
)
def test_help_for_repeated_late_stage_withdrawals(stage: Stage, before: int, expected: bool) -> None:
    p = plan(stage, late_withdrawals_before=before, help_url=HELP)
    found = p.help is not None and any("late-stage withdrawals" in r for r in p.help.reasons)
    assert found is expected


def test_no_help_when_nothing_calls_for_it() -> None:
    assert plan(Stage.INTERVIEWING, reason=Reason.NOT_A_FIT, help_url=HELP).help is None
    assert plan(Stage.FINAL, reason=Reason.OTHER_OFFER, help_url=HELP).help is None


@pytest.mark.parametrize("value", [None, "", "   "])
def test_help_is_null_when_coach_help_url_unset(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("COACH_HELP_URL", raising=False)
    else:
        monkeypatch.setenv("COACH_HELP_URL", value)
    every_trigger = Situation(stage=Stage.ACCEPTED, reason=Reason.OTHER_OFFER, visa=True, late_withdrawals_before=3)
    assert config.help_url() is None
    assert plan_for(every_trigger, help_url=config.help_url()).help is None
    assert plan_for(every_trigger).help is None


# --- every situation ---------------------------------------------------------------------------


@pytest.mark.parametrize(("stage", "reason"), list(itertools.product(Stage, Reason)))
def test_every_stage_and_reason_produces_a_plan(stage: Stage, reason: Reason) -> None:
    p = plan(stage, reason=reason, help_url=HELP)
    assert p.reasoning and p.checklist
    if stage is Stage.NO_RESPONSE:
        assert p.action is Action.NONE
    else:
        assert p.action is Action.WITHDRAW and p.channels and p.draft_specs


situations = st.builds(
    Situation,
    stage=st.sampled_from(Stage),
    reason=st.sampled_from(Reason),
    main_channel=st.sampled_from([Channel.EMAIL, Channel.PHONE, Channel.LINKEDIN]),
    late_withdrawals_before=st.integers(min_value=0, max_value=5),
    **{
        flag: st.booleans()
        for flag in (
            "via_recruiter",
            "rapport",
            "informal",
            "signed",
            "relocation",
            "signing_bonus",
            "visa",
            "keep_door_open",
            "negotiable",
        )
    },
)


@given(situations, st.sampled_from([None, HELP]))
def test_any_situation_gives_a_consistent_plan(situation: Situation, help_url: str | None) -> None:
    p = plan_for(situation, help_url=help_url)
    if situation.stage is Stage.NO_RESPONSE:
        assert p.action is Action.NONE and not p.channels and not p.draft_specs
        return
    assert len(set(p.channels)) == len(p.channels)
    assert p.draft_specs
    if situation.via_recruiter:
        assert p.channels[0] is Channel.RECRUITER
    if situation.stage.is_late:
        assert Channel.LINKEDIN not in p.channels
    if Channel.PHONE in p.channels:
        assert p.channels.index(Channel.PHONE) < p.channels.index(Channel.EMAIL)
    assert (p.help is None) or (help_url is not None and p.help.reasons)
    assert plan_for(replace(situation), help_url=help_url) == p  # pure: same input, same plan
