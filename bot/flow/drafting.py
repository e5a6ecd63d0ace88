"""After the questions: the plan, numbered draft revisions, sending, negotiating, closing.

Each public function takes the conversation, the case and the chosen value and
returns a `Step`. Revisions are never edited in place: every action appends the
next numbered revision, linted, so the thread reads as a history.
"""

from __future__ import annotations

import re
from dataclasses import replace

from exit_coach.flow.outcome import Context, Step
from exit_coach.flow.questions import next_question
from exit_coach.flow.replies import CancelReminders, Effect, Say, ScheduleReminder
from exit_coach.flow.state import MAX_REVISIONS, Case, Conversation, Phase, Revision, ScreenRef, situation_of
from exit_coach.flow.texts import (
    REENTRY_MOBILITY,
    REENTRY_MONTHS,
    REENTRY_TRANSITION,
    REENTRY_TWO_WEEKS,
    RELAY_FOLLOW_UP,
)
from exit_coach.flow.view import (
    case_prompt,
    channels_to_switch_to,
    plan_of,
    risky_findings,
    show_checklist,
    show_plan,
    show_revision,
)
from exit_coach.lint import lint_draft
from exit_coach.model import Action, Channel, DraftKind, DraftSpec, DraftStyle, Language, Reason, Stage
from exit_coach.reminders import (
    CHECKIN_KINDS,
    NEGOTIATION_AGAIN,
    NUDGE_WHEN_ACCEPTED,
    ReminderKind,
    due,
    shown,
)
from exit_coach.roadmap import default_style, draft_spec_for_channel, linkedin_fits, next_draft

NUDGE_LIMIT = 5


def _on(screen: str, rev: Revision) -> str:
    """The id of a screen about `rev`, such as `rev:3` (see `ScreenRef`)."""
    return ScreenRef(screen, rev.number).id


def _save(conv: Conversation, case: Case) -> Conversation:
    return conv.with_case(case)


def enter_plan(conv: Conversation, case: Case, ctx: Context) -> Step:
    """All questions answered: show the plan and what to do next."""
    plan = plan_of(case, conv, ctx)
    if plan.action is Action.NONE:
        case = replace(case, phase=Phase.NO_ACTION, question="no_action").logged(ctx.stamp, "Plan: no action needed")
        conv = _save(conv, case)
        return Step(conv, (show_plan(case, conv, ctx), *case_prompt(case, conv, ctx)))
    case = replace(case, phase=Phase.PLANNED, question="plan", style=default_style(situation_of(case, conv)))
    if plan.action is Action.WITHDRAW:  # answering the questions was deciding; a negotiation ticks nothing yet
        case = case.ticked("decide")
    case = case.logged(ctx.stamp, f"Plan: {plan.action.value} via {', '.join(plan.channels)}")
    conv = _save(conv, case)
    nudge = ReminderKind.NUDGE_SEND
    at = ctx.now + NUDGE_WHEN_ACCEPTED if case.answers.stage is Stage.ACCEPTED else due(nudge, ctx.now)
    effects: tuple[Effect, ...] = (CancelReminders(case.id, (nudge,)), ScheduleReminder(case.id, nudge, at))
    return Step(conv, (show_plan(case, conv, ctx), *case_prompt(case, conv, ctx)), effects)


def _new_revision(
    case: Case,
    conv: Conversation,
    ctx: Context,
    spec: DraftSpec,
    *,
    style: DraftStyle | None = None,
    body: str | None = None,
) -> Case:
    style = style or case.style
    situation = situation_of(case, conv)
    draft = ctx.render(spec, situation, style)
    edited = body is not None
    if body is not None:
        draft = replace(draft, body=body)
    findings = lint_draft(
        draft, situation.stage, lang=draft.language.value, linkedin_fits=linkedin_fits(situation)
    )
    number = len(case.revisions) + 1
    rev = Revision(number, spec.kind, spec.channel, draft.subject, draft.body, style, findings, edited)
    what = "edited by you" if edited else spec.kind.label
    return replace(
        case,
        phase=Phase.DRAFTING,
        question=ScreenRef("rev", number).id,
        style=style,
        revisions=(*case.revisions, rev),
    ).logged(ctx.stamp, f"Draft {number} ({what}, {spec.channel.label})")


def _too_many_revisions(conv: Conversation, case: Case, ctx: Context) -> Step | None:
    """Refuse another revision past MAX_REVISIONS (sending, and the call's follow-up, stay possible)."""
    if len(case.revisions) < MAX_REVISIONS:
        return None
    note = Say(
        f"That's {MAX_REVISIONS} revisions, the most I keep for one case. Send the latest one as it is.",
        case.id,
    )
    return Step(conv, (note, *case_prompt(case, conv, ctx)))


def _with_revision(conv: Conversation, case: Case) -> Step:
    conv = _save(conv, case)
    assert case.latest is not None
    return Step(conv, (show_revision(case, case.latest),))


def choose_plan(conv: Conversation, case: Case, value: str, ctx: Context) -> Step:
    if value == "withdraw":
        case = replace(case, answers=replace(case.answers, negotiable=False))
        return enter_plan(conv, case, ctx)
    refused = _too_many_revisions(conv, case, ctx)
    if refused:
        return refused
    spec = plan_of(case, conv, ctx).draft_specs[0]
    return _with_revision(conv, _new_revision(case, conv, ctx, spec))


def choose_no_action(conv: Conversation, case: Case, value: str, ctx: Context) -> Step:
    if value == "reached_out":
        case = replace(case, answers=replace(case.answers, stage=Stage.APPLIED), phase=Phase.ASKING)
        case = replace(case, question=next_question(case, conv.profile, after="stage"))
        conv = _save(conv, case)
        note = Say("Then reply soon and keep it short. A couple more questions:", case.id)
        return Step(conv, (note, *case_prompt(case, conv, ctx)))
    return close_case(conv, case, ctx)


def close_case(conv: Conversation, case: Case, ctx: Context) -> Step:
    case = replace(case, phase=Phase.CLOSED, question=None).logged(ctx.stamp, "Case closed")
    conv = replace(_save(conv, case), active=None if conv.active == case.id else conv.active)
    reply = Say(f"Closed {case.title}. Type `start` whenever you need me again.", case.id)
    waiting = (ReminderKind.NUDGE_SEND, ReminderKind.NEGOTIATION_CHECK, ReminderKind.RELAY_CHECK)
    return Step(conv, (reply,), (CancelReminders(case.id, waiting),))


def revision_action(conv: Conversation, case: Case, value: str, ctx: Context) -> Step:
    """A button under the latest revision: restyle, edit, switch, or send."""
    rev = case.latest
    assert rev is not None
    spec = DraftSpec(rev.kind, rev.channel)
    toggles = {"shorter": "shorter", "warmer": "warmer", "reason": "include_reason", "door": "door_open"}
    if value in (*toggles, "edit", "switch", "language") and (refused := _too_many_revisions(conv, case, ctx)):
        return refused
    if value in toggles:
        attr = toggles[value]
        style = replace(rev.style, **{attr: not getattr(rev.style, attr)})
        return _with_revision(conv, _new_revision(case, conv, ctx, spec, style=style))
    if value == "edit":
        case = replace(case, question=_on("edit", rev))
        conv = _save(conv, case)
        return Step(conv, case_prompt(case, conv, ctx))
    if value in ("switch", "language"):  # each opens its own sub-screen for this revision
        case = replace(case, question=_on(value, rev))
        conv = _save(conv, case)
        return Step(conv, case_prompt(case, conv, ctx))
    if value == "call_done":
        return call_done(conv, case, ctx)
    if risky_findings(rev):
        # one confirmation before something flawed goes out by accident
        case = replace(case, question=_on("confirm_send", rev))
        conv = _save(conv, case)
        return Step(conv, case_prompt(case, conv, ctx))
    return mark_sent(conv, case, ctx)


def confirm_send(conv: Conversation, case: Case, value: str, ctx: Context) -> Step:
    """The answer to "send it anyway?": record that it went out despite the findings, or go back to the draft."""
    rev = case.latest
    assert rev is not None
    if value == "anyway":
        codes = ", ".join(f.code for f in risky_findings(rev))
        return mark_sent(conv, case.logged(ctx.stamp, f"Sent draft {rev.number} anyway, despite: {codes}"), ctx)
    return _with_revision(conv, replace(case, question=_on("rev", rev)))


def switch_channel(conv: Conversation, case: Case, value: str, ctx: Context) -> Step:
    rev = case.latest
    assert rev is not None
    if value == "keep":
        case = replace(case, question=_on("rev", rev))
        return _with_revision(conv, case)
    negotiate = rev.kind is DraftKind.NEGOTIATION_EMAIL
    channel = Channel(value)
    if channel not in channels_to_switch_to(case):
        return _with_revision(conv, replace(case, question=_on("rev", rev)))
    spec = draft_spec_for_channel(channel, negotiate=negotiate)
    return _with_revision(conv, _new_revision(case, conv, ctx, spec))


def switch_language(conv: Conversation, case: Case, value: str, ctx: Context) -> Step:
    """The same draft, same style, in another language; later drafts of the case follow it."""
    rev = case.latest
    assert rev is not None
    if value not in {lang.value for lang in Language} or value == case.language.value:
        return _with_revision(conv, replace(case, question=_on("rev", rev)))  # "keep", or a stale choice
    case = replace(case, language=Language(value)).logged(ctx.stamp, f"Drafts now in {Language(value).label}")
    return _with_revision(conv, _new_revision(case, conv, ctx, DraftSpec(rev.kind, rev.channel), style=rev.style))


def submit_edit(conv: Conversation, case: Case, body: str, ctx: Context) -> Step:
    rev = case.latest
    assert rev is not None
    if body == rev.body:
        case = replace(case, question=_on("rev", rev))
        conv = _save(conv, case)
        return Step(conv, (Say("No changes, so no new revision.", case.id), show_revision(case, rev)))
    case = _new_revision(case, conv, ctx, DraftSpec(rev.kind, rev.channel), style=rev.style, body=body)
    return _with_revision(conv, case)


NEXT_DRAFT_NAMES: dict[DraftKind, str] = {
    DraftKind.PHONE_SCRIPT: "the call to the employer",
    DraftKind.EMAIL: "the email to the employer",
    DraftKind.FOLLOW_UP_EMAIL: "the email that confirms your call",
    DraftKind.LINKEDIN: "the LinkedIn message",
}


def call_done(conv: Conversation, case: Case, ctx: Context) -> Step:
    """After the call: log it, tick it, and draft the email that confirms it."""
    case = _went_out(case.ticked("call").logged(ctx.stamp, "Called them (phone)"), DraftKind.PHONE_SCRIPT, ctx)
    if case.answers.stage is Stage.ACCEPTED:
        case = case.ticked("apologize")
    spec = _next_to_draft(case, conv, ctx, DraftKind.PHONE_SCRIPT)
    if spec is None:
        return finish(conv, case, ctx, "Call logged, and it's all recorded.")
    return _continue(conv, case, ctx, spec, "Call logged. Now confirm it in writing, so there's a record:")


def _went_out(case: Case, kind: DraftKind, ctx: Context) -> Case:
    return replace(case, sent_at=case.sent_at or ctx.stamp, went_out=tuple(dict.fromkeys((*case.went_out, kind))))


def _next_to_draft(case: Case, conv: Conversation, ctx: Context, after: DraftKind) -> DraftSpec | None:
    """The plan's next draft after `after`, skipping what already went out (a call made before a switch)."""
    specs = plan_of(case, conv, ctx).draft_specs
    nxt = next_draft(after, specs)
    while nxt is not None and nxt.kind in case.went_out:
        nxt = next_draft(nxt.kind, specs)
    return nxt


STAYS_CONNECTED = re.compile(
    r"\b(?:(?:stay|keep|remain)(?:ing)? (?:in touch|connected)|reconnect\w*|referr\w*|recommend someone|"
    r"suggest someone|hand-?over|future (?:roles?|opportunit\w+))\b",
    re.IGNORECASE,
)
"""Words that offer a referral or to stay in touch, in what the user actually sent (an edit may drop them)."""


def ticks_from_what_was_sent(rev: Revision) -> list[str]:
    """The checklist steps the sent text itself fulfils, read from its own lint findings and words (article:
    a brief message with thanks and a clear withdrawal; offer a referral or to stay connected), never from
    the draft settings an edit may have overridden."""
    found = {f.code for f in rev.findings}
    ticks = [] if found & {"no_withdrawal", "no_thanks"} else ["draft"]
    if STAYS_CONNECTED.search(rev.body):
        ticks.append("stay_connected")
    return ticks


def mark_sent(conv: Conversation, case: Case, ctx: Context) -> Step:
    """Record what went out, by which channel and when; then the next draft of the plan, or done."""
    rev = case.latest
    assert rev is not None
    when = shown(ctx.now, conv.profile.clock)
    case = case.logged(ctx.stamp, f"Sent draft {rev.number} ({rev.kind.value}) by {rev.channel.value}")
    if rev.kind is DraftKind.NEGOTIATION_EMAIL:
        case = replace(case.ticked("ask_meeting", "set_deadline"), phase=Phase.NEGOTIATING, question="outcome")
        conv = _save(conv, case)
        effects = (
            CancelReminders(case.id, ("nudge_send",)),
            ScheduleReminder(case.id, ReminderKind.NEGOTIATION_CHECK, due(ReminderKind.NEGOTIATION_CHECK, ctx.now)),
        )
        note = Say(f"Recorded: negotiation email sent {when}. I'll check in on your deadline in a week.", case.id)
        return Step(conv, (note, *case_prompt(case, conv, ctx)), effects)
    ticks = ["choose_channel", "send_and_log", *ticks_from_what_was_sent(rev)]
    if rev.channel is Channel.RECRUITER:
        ticks.append("tell_people")
    if rev.kind is DraftKind.FOLLOW_UP_EMAIL:
        ticks.append("confirm_in_writing")
    case = _went_out(case.ticked(*ticks), rev.kind, ctx)
    recorded = f"Recorded: sent by {rev.channel.value} on {when}."
    nxt = _next_to_draft(case, conv, ctx, rev.kind)
    if nxt is not None:
        return _continue(conv, case, ctx, nxt, f"{recorded} Next, {NEXT_DRAFT_NAMES[nxt.kind]}:")
    if rev.kind is DraftKind.RECRUITER_NOTE:
        relay = f"{recorded} Your recruiter passes it on from here. {RELAY_FOLLOW_UP}"
        # article: the recruiter relays; the follow-up is checking that it reached the team
        check = ScheduleReminder(case.id, ReminderKind.RELAY_CHECK, due(ReminderKind.RELAY_CHECK, ctx.now))
        return finish(conv, case, ctx, relay, also=(check,))
    return finish(conv, case, ctx, f"{recorded} Well done — that's the hard part.")


def _continue(conv: Conversation, case: Case, ctx: Context, spec: DraftSpec, note: str) -> Step:
    case = _new_revision(case, conv, ctx, spec)
    conv = _save(conv, case)
    assert case.latest is not None
    return Step(conv, (Say(note, case.id), show_revision(case, case.latest)))


def finish(conv: Conversation, case: Case, ctx: Context, note: str, *, also: tuple[Effect, ...] = ()) -> Step:
    """The withdrawal is complete: stop nudging, schedule the opted-in check-ins, show the checklist."""
    case = replace(case, phase=Phase.SENT, question="after", sent_at=case.sent_at or ctx.stamp)
    conv = _save(conv, case)
    effects: list[Effect] = [CancelReminders(case.id, ("nudge_send",)), *also]
    if conv.profile.checkins:
        effects += checkins_for(case, ctx)
    return Step(
        conv, (Say(note, case.id), show_checklist(case, conv, ctx), *case_prompt(case, conv, ctx)), tuple(effects)
    )


def checkins_for(case: Case, ctx: Context) -> list[Effect]:
    """The re-entry check-ins: two weeks, two months, and six months when mobility drove the decision.

    Any earlier ones of the case are cancelled first, so opting in twice never doubles them.
    """
    effects: list[Effect] = [
        CancelReminders(case.id, CHECKIN_KINDS),
        ScheduleReminder(case.id, ReminderKind.CHECKIN_2W, due(ReminderKind.CHECKIN_2W, ctx.now)),
        ScheduleReminder(case.id, ReminderKind.CHECKIN_3M, due(ReminderKind.CHECKIN_3M, ctx.now)),
    ]
    if _mobility(case):
        effects.append(
            ScheduleReminder(case.id, ReminderKind.CHECKIN_MOBILITY, due(ReminderKind.CHECKIN_MOBILITY, ctx.now))
        )
    return effects


def _mobility(case: Case) -> bool:
    """Article: the mobility-first roadmap is for a withdrawal that mobility drove (the reason), not merely one
    where the employer had started visa steps."""
    return case.answers.reason is Reason.RELOCATION_VISA


def reentry_text(case: Case) -> str:
    """The re-entry plan; leaving for another offer adds finalising that transition to the first two weeks."""
    two_weeks = REENTRY_TWO_WEEKS + (REENTRY_TRANSITION if case.answers.reason is Reason.OTHER_OFFER else "")
    lines = ["What comes next:", two_weeks, REENTRY_MONTHS]
    if _mobility(case):
        lines.append(REENTRY_MOBILITY)
    return "\n".join(lines)


def choose_after(conv: Conversation, case: Case, value: str, ctx: Context) -> Step:
    if value.startswith("tick:"):
        case = case.ticked(value.removeprefix("tick:")).logged(ctx.stamp, f"Done: {value.removeprefix('tick:')}")
        conv = _save(conv, case)
        return Step(conv, (show_checklist(case, conv, ctx), *case_prompt(case, conv, ctx)))
    if value == "reentry":
        return Step(conv, (Say(reentry_text(case), case.id), *case_prompt(case, conv, ctx)))
    if value == "accepted":
        from exit_coach.flow import closeout  # the close-out builds on this module

        return closeout.offer(conv, ctx)
    if value == "reopen":
        from exit_coach.flow import history

        return history.reopen(conv, case, ctx)
    if value == "checkins":
        conv, effects = set_checkins(conv, True, ctx)
        note = checkins_note(case) + _zone_note(conv)
        return Step(conv, (Say(note, case.id), *case_prompt(case, conv, ctx)), effects)
    return close_case(conv, case, ctx)


def set_checkins(conv: Conversation, on: bool, ctx: Context) -> tuple[Conversation, tuple[Effect, ...]]:
    """Opt in (check-ins for every case whose message went out) or out (cancel every pending one)."""
    conv = replace(conv, profile=replace(conv.profile, checkins=on))
    effects: list[Effect] = []
    for case in conv.cases:
        if on and case.phase is Phase.SENT:
            effects += checkins_for(case, ctx)
        elif not on:
            effects.append(CancelReminders(case.id, CHECKIN_KINDS))
    return conv, tuple(effects)


def _zone_note(conv: Conversation) -> str:
    """Name the zone reminders follow when the user never chose one (it is UTC until they do)."""
    clock = conv.profile.clock
    return "" if clock.tz_source else f" They come in daytime {clock.tz} time; `settings` changes your time zone."


def checkins_note(case: Case) -> str:
    later = ", two months and six months" if _mobility(case) else " and again in two months"
    return f"I'll check in with you in two weeks{later}. `settings` turns it off."


def choose_outcome(conv: Conversation, case: Case, value: str, ctx: Context) -> Step:
    if value == "stayed":
        case = replace(case, phase=Phase.STAYED, question=None).logged(ctx.stamp, "Negotiation worked: staying")
        conv = replace(_save(conv, case), active=None if conv.active == case.id else conv.active)
        reply = Say("Congratulations. Nothing to withdraw, then; I've closed this case.", case.id)
        return Step(conv, (reply,), (CancelReminders(case.id),))
    if value == "withdraw":
        case = replace(case, answers=replace(case.answers, negotiable=False)).logged(
            ctx.stamp, "Negotiation didn't work: withdrawing"
        )
        step = enter_plan(conv, case, ctx)
        return Step(step.state, step.replies, (CancelReminders(case.id, ("negotiation_check",)), *step.effects))
    if case.nudges >= NUDGE_LIMIT:
        return Step(conv, (Say("It has been a while: decide now, so the process doesn't drag on.", case.id),
                           *case_prompt(case, conv, ctx)))
    case = replace(case, nudges=case.nudges + 1)
    conv = _save(conv, case)
    note = Say("Okay. I'll ask again in three days; don't let it drag on past your deadline.", case.id)
    effects = (ScheduleReminder(case.id, ReminderKind.NEGOTIATION_CHECK, ctx.now + NEGOTIATION_AGAIN),)
    return Step(conv, (note, *case_prompt(case, conv, ctx)), effects)
