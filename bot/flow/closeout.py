"""The close-out: after accepting another offer, one ready draft for each other open application.

Three ways in: a withdrawal that went out with the reason `other_offer` (offered
right after the step that sent it), the after-send button "I accepted another
offer", and the `closeout` command (or typing "I accepted another offer"). The
coach lists the other open applications and, on a yes, writes one draft per
case on the channel its stage calls for. The batch (`Profile.closeout`) is
tracked after every step: a case leaves it when its message is marked sent (or
its call logged), when it is closed, or when the user skips it. One reminder
row nudges about the whole batch, never one per case.
"""

from __future__ import annotations

from dataclasses import replace

from exit_coach.flow.drafting import NUDGE_LIMIT, _new_revision
from exit_coach.flow.outcome import Context, Step
from exit_coach.flow.replies import Ask, CancelReminders, Effect, Option, Reply, Say, ScheduleReminder
from exit_coach.flow.state import Case, CloseoutBatch, Conversation, Phase, situation_of
from exit_coach.flow.view import plan_of, prompt, show_revision
from exit_coach.model import Action, Reason
from exit_coach.reminders import NUDGE_AGAIN, ReminderKind, due
from exit_coach.roadmap import default_style

PENDING = "closeout"
PHRASES = ("i accepted another offer", "i accepted an offer", "accepted another offer")
NOTHING_OPEN = "You have no other open applications to close out."


def eligible(conv: Conversation) -> list[Case]:
    """Open cases nobody has been told about yet, whose stage is known (it picks the channel)."""
    return [
        c
        for c in conv.cases
        if c.phase in (Phase.ASKING, Phase.PLANNED, Phase.DRAFTING, Phase.NEGOTIATING, Phase.NO_ACTION)
        and not c.sent_at
        and c.answers.stage is not None
    ]


def offer(conv: Conversation, ctx: Context) -> Step:
    """List the other open applications and offer to draft a withdrawal for each."""
    if not eligible(conv):
        return Step(conv, (Say(NOTHING_OPEN), *prompt(conv, ctx)))
    conv = replace(conv, pending=PENDING)
    return Step(conv, prompt(conv, ctx))


def pending_prompt(conv: Conversation) -> Ask:
    batch = conv.profile.closeout
    if batch is not None and batch.cases:
        left = [c for c in (conv.case(i) for i in batch.cases) if c is not None]
        text = f"Close-out: {batch.total - len(left)} of {batch.total} done. Still to send: " + ", ".join(
            c.title for c in left
        ) + ". Each draft is in its case (`cases` picks one)."
        options = tuple(Option(f"Skip {c.title}", f"skip:{c.id}") for c in left[:10])
        return Ask(PENDING, text, (*options, Option("Back to my case", "later")))
    cases = eligible(conv)
    lines = "\n".join(f"• {c.title} — {c.answers.stage.label if c.answers.stage else ''}" for c in cases)
    text = (
        f"Congratulations on the offer. You have {len(cases)} other open application(s):\n{lines}\n"
        "Shall I draft a short withdrawal for each, on the right channel for its stage? You send them one by one."
    )
    return Ask(PENDING, text, (Option("Draft them all", "prepare", "primary"), Option("Not now", "later")))


def answer(conv: Conversation, value: str, ctx: Context) -> Step:
    """A pick on the close-out question: draft them all, skip one, or later."""
    if value == "prepare":
        return prepare(replace(conv, pending=None), ctx)
    if value.startswith("skip:"):
        return skip(conv, value.removeprefix("skip:"), ctx)
    conv = replace(conv, pending=None)
    return Step(conv, prompt(conv, ctx))


def prepare(conv: Conversation, ctx: Context) -> Step:
    """One ready draft per other open case; cases with nothing to send are closed; one nudge for the batch."""
    drafted: list[Case] = []
    notes: list[Reply] = []
    effects: list[Effect] = []
    for case in eligible(conv):
        case = replace(case, answers=replace(case.answers, reason=Reason.OTHER_OFFER, negotiable=False))
        effects.append(CancelReminders(case.id, (ReminderKind.NUDGE_SEND, ReminderKind.NEGOTIATION_CHECK)))
        plan = plan_of(case, conv, ctx)
        if plan.action is Action.NONE or not plan.draft_specs:
            case = replace(case, phase=Phase.CLOSED, question=None)
            conv = conv.with_case(case.logged(ctx.stamp, "Closed out: nothing to send at this stage"))
            notes.append(Say(f"{case.title}: nothing to send at this stage, so I've closed it.", case.id))
            continue
        case = replace(case, style=default_style(situation_of(case, conv)), asked=case.asked or ("details",))
        case = case.ticked("decide").logged(ctx.stamp, "Close-out: withdrawing, another offer accepted")
        case = _new_revision(case, conv, ctx, plan.draft_specs[0])
        conv = conv.with_case(case)
        drafted.append(case)
    if not drafted:
        conv = replace(conv, pending=None)
        return Step(conv, (*notes, Say(NOTHING_OPEN) if not notes else Say("That's all of them."),
                           *prompt(conv, ctx)), tuple(effects))
    anchor = drafted[0].id
    batch = CloseoutBatch(tuple(c.id for c in drafted), len(drafted), anchor, 0)
    conv = replace(conv, profile=replace(conv.profile, closeout=batch), active=anchor, pending=None)
    effects.append(CancelReminders(anchor, (ReminderKind.CLOSEOUT,)))
    effects.append(ScheduleReminder(anchor, ReminderKind.CLOSEOUT, due(ReminderKind.CLOSEOUT, ctx.now)))
    intro = Say(
        f"Here are {len(drafted)} draft(s), one per application. Send each on its channel and mark it sent, "
        "or skip it with `closeout`. I'll nudge you once a day about whatever is left, not once per case."
    )
    revisions: list[Reply] = []
    for case in drafted:
        assert case.latest is not None
        revisions.append(show_revision(case, case.latest))
    return Step(conv, (intro, *notes, *revisions), tuple(effects))


def skip(conv: Conversation, case_id: str, ctx: Context) -> Step:
    batch = conv.profile.closeout
    case = conv.case(case_id)
    if batch is None or case is None or case_id not in batch.cases:
        return Step(conv, (Say("That case isn't waiting in the close-out any more."), *prompt(conv, ctx)))
    conv = conv.with_case(case.logged(ctx.stamp, "Skipped in the close-out"))
    conv = replace(conv, profile=replace(conv.profile, closeout=replace(batch, cases=_without(batch.cases, case_id))))
    return _progress(conv, ctx, Say(f"Skipped {case.title}; its draft stays in its case.", case_id))


def _without(ids: tuple[str, ...], case_id: str) -> tuple[str, ...]:
    return tuple(i for i in ids if i != case_id)


def _progress(conv: Conversation, ctx: Context, *before: Reply) -> Step:
    batch = conv.profile.closeout
    assert batch is not None
    if batch.cases:
        conv = replace(conv, pending=PENDING)
        return Step(conv, (*before, *prompt(conv, ctx)))
    conv = replace(conv, profile=replace(conv.profile, closeout=None), pending=None)
    done = Say("That's the close-out done: every other application is handled. Well done.")
    return Step(conv, (*before, done, *prompt(conv, ctx)), (CancelReminders(batch.anchor, (ReminderKind.CLOSEOUT,)),))


def track(before: Conversation, result: Step, ctx: Context) -> Step:
    """After any step: drop batch cases that were sent or closed, say how far it got; offer a close-out
    when this step finished a withdrawal given for another offer."""
    conv = result.state
    batch = conv.profile.closeout
    if batch is not None and batch.cases:
        left = tuple(i for i in batch.cases if (c := conv.case(i)) is not None and c.phase.is_open and not c.sent_at)
        if left != batch.cases:
            conv = replace(conv, profile=replace(conv.profile, closeout=replace(batch, cases=left)))
            note = Say(f"Close-out: {batch.total - len(left)} of {batch.total} done.")
            effects: tuple[Effect, ...] = ()
            if not left:
                conv = replace(conv, profile=replace(conv.profile, closeout=None))
                note = Say("That's the close-out done: every other application is handled. Well done.")
                effects = (CancelReminders(batch.anchor, (ReminderKind.CLOSEOUT,)),)
            return Step(conv, (*result.replies[:1], note, *result.replies[1:]), (*result.effects, *effects))
        return result
    for case in conv.cases:
        earlier = before.case(case.id)
        just_sent = case.phase is Phase.SENT and (earlier is None or earlier.phase is not Phase.SENT)
        if just_sent and case.answers.reason is Reason.OTHER_OFFER and eligible(conv):
            conv = replace(conv, pending=PENDING)
            # asked in the sent case's thread: it follows from that case's outcome
            return Step(conv, (*result.replies, replace(pending_prompt(conv), case_id=case.id)), result.effects)
    return result


def nudge(conv: Conversation, ctx: Context) -> Step:
    """The batch's one reminder: what is still to send; again a day later, a few times at most."""
    batch = conv.profile.closeout
    if batch is None or not batch.cases or batch.nudges >= NUDGE_LIMIT:
        return Step(conv, ())
    names = ", ".join(c.title for c in (conv.case(i) for i in batch.cases) if c is not None)
    conv = replace(conv, profile=replace(conv.profile, closeout=replace(batch, nudges=batch.nudges + 1)))
    note = Say(f"A nudge about your close-out: still to send — {names}. Each draft is in its case (`cases`).")
    effects = (
        CancelReminders(batch.anchor, (ReminderKind.CLOSEOUT,)),
        ScheduleReminder(batch.anchor, ReminderKind.CLOSEOUT, ctx.now + NUDGE_AGAIN),
    )
    return Step(conv, (note,), effects)


def stop_nudges(conv: Conversation) -> tuple[Conversation, tuple[Effect, ...]]:
    batch = conv.profile.closeout
    if batch is None:
        return conv, ()
    conv = replace(conv, profile=replace(conv.profile, closeout=replace(batch, nudges=NUDGE_LIMIT)))
    return conv, (CancelReminders(batch.anchor, (ReminderKind.CLOSEOUT,)),)


def command(conv: Conversation, ctx: Context) -> Step:
    """`closeout` / "I accepted another offer": the batch's progress, or the offer."""
    batch = conv.profile.closeout
    if batch is not None and batch.cases:
        conv = replace(conv, pending=PENDING)
        return Step(conv, prompt(conv, ctx))
    return offer(conv, ctx)

