"""Withdrawn is an outcome, and reversible: `history`, and reopening a withdrawn case.

`history` shows each case with its stage, reason, channel, dates (in the
user's zone, never ISO) and what was sent. A withdrawn case (its message went
out) can be reopened when the employer comes back with a better offer: its
log, drafts and the moment of the earlier withdrawal are kept, and it starts
again from the stage question.
"""

from __future__ import annotations

from dataclasses import replace

from exit_coach.flow.outcome import Context, Step
from exit_coach.flow.replies import Ask, CancelReminders, Option, Say
from exit_coach.flow.state import Case, Conversation, Phase
from exit_coach.flow.view import prompt
from exit_coach.reminders import UserClock, shown

PENDING = "reopen"
SENT_PREFIXES = ("Sent draft", "Called them")


def case_summary(case: Case, clock: UserClock) -> list[str]:
    """A case in a few lines: where it stands, why, how, when, and what went out."""
    a = case.answers
    lines = [f"{case.title} — {case.phase.value.replace('_', ' ')}"]
    stage = a.stage.label if a.stage else "stage not given yet"
    channel = case.latest.channel.value if case.latest else "—"
    lines.append(f"  Stage: {stage} · Reason: {a.reason.label} · Channel: {channel}")
    dates = f"  Opened {shown(case.created_at, clock, zone=False)}"
    if case.sent_at:
        dates += f" · Sent {shown(case.sent_at, clock, zone=False)}"
    dates += "".join(f" · Withdrawn earlier {shown(at, clock, zone=False)}" for at in case.withdrawn_before)
    lines.append(dates)
    sent = [e for e in case.log if e.text.startswith(SENT_PREFIXES)]
    lines.extend(f"  {shown(e.at, clock, zone=False)}: {e.text}" for e in sent[-5:])
    return lines


def history_text(conv: Conversation, case: Case | None) -> str:
    """The active case's history (or every case's), with its recent log; times in the user's zone."""
    clock = conv.profile.clock
    cases = [case] if case else list(conv.cases)
    if not cases:
        return "Nothing yet."
    out: list[str] = []
    for c in cases:
        out.extend(case_summary(c, clock))
        if case is not None:
            out.append("  Log:")
            out.extend(f"    {shown(e.at, clock, zone=False)}  {e.text}" for e in c.log[-30:])
    out.append(f"(Times in {clock.tz}.)")
    return "\n".join(out)


def withdrawn(conv: Conversation) -> list[Case]:
    """Cases whose withdrawal went out and that are not live again."""
    return [c for c in conv.cases if c.sent_at and c.phase in (Phase.SENT, Phase.CLOSED)]


def command(conv: Conversation, ctx: Context) -> Step:
    """`reopen`: the active case when it was withdrawn, else a pick among the withdrawn ones."""
    active = conv.active_case
    if active is not None and active in withdrawn(conv):
        return reopen(conv, active, ctx)
    if not withdrawn(conv):
        return Step(conv, (Say("There's no withdrawn case to reopen."), *prompt(conv, ctx)))
    conv = replace(conv, pending=PENDING)
    return Step(conv, prompt(conv, ctx))


def pending_prompt(conv: Conversation) -> Ask:
    options = tuple(Option(c.title, c.id) for c in reversed(withdrawn(conv)))[:20]
    return Ask(PENDING, "Which case came back to you?", (*options, Option("None of them", "none")))


def answer(conv: Conversation, value: str, ctx: Context) -> Step:
    case = conv.case(value)
    conv = replace(conv, pending=None)
    if case is None or case not in withdrawn(conv):
        return Step(conv, prompt(conv, ctx))
    return reopen(conv, case, ctx)


def reopen(conv: Conversation, case: Case, ctx: Context) -> Step:
    """They came back with a better offer: the case is live again from the stage question; nothing is lost."""
    assert case.sent_at is not None
    case = replace(
        case,
        phase=Phase.ASKING,
        question="stage",
        asked=("details",),
        answers=replace(case.answers, stage=None),
        withdrawn_before=(*case.withdrawn_before, case.sent_at),
        sent_at=None,
        went_out=(),
        done=(),
        nudges=0,
    ).logged(ctx.stamp, "Reopened: they came back with a better offer")
    conv = replace(conv.with_case(case), active=case.id, pending=None)
    note = Say(f"Reopened {case.title}; its history is kept (`history`). Where do things stand now?", case.id)
    return Step(conv, (note, *prompt(conv, ctx)), (CancelReminders(case.id),))
