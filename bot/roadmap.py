"""The withdrawal roadmap: one situation in, one plan out.

`plan_for` is a pure function. It decides the action (nothing, withdraw, or
negotiate first), the order of channels, the urgency, the reasoning the user
sees, the checklist, which drafts to write and whether to suggest a human. It
does not render drafts (see `exit_coach.drafts`) and does no I/O. The
checklist and the stage/modifier sentences live in `exit_coach.roadmap_steps`.

A plan shows only what applies: a negotiation plan is the negotiation steps
with withdrawal as the stated fallback; a withdrawal through a recruiter is the
recruiter note unless the user chose to tell the employer as well.
"""

from __future__ import annotations

from dataclasses import replace

from exit_coach.model import (
    Action,
    Channel,
    DraftKind,
    DraftSpec,
    DraftStyle,
    HelpSuggestion,
    Plan,
    Reason,
    Situation,
    Stage,
    Urgency,
)
from exit_coach.roadmap_steps import (
    NEGOTIATION_CHECKLIST,
    VISA_NOTICE_NEGOTIATING,
    checklist_for,
    modifier_reasoning,
    no_action_checklist,
    relays,
    urgency_sentence,
)

EARLY_STAGES = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING)
NEGOTIABLE_STAGES = (Stage.SCREENING, Stage.INTERVIEWING, Stage.FINAL, Stage.OFFER)
"""Article: negotiate before an offer is accepted, once there has been a conversation to build on."""
NEGOTIABLE_REASONS = (
    Reason.COMPENSATION, Reason.NOT_A_FIT, Reason.PERSONAL, Reason.RELOCATION_VISA, Reason.UNSPECIFIED,
)
"""Article: negotiation fits when pay, scope or flexibility are the problem; terms can't fix red flags or
undo another offer."""


def negotiation_fits(stage: Stage | None, reason: Reason) -> bool:
    """Whether "would you stay for better terms?" makes sense at all for this stage and reason."""
    return stage in NEGOTIABLE_STAGES and reason in NEGOTIABLE_REASONS


def negotiation_set_aside(s: Situation) -> str | None:
    """One sentence saying why a wish to negotiate was not followed; None when it fits or wasn't asked."""
    if not s.negotiable or negotiation_fits(s.stage, s.reason) or s.stage is Stage.NO_RESPONSE:
        return None
    if s.stage is Stage.ACCEPTED:
        return (
            "I've set negotiation aside: you already accepted their offer, so the fair thing now is to tell "
            "them quickly and apologise, not to reopen the terms."
        )
    if s.reason is Reason.OTHER_OFFER:
        return "I've set negotiation aside: you've taken another offer, so a clean withdrawal is fairer to them."
    if s.reason is Reason.RED_FLAGS:
        return "I've set negotiation aside: better terms don't fix red flags in how they work."
    return (
        "I've set negotiation aside: there's been no conversation yet to build on, so a short, "
        "prompt reply is the better move."
    )


def plan_for(situation: Situation, *, help_url: str | None = None) -> Plan:
    """Return the plan for `situation`; `help_url` turns on human-help suggestions."""
    s = situation
    if s.stage is Stage.NO_RESPONSE:
        return _no_action_plan(s, help_url)
    if s.negotiable and negotiation_fits(s.stage, s.reason):
        return _negotiation_plan(s, help_url)
    channels, reasoning = withdrawal_channels(s)
    set_aside = negotiation_set_aside(s)
    if set_aside:
        reasoning.insert(0, set_aside)
    reasoning.extend(modifier_reasoning(s))
    reasoning.append(urgency_sentence(s))
    return Plan(
        action=Action.WITHDRAW,
        channels=channels,
        urgency=Urgency.IMMEDIATE if s.stage is Stage.ACCEPTED or s.visa else Urgency.PROMPT,
        reasoning=tuple(reasoning),
        checklist=checklist_for(s, channels),
        draft_specs=draft_specs_for(channels, recruiter_relays=relays(s)),
        help=_help(s, help_url),
    )


def _negotiation_plan(s: Situation, help_url: str | None) -> Plan:
    channel = Channel.RECRUITER if s.via_recruiter else Channel.EMAIL
    how = (
        "Ask your recruiter to set up that conversation, since they manage the process for you."
        if s.via_recruiter
        else "Ask them by email for a short meeting, so your concerns are on record and easy to act on."
    )
    reasoning = [
        "Try negotiating before you withdraw, because you'd still want this job if pay, scope or "
        "flexibility changed.",
        how,
        "Name your one or two deal-breakers and give them a decision deadline, so it doesn't drag on.",
        "If it doesn't work out, withdraw promptly; I'll plan that with you then.",
    ]
    checklist = NEGOTIATION_CHECKLIST
    if s.visa:
        # article: a started visa petition or relocation commitment means telling them quickly, whatever you do
        reasoning.insert(
            1,
            "They already started a visa petition or committed relocation support, so tell them promptly "
            "where you stand; negotiate the timeline and support around it rather than asking for sponsorship.",
        )
        deal_breakers = replace(checklist[0], text=checklist[0].text.replace("visa sponsorship", "visa timing"))
        checklist = (deal_breakers, VISA_NOTICE_NEGOTIATING, *checklist[1:])
    return Plan(
        action=Action.NEGOTIATE,
        channels=(channel,),
        urgency=Urgency.IMMEDIATE if s.visa else Urgency.PROMPT,
        reasoning=tuple(reasoning),
        checklist=checklist,
        draft_specs=(DraftSpec(DraftKind.NEGOTIATION_EMAIL, channel),),
        help=_help(s, help_url),
    )


def default_style(situation: Situation) -> DraftStyle:
    """The first revision's knobs: a reason line when there is one, the door as asked."""
    return DraftStyle(
        include_reason=situation.reason is not Reason.UNSPECIFIED,
        door_open=situation.keep_door_open,
    )


def linkedin_fits(s: Situation) -> bool:
    """Article: LinkedIn only when it has been the main channel, the relationship is informal, and it's early."""
    return s.main_channel is Channel.LINKEDIN and s.informal and s.stage in EARLY_STAGES


def withdrawal_channels(s: Situation) -> tuple[tuple[Channel, ...], list[str]]:
    """The ordered channels for telling them, and why, one sentence per decision."""
    if relays(s):
        return (Channel.RECRUITER,), [
            "Tell your recruiter and let them pass it on, because you applied through them; once they "
            "confirm it reached the hiring team, you're done."
        ]
    why: list[str] = []
    # article: email when you've been communicating mostly in writing; a phone relationship gets a call
    by_phone = s.main_channel is Channel.PHONE and s.stage in (Stage.SCREENING, Stage.INTERVIEWING, Stage.FINAL)
    if s.stage is Stage.ACCEPTED:
        order = [Channel.PHONE, Channel.EMAIL]
        why.append("Call first, then confirm in writing, because you already accepted their offer.")
    elif s.stage is Stage.OFFER:
        order = [Channel.PHONE, Channel.EMAIL]
        why.append("Call first, then send an email, because they made you an offer and a call shows respect.")
    elif s.stage is Stage.FINAL and s.rapport:
        order = [Channel.PHONE, Channel.EMAIL]
        why.append(
            "Call the hiring manager, then email to confirm, because you reached the final round and built a rapport."
        )
    elif by_phone:
        order = [Channel.PHONE, Channel.EMAIL]
        why.append(
            "A quick call fits, because you've mostly talked by phone; then a short email confirms it, "
            "so there's a record."
        )
    elif s.stage is Stage.FINAL:
        order = [Channel.EMAIL]
        why.append("An email is enough: you reached the final round but without a personal rapport.")
    elif linkedin_fits(s):
        order = [Channel.LINKEDIN, Channel.EMAIL]
        saying = " saying you're no longer available" if s.stage is Stage.APPLIED else ""
        why.append(
            f"Reply soon with a short LinkedIn message{saying}, since it's been your main channel and things "
            "are informal; the email draft is there if you'd rather write one."
        )
    elif s.stage is Stage.APPLIED:
        order = [Channel.EMAIL]
        why.append("Reply by email soon, because they reached out: say you're no longer available.")
        if s.main_channel is Channel.PHONE:
            why.append("Even though you've mostly talked by phone, a written reply leaves you both a record.")
    else:
        order = [Channel.EMAIL]
        why.append("A short email is the right channel at this early stage.")

    if s.main_channel is Channel.LINKEDIN and not linkedin_fits(s):
        if s.stage.is_late:
            why.append("Skip LinkedIn at this stage: this late in the process it needs a call or an email.")
        else:
            why.append("Use email rather than LinkedIn, because the relationship isn't informal.")

    if s.via_recruiter and s.stage is Stage.ACCEPTED:
        order.insert(0, Channel.RECRUITER)
        why.insert(
            0,
            "Tell your recruiter first and say you'll call the employer yourself: after accepting, the "
            "employer should hear it from you by phone, then in writing.",
        )
    elif s.via_recruiter:
        order.insert(0, Channel.RECRUITER)
        why.insert(0, "Tell your recruiter first, and say you'll also contact the hiring team yourself.")
    return tuple(order), why


def draft_specs_for(channels: tuple[Channel, ...], *, recruiter_relays: bool = False) -> tuple[DraftSpec, ...]:
    """One draft per channel; a call gets a script plus the email that confirms it."""
    specs: list[DraftSpec] = []
    for channel in channels:
        if channel is Channel.RECRUITER:
            specs.append(DraftSpec(DraftKind.RECRUITER_NOTE, Channel.RECRUITER))
            if recruiter_relays:
                break
        elif channel is Channel.PHONE:
            specs.append(DraftSpec(DraftKind.PHONE_SCRIPT, Channel.PHONE))
        elif channel is Channel.LINKEDIN:
            specs.append(DraftSpec(DraftKind.LINKEDIN, Channel.LINKEDIN))
        elif Channel.PHONE in channels:
            specs.append(DraftSpec(DraftKind.FOLLOW_UP_EMAIL, Channel.EMAIL))
        else:
            specs.append(DraftSpec(DraftKind.EMAIL, Channel.EMAIL))
    return tuple(specs)


def next_draft(sent: DraftKind, specs: tuple[DraftSpec, ...]) -> DraftSpec | None:
    """What to draft once `sent` has gone out: the employer after the recruiter (when the user tells them too),
    the confirming email after a call; None when the withdrawal is complete."""
    if sent is DraftKind.RECRUITER_NOTE:
        return next((s for s in specs if s.kind is not DraftKind.RECRUITER_NOTE), None)
    if sent is DraftKind.PHONE_SCRIPT:
        return DraftSpec(DraftKind.FOLLOW_UP_EMAIL, Channel.EMAIL)
    return None


def switch_channels(s: Situation, *, current: Channel | None, negotiate: bool = False) -> tuple[Channel, ...]:
    """The channels "Switch channel" may offer: LinkedIn only where the article allows it (`linkedin_fits`:
    the main channel, informal, early), the recruiter only if there is one; a negotiation is asked for in
    writing (to the employer or through the recruiter), never on a call script."""
    allowed = (Channel.EMAIL, Channel.RECRUITER) if negotiate else tuple(Channel)
    return tuple(
        c
        for c in allowed
        if c is not current
        and (c is not Channel.RECRUITER or s.via_recruiter)
        and (c is not Channel.LINKEDIN or linkedin_fits(s))
    )


def draft_spec_for_channel(channel: Channel, *, negotiate: bool = False) -> DraftSpec:
    """The draft to write when the user switches to `channel` by hand."""
    if negotiate:
        return DraftSpec(DraftKind.NEGOTIATION_EMAIL, channel)
    return draft_specs_for((channel,))[0]


def _no_action_plan(s: Situation, help_url: str | None) -> Plan:
    return Plan(
        action=Action.NONE,
        channels=(),
        urgency=Urgency.NONE,
        reasoning=(
            "You never heard back, so there's nothing to send: no action is needed.",
            "If they do reach out, reply quickly that you're no longer available.",
        ),
        checklist=no_action_checklist(),
        draft_specs=(),
        help=_help(s, help_url),
    )


def help_reasons(s: Situation) -> tuple[str, ...]:
    """Why a human coach might help here; empty when nothing calls for one."""
    reasons: list[str] = []
    if s.reason is Reason.OTHER_OFFER and s.stage in (Stage.OFFER, Stage.ACCEPTED):
        reasons.append("you are weighing more than one offer")
    if s.visa or s.reason is Reason.RELOCATION_VISA:
        # article: complex international logistics (visas, relocation) — whenever they drive the decision
        reasons.append("visas and relocation make the logistics complex")
    if s.stage is Stage.ACCEPTED:
        reasons.append("you are rescinding an accepted offer")
    late_now = 1 if s.stage.is_late else 0
    if s.late_withdrawals_before + late_now >= 2:
        reasons.append("late-stage withdrawals keep happening, and the cause is usually upstream")
    return tuple(reasons)


def _help(s: Situation, help_url: str | None) -> HelpSuggestion | None:
    reasons = help_reasons(s)
    if not help_url or not reasons:
        return None
    return HelpSuggestion(url=help_url, reasons=reasons)
