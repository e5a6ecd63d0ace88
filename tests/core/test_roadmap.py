"""The roadmap rules of SPEC §1, one test per rule, run through `plan_for` with no I/O."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exit_coach import config
from exit_coach.drafts import DraftRenderer
from exit_coach.model import Action, Channel, DraftKind, Plan, Reason, Situation, Stage, Urgency
from exit_coach.roadmap import default_style, plan_for

HELP = "https://community.example/coach"
WITHDRAW_STAGES = [stage for stage in Stage if stage is not Stage.NO_RESPONSE]
EARLY = [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING]
LATE = [Stage.FINAL, Stage.OFFER, Stage.ACCEPTED]
SEVEN_STEPS = ["decide", "tell_people", "choose_channel", "draft", "send_and_log", "stay_connected"]
"""The article's roadmap steps every withdrawal has; "logistics" joins them from an offer on."""
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


@pytest.mark.parametrize("stage", [stage for stage in WITHDRAW_STAGES if stage is not Stage.ACCEPTED])
def test_through_a_recruiter_the_recruiter_relays_by_default(stage: Stage) -> None:
    """Article rule: inform the recruiter first and let them relay; done once they confirm (issue 7, point 3)."""
    p = plan(stage, rapport=True, via_recruiter=True)
    assert p.channels == (Channel.RECRUITER,)
    assert [(s.kind, s.channel) for s in p.draft_specs] == [(DraftKind.RECRUITER_NOTE, Channel.RECRUITER)]
    assert "let them pass it on" in said(p) and "confirm" in said(p)
    assert "recruiter_confirmed" in ids(p)
    tell = next(item for item in p.checklist if item.id == "tell_people")
    assert "recruiter" in tell.text
    assert "call first" not in said(p), "no call to the employer the user didn't choose"


@pytest.mark.parametrize("tell_employer_too", [False, True])
def test_rescinding_through_a_recruiter_still_phones_the_employer_then_writes(tell_employer_too: bool) -> None:
    """Article rule (rescinding an accepted offer): "notify the employer immediately by phone, then follow up
    in writing"; through a recruiter the recruiter is told as well, never instead (issue 7 review, defect 2)."""
    sit = Situation(
        stage=Stage.ACCEPTED, reason=Reason.OTHER_OFFER, via_recruiter=True, signing_bonus=True, visa=True,
        tell_employer_too=tell_employer_too,
    )
    p = plan_for(sit)
    assert p.channels == (Channel.RECRUITER, Channel.PHONE, Channel.EMAIL)
    assert kinds(p) == [DraftKind.RECRUITER_NOTE, DraftKind.PHONE_SCRIPT, DraftKind.FOLLOW_UP_EMAIL]
    assert "recruiter_confirmed" not in ids(p) and {"call", "confirm_in_writing", "apologize"} <= set(ids(p))
    note = DraftRenderer().render(p.draft_specs[0], sit, default_style(sit))
    assert "call them myself" in note.body, "the recruiter hears that the user calls the employer too"


@pytest.mark.parametrize("stage", WITHDRAW_STAGES)
def test_contacting_the_employer_as_well_is_the_users_choice(stage: Stage) -> None:
    """Article rule: recruiter first; telling the team yourself too is a choice, and then said (point 3)."""
    direct = plan(stage, rapport=True)
    p = plan(stage, rapport=True, via_recruiter=True, tell_employer_too=True)
    assert p.channels == (Channel.RECRUITER, *direct.channels)
    assert p.draft_specs[0].kind is DraftKind.RECRUITER_NOTE
    assert [s.kind for s in p.draft_specs[1:]] == kinds(direct)
    assert "recruiter first" in said(p) and "yourself" in said(p)
    assert "recruiter_confirmed" not in ids(p)


@pytest.mark.parametrize("stage", WITHDRAW_STAGES)
def test_no_recruiter_step_without_a_recruiter(stage: Stage) -> None:
    """Article rule: inform stakeholders *if they are involved*: no recruiter step without one (point 8)."""
    p = plan(stage)
    assert all("recruiter" not in item.text.lower() for item in p.checklist), ids(p)


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
    p = plan(Stage.SCREENING, main_channel=Channel.LINKEDIN, informal=True, via_recruiter=True, tell_employer_too=True)
    assert p.channels == (Channel.RECRUITER, Channel.LINKEDIN, Channel.EMAIL)


def test_accepted_and_signed_reviews_what_was_signed_before_acting() -> None:
    p = plan(Stage.ACCEPTED, signed=True)
    assert "review_signed" in ids(p)
    assert ids(p).index("review_signed") < ids(p).index("call")  # before acting
    assert "re-read what you signed" in said(p)


def test_accepted_without_signing_does_not_ask_to_check_what_was_signed() -> None:
    """Article rule: review *signed* documents; after "I signed nothing" the plan doesn't ask again (point 8)."""
    p = plan(Stage.ACCEPTED, signed=False)
    assert "review_signed" not in ids(p)
    assert "signed" not in said(p)
    assert all("signed" not in item.text for item in p.checklist)


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


NEGOTIABLE = [Stage.SCREENING, Stage.INTERVIEWING, Stage.FINAL, Stage.OFFER]
TERMS_REASONS = [Reason.COMPENSATION, Reason.NOT_A_FIT, Reason.PERSONAL, Reason.RELOCATION_VISA, Reason.UNSPECIFIED]


@pytest.mark.parametrize(("stage", "reason"), list(itertools.product(NEGOTIABLE, TERMS_REASONS)))
def test_a_negotiation_plan_is_the_negotiation_steps_with_withdrawal_as_fallback(stage: Stage, reason: Reason) -> None:
    """Article rule ("Negotiation vs. Withdrawal"): deal-breakers, case, meeting, deadline; withdraw promptly if
    it fails. Nothing of the withdrawal above it (issue 7, point 1)."""
    p = plan(stage, negotiable=True, reason=reason, rapport=True, main_channel=Channel.PHONE)
    assert p.action is Action.NEGOTIATE
    assert kinds(p) == [DraftKind.NEGOTIATION_EMAIL]
    assert p.channels == (Channel.EMAIL,)
    assert ids(p) == NEGOTIATION_STEPS
    assert "negotiat" in p.reasoning[0].lower()
    assert "withdraw promptly" in p.reasoning[-1].lower(), "the withdrawal is the stated fallback"
    assert "call first" not in said(p) and "confirm in writing" not in said(p) and "confirm it" not in said(p)


SET_ASIDE = [
    (Stage.ACCEPTED, Reason.COMPENSATION, "already accepted"),
    (Stage.ACCEPTED, Reason.OTHER_OFFER, "already accepted"),
    (Stage.OFFER, Reason.OTHER_OFFER, "another offer"),
    (Stage.INTERVIEWING, Reason.RED_FLAGS, "red flags"),
    (Stage.APPLIED, Reason.COMPENSATION, "no conversation yet"),
]


@pytest.mark.parametrize(("stage", "reason", "why"), SET_ASIDE)
def test_negotiable_where_it_does_not_fit_is_set_aside_with_one_reason(stage: Stage, reason: Reason, why: str) -> None:
    """Article rule: negotiate only before an offer is accepted, when terms can fix it (issue 7, point 1)."""
    p = plan(stage, negotiable=True, reason=reason)
    assert p.action is Action.WITHDRAW
    assert DraftKind.NEGOTIATION_EMAIL not in kinds(p)
    aside = [line for line in p.reasoning if "set negotiation aside" in line]
    assert len(aside) == 1 and why in aside[0], p.reasoning
    assert not set(NEGOTIATION_STEPS) & set(ids(p))
    without = plan(stage, reason=reason)
    assert (p.channels, kinds(p), ids(p)) == (without.channels, kinds(without), ids(without))


def test_accepted_other_offer_negotiable_is_an_immediate_apologetic_rescind() -> None:
    """Article rule ("Rescinding an Accepted Offer"): act immediately, phone then writing, apologise."""
    p = plan(Stage.ACCEPTED, negotiable=True, reason=Reason.OTHER_OFFER)
    assert (p.action, p.urgency) == (Action.WITHDRAW, Urgency.IMMEDIATE)
    assert p.channels == (Channel.PHONE, Channel.EMAIL)
    assert "apologise" in said(p) and "apologize" in ids(p)


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
    assert p.channels == (Channel.RECRUITER,)
    assert "recruiter" in said(p)


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
def test_checklist_has_the_roadmap_steps_every_withdrawal(
    stage: Stage, via_recruiter: bool, negotiable: bool, rapport: bool
) -> None:
    p = plan(stage, via_recruiter=via_recruiter, negotiable=negotiable, rapport=rapport, reason=Reason.OTHER_OFFER)
    assert is_subsequence(SEVEN_STEPS, ids(p)), ids(p)
    assert ("logistics" in ids(p)) is (stage in (Stage.OFFER, Stage.ACCEPTED))
    assert len(set(ids(p))) == len(ids(p))
    choose = next(item for item in p.checklist if item.id == "choose_channel")
    assert all(channel.label in choose.text for channel in p.channels)


@pytest.mark.parametrize("stage", [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.FINAL])
def test_no_signed_document_logistics_before_an_offer_exists(stage: Stage) -> None:
    """Article rule: follow up on logistics such as returning signed documents — only once there is an offer."""
    p = plan(stage, rapport=True)
    assert "logistics" not in ids(p)
    assert all("signed" not in item.text and "document" not in item.text for item in p.checklist)


def test_accepted_logistics_name_signed_documents_only_when_signed() -> None:
    logistics = {signed: next(i.text for i in plan(Stage.ACCEPTED, signed=signed).checklist if i.id == "logistics")
                 for signed in (False, True)}
    assert "signed documents" in logistics[True] and "signed" not in logistics[False]


def test_after_rescinding_offer_a_referral_or_a_hand_over() -> None:
    """Article rule ("Rebuilding Goodwill"): offer a referral for the role or a transitional conversation."""
    p = plan(Stage.ACCEPTED)
    stay = next(i.text for i in p.checklist if i.id == "stay_connected")
    assert "referral for the role" in stay and "hand-over" in stay
    assert "hand-over" in said(p)


def test_accepted_urgency_is_firm_but_kind_without_guilt() -> None:
    """Article rule: act immediately, with empathy; no guilt such as "every day you wait costs them more"."""
    text = said(plan(Stage.ACCEPTED))
    assert "today" in text
    assert "costs them" not in text and "every day you wait" not in text


@pytest.mark.parametrize("stage", WITHDRAW_STAGES)
def test_red_flags_never_criticise_the_employer_publicly(stage: Stage) -> None:
    """Article rule: poor patterns include public criticism on social sites (issue 7, point 8)."""
    assert "in public" in said(plan(stage, reason=Reason.RED_FLAGS))


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
            "tell_employer_too",
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
    # issue 7: negotiation only where it fits, and only what applies on the checklist
    from exit_coach.roadmap import negotiation_fits

    fits = negotiation_fits(situation.stage, situation.reason)
    assert (p.action is Action.NEGOTIATE) is (situation.negotiable and fits)
    if p.action is Action.NEGOTIATE:
        visa = ["visa_notice"] if situation.visa else []
        assert ids(p) == [*NEGOTIATION_STEPS[:1], *visa, *NEGOTIATION_STEPS[1:]]
        assert kinds(p) == [DraftKind.NEGOTIATION_EMAIL]
        return
    aside = sum("set negotiation aside" in line for line in p.reasoning)
    assert aside == (1 if situation.negotiable and not fits else 0)
    assert ("logistics" in ids(p)) is (situation.stage in (Stage.OFFER, Stage.ACCEPTED))
    assert ("review_signed" in ids(p)) is (situation.stage is Stage.ACCEPTED and situation.signed)
    if not situation.via_recruiter:
        assert not any("recruiter" in item.text.lower() for item in p.checklist)
    assert "costs them" not in said(p)


# --- issue 7: visas and relocation, main channel -------------------------------------------------


@pytest.mark.parametrize("stage", WITHDRAW_STAGES)
def test_a_visa_petition_or_relocation_commitment_changes_the_plan_at_any_stage(stage: Stage) -> None:
    """Article rule: if an employer started a visa petition or committed relocation, inform them quickly and
    expect follow-up on next steps (issue 7, point 4)."""
    p = plan(stage, visa=True, reason=Reason.RELOCATION_VISA)
    assert "visa_notice" in ids(p)
    assert p.urgency is Urgency.IMMEDIATE
    assert "at once" in said(p) and "follow-up" in said(p)
    assert "visa_notice" not in ids(plan(stage, reason=Reason.RELOCATION_VISA))


@pytest.mark.parametrize("stage", WITHDRAW_STAGES)
def test_human_help_fires_when_visas_or_relocation_drive_the_decision(stage: Stage) -> None:
    """Article rule ("When To Seek Expert Help"): complex international logistics — the reason alone is enough."""
    p = plan(stage, reason=Reason.RELOCATION_VISA, help_url=HELP)
    assert p.help is not None and any("visas and relocation" in r for r in p.help.reasons)


def test_mostly_by_phone_when_they_reached_out_still_replies_in_writing_and_says_why() -> None:
    p = plan(Stage.APPLIED, main_channel=Channel.PHONE)
    assert p.channels == (Channel.EMAIL,) and "by phone" in said(p)


@pytest.mark.parametrize("stage", [Stage.SCREENING, Stage.INTERVIEWING, Stage.FINAL])
def test_mostly_by_phone_between_rounds_calls_then_confirms_by_email(stage: Stage) -> None:
    """Article rule: email fits when you've been communicating mostly in writing; mostly by phone, a call
    followed by an email that documents it (issue 7, point 9)."""
    p = plan(stage, main_channel=Channel.PHONE)
    assert p.channels == (Channel.PHONE, Channel.EMAIL)
    assert kinds(p) == [DraftKind.PHONE_SCRIPT, DraftKind.FOLLOW_UP_EMAIL]
    assert "by phone" in said(p)
    assert plan(stage, main_channel=Channel.EMAIL).channels == (Channel.EMAIL,)


@pytest.mark.parametrize("stage", EARLY)
def test_a_linkedin_plan_does_not_contradict_itself(stage: Stage) -> None:
    """Article rule: LinkedIn is acceptable only as the main, informal channel; the plan says one thing."""
    p = plan(stage, main_channel=Channel.LINKEDIN, informal=True)
    assert p.channels[0] is Channel.LINKEDIN
    assert "email is the right channel" not in said(p) and "reply by email" not in said(p)
    assert sum("linkedin" in line.lower() for line in p.reasoning) == 1


@given(situations)
def test_switch_channel_never_offers_linkedin_late_nor_a_recruiter_without_one(situation: Situation) -> None:
    """Article rule: LinkedIn only at early stages; recruiter only if there is one (issue 7, point 9)."""
    from exit_coach.roadmap import switch_channels

    offered = switch_channels(situation, current=None)
    if situation.stage.is_late:
        assert Channel.LINKEDIN not in offered
    if not situation.via_recruiter:
        assert Channel.RECRUITER not in offered
    negotiation = switch_channels(situation, current=None, negotiate=True)
    assert set(negotiation) <= {Channel.EMAIL, Channel.RECRUITER}, "a negotiation is asked for in writing"


@pytest.mark.parametrize(
    ("received", "named", "not_named"),
    [
        ({"signing_bonus": True}, "signing bonus", "relocation"),
        ({"relocation": True}, "relocation assistance", "signing bonus"),
    ],
)
def test_rescinding_discusses_repaying_only_what_was_received(
    received: dict[str, bool], named: str, not_named: str
) -> None:
    """Article rule: "if you've received relocation assistance or a signing bonus, discuss repayment" — only
    what was received is named (issue 7 review, defect 9)."""
    p = plan(Stage.ACCEPTED, **received)
    repay = next(item for item in p.checklist if item.id == "repayment")
    assert named in repay.text and not_named not in repay.text
    assert not_named not in said(p)


def test_rescinding_with_nothing_received_lists_no_repayments() -> None:
    """Article rule: repayment is discussed only when relocation or a bonus was received (defect 9)."""
    for signed in (False, True):
        logistics = next(item for item in plan(Stage.ACCEPTED, signed=signed).checklist if item.id == "logistics")
        assert "repay" not in logistics.text
    logistics = next(item for item in plan(Stage.ACCEPTED, relocation=True).checklist if item.id == "logistics")
    assert "repayments" in logistics.text


def test_a_negotiation_after_a_visa_petition_says_so_and_keeps_the_urgency() -> None:
    """Article rule: "if an employer has started a visa petition or committed to relocation expenses, inform
    them quickly"; negotiating, the plan says where you stand promptly and asks about timeline and support,
    not for sponsorship they already started (issue 7 review, defect 10)."""
    sit = Situation(stage=Stage.OFFER, reason=Reason.RELOCATION_VISA, negotiable=True, visa=True)
    p = plan_for(sit)
    assert p.action is Action.NEGOTIATE and p.urgency is Urgency.IMMEDIATE
    assert "visa petition" in said(p) and "promptly" in said(p)
    assert "visa_notice" in ids(p)
    draft = DraftRenderer().render(p.draft_specs[0], sit, default_style(sit))
    assert "sponsorship" not in draft.body
    assert "visa" in draft.body and "already" in draft.body
    plain = plan_for(replace(sit, visa=False))
    assert plain.urgency is Urgency.PROMPT and "visa_notice" not in ids(plain)


@given(situations)
def test_switch_channel_offers_linkedin_only_as_the_main_informal_early_channel(situation: Situation) -> None:
    """Article rule: a LinkedIn message is acceptable only if LinkedIn has been the main channel and the
    relationship is informal (and never late on) (issue 7 review, defect 3)."""
    from exit_coach.roadmap import switch_channels

    offered = switch_channels(situation, current=None)
    fits = (
        situation.main_channel is Channel.LINKEDIN and situation.informal and situation.stage in EARLY
    )
    assert (Channel.LINKEDIN in offered) == fits
