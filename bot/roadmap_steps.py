"""The roadmap's checklist and the sentences that stage and modifiers add to a plan's reasoning.

Pure data-building for `exit_coach.roadmap.plan_for`: every item and sentence
here appears only when it applies to the case (no signed-document logistics
before an offer, no recruiter step without a recruiter, no "check what you
signed" after the user said they signed nothing). No I/O.
"""

from __future__ import annotations

from exit_coach.model import Channel, ChecklistItem, Reason, Situation, Stage

NEGOTIATION_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("deal_breakers", "Name the one or two deal-breakers (pay floor, remote work, visa sponsorship)."),
    ChecklistItem("prepare_case", "Prepare your case: market figures and what you bring, in a few lines."),
    ChecklistItem("ask_meeting", "Ask them directly for a meeting about it."),
    ChecklistItem("set_deadline", "Give them reasonable time and tell them your decision deadline."),
    ChecklistItem("withdraw_if_fails", "If it doesn't work out, withdraw promptly instead of letting it drag."),
)
"""Article, "Negotiation vs. Withdrawal": the four steps, then withdraw promptly if it fails."""

VISA_NOTICE_NEGOTIATING = ChecklistItem(
    "visa_notice", "Tell them promptly where you stand, since they already started visa or relocation steps."
)
"""Article: a started visa petition or relocation commitment calls for telling them quickly, even mid-negotiation."""

NEVER_PUBLIC = "Don't criticise them in public either (reviews, social posts): it can follow you."


def relays(s: Situation) -> bool:
    """Through a recruiter, the recruiter passes the news on unless the user tells the employer too.

    Never once an offer was accepted: the article asks the user to phone the employer and confirm in
    writing, so the recruiter is told as well, not instead."""
    return s.via_recruiter and not s.tell_employer_too and s.stage is not Stage.ACCEPTED


def received_money(s: Situation) -> str:
    """What the user received and may repay after rescinding: "the relocation assistance", "the signing
    bonus", both, or "" (article: discuss repayment only of what was received)."""
    got = (("the relocation assistance", s.relocation), ("the signing bonus", s.signing_bonus))
    return " and ".join(name for name, received in got if received)


def modifier_reasoning(s: Situation) -> list[str]:
    """The sentences the stage and the modifiers add after the channel reasoning."""
    out: list[str] = []
    if s.stage is Stage.ACCEPTED:
        if s.signed:
            out.append("Re-read what you signed before you tell them: it may set notice or repayment terms.")
        out.append("Give one clear reason and apologise for the disruption.")
        money = received_money(s)
        if money:
            it = "them" if s.relocation and s.signing_bonus else "it"
            out.append(f"Offer to discuss repaying or settling {money}, since you received {it}.")
        out.append(
            "To rebuild goodwill, offer a referral for the role or a short hand-over conversation, where it fits."
        )
    if s.visa:
        out.append(
            "Tell them at once, because they started a visa petition or committed relocation support; "
            "expect follow-up on next steps."
        )
    if s.reason is Reason.RED_FLAGS:
        out.append(
            "Keep it to the shortest message: a plain thanks, no praise and no criticism. "
            "If you want to give feedback, do it privately through the recruiter."
        )
        out.append(NEVER_PUBLIC)
    elif s.reason is Reason.RELOCATION_VISA:
        out.append("Name the logistic constraint (timeline or visa) in one short line.")
    if s.keep_door_open:
        out.append("Add one sentence about staying in touch, since you want to keep the door open.")
    return out


def urgency_sentence(s: Situation) -> str:
    """Firm about timing, never guilt: the article asks to act promptly, the kind way."""
    if s.stage is Stage.ACCEPTED:
        return "Tell them today if you can: the sooner they know, the sooner they can re-plan."
    return "Send it as soon as your decision is final; waiting only makes it harder for both sides."


def checklist_for(s: Situation, channels: tuple[Channel, ...]) -> tuple[ChecklistItem, ...]:
    """The roadmap steps of a withdrawal, with the stage- and modifier-specific items in place."""
    items: list[ChecklistItem] = []
    add = items.append
    add(ChecklistItem("decide", "Confirm your decision and write your reason in one sentence."))
    if s.stage is Stage.ACCEPTED and s.signed:
        add(ChecklistItem("review_signed", "Review what you signed for obligations before you act."))
    if s.via_recruiter and s.stage is Stage.ACCEPTED:
        tell = "Tell your recruiter first, and that you'll call the employer yourself."
    elif s.via_recruiter:
        tell = "Tell your recruiter first and ask them to pass it on."
    else:
        tell = "Tell a mentor or anyone advising you, if they're involved."
    add(ChecklistItem("tell_people", tell))
    add(ChecklistItem("choose_channel", "Use the channel: " + " → ".join(c.label for c in channels) + "."))
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
        money = received_money(s)
        if money:
            add(ChecklistItem("repayment", f"Discuss repaying or settling {money}."))
    if s.visa:
        add(ChecklistItem("visa_notice", "Tell them now about the visa or relocation steps and agree next steps."))
    add(ChecklistItem("send_and_log", "Send it promptly and keep a record of when and how."))
    if relays(s):
        add(ChecklistItem("recruiter_confirmed", "Check that your recruiter confirmed it reached the hiring team."))
    if s.stage is Stage.ACCEPTED:
        add(ChecklistItem("stay_connected", "Offer a referral for the role or a short hand-over, where it fits."))
    else:
        add(ChecklistItem("stay_connected", "Offer a referral or to stay in touch, where it fits."))
    if s.stage is Stage.ACCEPTED:
        papers = "signed documents, equipment" if s.signed else "any paperwork, equipment"
        papers += ", repayments" if received_money(s) else ""
        add(ChecklistItem("logistics", f"Close the logistics ({papers}) and keep copies."))
    elif s.stage is Stage.OFFER:
        add(ChecklistItem("logistics", "Close the loose ends (offer paperwork, start-date plans) and keep copies."))
    return tuple(items)


def no_action_checklist() -> tuple[ChecklistItem, ...]:
    return (
        ChecklistItem("decide", "Confirm your decision and note your reason in one sentence."),
        ChecklistItem("reply_if_contacted", "If they contact you, reply soon that you're no longer available."),
        ChecklistItem("update_tracker", "Mark it closed in your job-search tracker."),
    )
