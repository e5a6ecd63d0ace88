"""Global commands (help, back, cancel, ...) and the answers to their own questions.

Every command works at any point of any case. A command that needs a
confirmation or a pick (forget, faq, cases, settings) sets `pending`, which the
next answer resolves; then the user is shown where they were.
"""

from __future__ import annotations

from dataclasses import replace

from exit_coach.flow import closeout, followup, history
from exit_coach.flow.drafting import set_checkins
from exit_coach.flow.history import history_text
from exit_coach.flow.outcome import Context, Step
from exit_coach.flow.questions import Problem, checked_signature
from exit_coach.flow.replies import CancelReminders, Effect, ExportData, ForgetUser, Say
from exit_coach.flow.screens import prompt
from exit_coach.flow.state import Case, Conversation, Phase, ScreenRef
from exit_coach.flow.texts import FAQ, HELP, RETENTION_CHOICES, privacy_text
from exit_coach.flow.view import show_checklist
from exit_coach.reminders import shown


def _step(conv: Conversation, ctx: Context, *before: Say, effects: tuple[Effect, ...] = ()) -> Step:
    return Step(conv, (*before, *prompt(conv, ctx)), effects)


def run_command(conv: Conversation, name: str, arg: str, ctx: Context) -> Step:
    case = conv.active_case
    if name == "help":
        return _step(conv, ctx, Say(HELP))
    if name == "back":
        return back(conv, ctx)
    if name == "faq":
        if arg.strip().isdecimal() and 1 <= int(arg) <= len(FAQ):
            entry = FAQ[int(arg) - 1]
            return _step(conv, ctx, Say(f"{entry.question}\n{entry.answer}"))
        return _step(replace(conv, pending="faq"), ctx)
    if name == "cases":
        if not conv.cases:
            return _step(conv, ctx, Say("You have no cases yet."))
        return _step(replace(conv, pending="cases"), ctx)
    if name == "forget":
        return _step(replace(conv, pending="forget"), ctx)
    if name == "settings":
        return _step(replace(conv, pending="settings"), ctx)
    if name == "privacy":
        text = privacy_text(operator_days=ctx.retention_days, own_days=conv.profile.retention_days,
                            encrypted=ctx.encrypted)
        return _step(conv, ctx, Say(text))
    if name == "export":
        return _step(conv, ctx, Say("Here is a copy of everything I keep about you."), effects=(ExportData(),))
    if name == "history":
        return _step(conv, ctx, Say(history_text(conv, case)))
    if name == "closeout":
        return closeout.command(conv, ctx)
    if name == "reopen":
        return history.command(conv, ctx)
    if name == "status":
        return _step(conv, ctx, Say(status_text(conv, case, ctx)))
    if case is None or not case.phase.is_open:
        return _step(conv, ctx, Say("There's no open case for that. Type `start` to begin one."))
    if name == "cancel":
        case = replace(case, phase=Phase.CANCELLED, question=None).logged(ctx.stamp, "Cancelled")
        conv = replace(conv.with_case(case), active=None, pending=None)
        note = Say(f"Cancelled {case.title}. Its record is kept: `cases` shows it, `start` opens a new one.")
        return Step(conv, (note,), (CancelReminders(case.id),))
    # restart: the same case from its first question, keeping its log; never after something was sent
    if case.sent_at:
        sent_on = shown(case.sent_at, conv.profile.clock)
        note = Say(f"{case.title} was sent on {sent_on}, so I keep its record as it is. "
                   "`start` opens a new case.")
        return _step(conv, ctx, note)
    fresh = Case(
        id=case.id, created_at=case.created_at, log=case.log, company=case.company, role=case.role, contact=case.contact
    ).logged(ctx.stamp, "Restarted")
    conv = replace(conv.with_case(fresh), pending=None)
    return Step(conv, (Say("Starting this case over."), *prompt(conv, ctx)), (CancelReminders(case.id),))


def back(conv: Conversation, ctx: Context) -> Step:
    """Go back one question; drafts and sends are not undone."""
    if conv.pending:
        return _step(replace(conv, pending=None), ctx)
    case = conv.active_case
    if case is None:
        return _step(conv, ctx, Say("There's nothing to go back to."))
    on = ScreenRef.parse(case.question)
    if case.phase is Phase.DRAFTING and on is not None and on.revision is not None and on.screen != "rev":
        # switch, edit or "send anyway?": back to the revision they belong to
        assert case.latest is not None
        case = replace(case, question=ScreenRef("rev", case.latest.number).id)
    elif case.sent_at:  # the employer or recruiter already knows: the answers that led here stay as they were
        return _step(conv, ctx, Say("That step is done and recorded; `back` can't undo what you've told them."))
    elif case.phase is Phase.DRAFTING:
        case = replace(case, phase=Phase.PLANNED, question="plan")
    elif case.phase in (Phase.ASKING, Phase.PLANNED, Phase.NO_ACTION):
        if not case.asked:
            return _step(conv, ctx, Say("This is the first question."))
        case = replace(case, phase=Phase.ASKING, question=case.asked[-1], asked=case.asked[:-1])
    else:
        return _step(conv, ctx, Say("That step is done and recorded; `back` can't undo a sent message."))
    return _step(conv.with_case(case), ctx)


def answer_pending(conv: Conversation, question: str, value: str, ctx: Context) -> Step:
    """A pick for a global question: faq, cases, forget, settings."""
    if question == "faq":
        entry = next((e for e in FAQ if e.key == value), None)
        if entry is None:
            return _step(conv, ctx, Say("I don't know that question."))
        return _step(replace(conv, pending=None), ctx, Say(f"{entry.question}\n{entry.answer}"))
    if question == "cases":
        return pick_case(conv, value, ctx)
    if question == closeout.PENDING:
        return closeout.answer(conv, value, ctx)
    if question == history.PENDING:
        return history.answer(conv, value, ctx)
    if question == "forget":
        if value == "yes":
            return Step(Conversation(), (Say("Done: I've deleted everything I kept about you."),), (ForgetUser(),))
        return _step(replace(conv, pending=None), ctx, Say("Nothing was deleted."))
    if question == "settings":
        if value == "signature":
            return _step(replace(conv, pending="settings_signature"), ctx)
        if value == "retention":
            return _step(replace(conv, pending="settings_retention"), ctx)
        if (clock_step := followup.choose_setting(conv, value, ctx)) is not None:
            return clock_step
        if value == "checkins":
            conv, effects = set_checkins(replace(conv, pending=None), not conv.profile.checkins, ctx)
            state = "on" if conv.profile.checkins else "off"
            return _step(conv, ctx, Say(f"Check-ins are {state}."), effects=effects)
        return _step(replace(conv, pending=None), ctx)
    if question == "settings_retention":
        days = int(value) if value.isdecimal() and int(value) in RETENTION_CHOICES else None
        profile = replace(conv.profile, retention_days=days)
        kept = f"{min(days, ctx.retention_days)} days" if days else f"{ctx.retention_days} days (the operator's)"
        return _step(replace(conv, profile=profile, pending=None), ctx,
                     Say(f"Cases no one has touched for {kept} will be deleted."))
    return _step(conv, ctx)


def save_signature(conv: Conversation, values: dict[str, str], ctx: Context) -> Step:
    got = checked_signature(values)
    if isinstance(got, Problem):
        return _step(conv, ctx, Say(got.message))
    profile = replace(conv.profile, signature=got)
    note = "Signature saved. Drafts from now on use it" + (
        "; the one on screen was written before, so restyle or edit it to refresh." if conv.active_case and
        conv.active_case.phase is Phase.DRAFTING else "."
    )
    return _step(replace(conv, profile=profile, pending=None), ctx, Say(note))


def pick_case(conv: Conversation, case_id: str, ctx: Context) -> Step:
    if case_id == "new":
        from exit_coach.flow.step import open_case  # a new case is the step module's business

        return open_case(replace(conv, pending=None), ctx)
    case = conv.case(case_id)
    if case is None:
        return _step(conv, ctx, Say("I can't find that case."))
    conv = replace(conv, active=case.id, pending=None)
    return _step(conv, ctx, Say(f"Now on: {case.title}."))


def status_text(conv: Conversation, case: Case | None, ctx: Context) -> str:
    if case is None:
        open_cases = sum(1 for c in conv.cases if c.phase.is_open)
        return f"No case is active. You have {len(conv.cases)} case(s), {open_cases} open."
    lines = [f"{case.title}: {case.phase.value}."]
    if case.answers.stage:
        lines.append(f"Stage: {case.answers.stage.label}. Reason: {case.answers.reason.label}.")
    if case.revisions:
        lines.append(f"Latest draft: revision {len(case.revisions)}.")
    lines.append(f"Opened: {shown(case.created_at, conv.profile.clock)}.")
    if case.sent_at:
        lines.append(f"Sent: {shown(case.sent_at, conv.profile.clock)}.")
    if case.phase is not Phase.ASKING:
        items = show_checklist(case, conv, ctx).items
        lines.append(f"Checklist: {sum(i.done for i in items)} of {len(items)} done.")
    return "\n".join(lines)
