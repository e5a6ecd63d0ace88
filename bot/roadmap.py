"""The withdrawal roadmap: one situation in, one plan out.

`plan_for` is a pure function. It decides the action (nothing, withdraw, or
negotiate first), the order of channels, the urgency, the reasoning the user
sees, the checklist, which drafts to write and whether to suggest a human. It
does not render drafts (see `exit_coach.drafts`) and does no I/O.
"""

from __future__ import annotations

from exit_coach.model import (
    Action,
    Channel,
    ChecklistItem,
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

EARLY_STAGES = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING)
NEGOTIABLE_STAGES = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.FINAL, Stage.OFFER, Stage.ACCEPTED)


def plan_for(situation: Situation, *, help_url: str | None = None) -> Plan:
    """Return the plan for `situation`; `help_url` turns on human-help suggestions."""
    s = situation
    if s.stage is Stage.NO_RESPONSE:
        return _no_action_plan(s, help_url)
    action = Action.NEGOTIATE if s.negotiable and s.stage in NEGOTIABLE_STAGES else Action.WITHDRAW
    channels, channel_reasons = withdrawal_channels(s)
    reasoning = list(channel_reasons)
    if action is Action.NEGOTIATE:
        reasoning.insert(0, _NEGOTIATE_FIRST)
        negotiation_channel = Channel.RECRUITER if s.via_recruiter else Channel.EMAIL
        specs: tuple[DraftSpec, ...] = (DraftSpec(DraftKind.NEGOTIATION_EMAIL, negotiation_channel),)
    else:
        specs = draft_specs_for(channels)
    reasoning.extend(_modifier_reasoning(s))
    reasoning.append(_urgency_sentence(s.stage))
    return Plan(
        action=action,
        channels=channels,
        urgency=Urgency.IMMEDIATE if s.stage is Stage.ACCEPTED else Urgency.PROMPT,
        reasoning=tuple(reasoning),
        checklist=checklist_for(s, action, channels),
        draft_specs=specs,
        help=_help(s, help_url),
    )


def default_style(situation: Situation) -> DraftStyle:
    """The first revision's knobs: a reason line when there is one, the door as asked."""
    return DraftStyle(
        include_reason=situation.reason is not Reason.UNSPECIFIED,
        door_open=situation.keep_door_open,
    )


def withdrawal_channels(s: Situation) -> tuple[tuple[Channel, ...], list[str]]:
    """The ordered channels for telling them, and why, one sentence per decision."""
    why: list[str] = []
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
    elif s.stage is Stage.FINAL:
        order = [Channel.EMAIL]
        why.append("An email is enough: you reached the final round but without a personal rapport.")
    elif s.stage is Stage.APPLIED:
        order = [Channel.EMAIL]
        why.append("Reply by email soon, because they reached out: say you're no longer available.")
    else:
        order = [Channel.EMAIL]
        why.append("A short email is the right channel at this early stage.")

    if s.main_channel is Channel.LINKEDIN:
        if s.informal and s.stage in EARLY_STAGES:
            order.insert(0, Channel.LINKEDIN)
            why.append("A LinkedIn message is fine here: it's been your main channel and things are informal.")
        elif s.stage.is_late:
            why.append("Skip LinkedIn at this stage: this late in the process it needs a call or an email.")
        else:
            why.append("Use email rather than LinkedIn, because the relationship isn't informal.")

    if s.via_recruiter:
        order.insert(0, Channel.RECRUITER)
        why.append("Tell your recruiter first and let them pass it on, because you applied through them.")
    return tuple(order), why


def draft_specs_for(channels: tuple[Channel, ...]) -> tuple[DraftSpec, ...]:
    """One draft per channel; a call gets a script plus the email that confirms it."""
    specs: list[DraftSpec] = []
    for channel in channels:
        if channel is Channel.RECRUITER:
            specs.append(DraftSpec(DraftKind.RECRUITER_NOTE, Channel.RECRUITER))
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
    """What to draft once `sent` has gone out: the employer after the recruiter, the confirming email after
    a call; None when the withdrawal is complete."""
    if sent is DraftKind.RECRUITER_NOTE:
        return next((s for s in specs if s.kind is not DraftKind.RECRUITER_NOTE), None)
    if sent is DraftKind.PHONE_SCRIPT:
        return DraftSpec(DraftKind.FOLLOW_UP_EMAIL, Channel.EMAIL)
    return None


def draft_spec_for_channel(channel: Channel, *, negotiate: bool = False) -> DraftSpec:
    """The draft to write when the user switches to `channel` by hand."""
    if negotiate:
        return DraftSpec(DraftKind.NEGOTIATION_EMAIL, channel)
    return draft_specs_for((channel,))[0]


_NEGOTIATE_FIRST = (
    "Try negotiating before you withdraw, because you'd still want this job if pay, scope or "
    "flexibility changed. If it doesn't work out, withdraw promptly."
)


def _modifier_reasoning(s: Situation) -> list[str]:
    out: list[str] = []
    if s.stage is Stage.ACCEPTED:
        if s.signed:
            out.append("Re-read what you signed before you call: it may set notice or repayment terms.")
        else:
            out.append("Check whether you signed anything before you call.")
        out.append("Give one clear reason and apologise for the disruption.")
        if s.relocation or s.signing_bonus:
            money = " and ".join(
                name
                for name, got in (("relocation assistance", s.relocation), ("a signing bonus", s.signing_bonus))
                if got
            )
            out.append(f"Offer to discuss repaying or settling {money}, since you received it.")
        if s.visa:
            out.append(
                "Tell them at once, because they started visa or relocation steps; expect follow-up on next steps."
            )
    if s.reason is Reason.RED_FLAGS:
        out.append(
            "Keep it to the shortest message: a plain thanks, no praise and no criticism. "
            "If you want to give feedback, do it privately through the recruiter."
        )
    elif s.reason is Reason.RELOCATION_VISA:
        out.append("Name the logistic constraint (timeline or visa) in one short line.")
    if s.keep_door_open:
        out.append("Add one sentence about staying in touch, since you want to keep the door open.")
    return out


def _urgency_sentence(stage: Stage) -> str:
    if stage is Stage.ACCEPTED:
        return "Act today: every day you wait costs them more."
    return "Send it as soon as your decision is final; waiting only makes it harder for both sides."


def checklist_for(s: Situation, action: Action, channels: tuple[Channel, ...]) -> tuple[ChecklistItem, ...]:
    """The seven roadmap steps, with the stage- and modifier-specific items in place."""
    items: list[ChecklistItem] = []
    add = items.append
    if action is Action.NEGOTIATE:
        add(
            ChecklistItem(
                "deal_breakers", "Name the one or two deal-breakers (pay floor, remote work, visa sponsorship)."
            )
        )
        add(ChecklistItem("prepare_case", "Prepare your case: market figures and what you bring, in a few lines."))
        add(ChecklistItem("ask_meeting", "Ask them directly for a meeting about it."))
        add(ChecklistItem("set_deadline", "Give them reasonable time and tell them your decision deadline."))
        add(ChecklistItem("withdraw_if_fails", "If it doesn't work out, withdraw promptly instead of letting it drag."))
    add(ChecklistItem("decide", "Confirm your decision and write your reason in one sentence."))
    if s.stage is Stage.ACCEPTED:
        add(ChecklistItem("review_signed", "Review anything you signed for obligations before you act."))
    people = "your recruiter first" if s.via_recruiter else "anyone involved first, such as a recruiter or mentor"
    add(ChecklistItem("tell_people", f"Tell {people}."))
    add(ChecklistItem("choose_channel", "Use the channel: " + " → ".join(c.value for c in channels) + "."))
    add(
        ChecklistItem(
            "draft", "Draft a brief message: thanks, a clear withdrawal, an optional one-line reason, goodwill."
        )
    )
    if Channel.PHONE in channels:
        add(ChecklistItem("call", "Make the call; be brief and kind."))
        add(ChecklistItem("confirm_in_writing", "After the call, send the email that confirms it."))
    if s.stage is Stage.ACCEPTED:
        add(ChecklistItem("apologize", "Give a clear reason and apologise for the disruption."))
        if s.relocation or s.signing_bonus:
            add(ChecklistItem("repayment", "Discuss repaying or settling the relocation assistance or signing bonus."))
        if s.visa:
            add(ChecklistItem("visa_notice", "Tell them now about the visa or relocation steps and agree next steps."))
    add(ChecklistItem("send_and_log", "Send it promptly and keep a record of when and how."))
    add(ChecklistItem("stay_connected", "Offer a referral or to stay in touch, where it fits."))
    add(ChecklistItem("logistics", "Close the logistics (signed documents, equipment, repayments) and keep copies."))
    return tuple(items)


def _no_action_plan(s: Situation, help_url: str | None) -> Plan:
    return Plan(
        action=Action.NONE,
        channels=(),
        urgency=Urgency.NONE,
        reasoning=(
            "You never heard back, so there's nothing to send: no action is needed.",
            "If they do reach out, reply quickly that you're no longer available.",
        ),
        checklist=(
            ChecklistItem("decide", "Confirm your decision and note your reason in one sentence."),
            ChecklistItem("reply_if_contacted", "If they contact you, reply soon that you're no longer available."),
            ChecklistItem("update_tracker", "Mark it closed in your job-search tracker."),
        ),
        draft_specs=(),
        help=_help(s, help_url),
    )


def help_reasons(s: Situation) -> tuple[str, ...]:
    """Why a human coach might help here; empty when nothing calls for one."""
    reasons: list[str] = []
    if s.reason is Reason.OTHER_OFFER and s.stage in (Stage.OFFER, Stage.ACCEPTED):
        reasons.append("you are weighing more than one offer")
    if s.visa or (s.reason is Reason.RELOCATION_VISA and s.relocation):
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
