"""The transition function: `step(state, event, ctx) -> Step`.

It routes an event to the right handler, and answers everything it can't act
on (a stale button, another user's case, an unknown word, a too-long answer)
with a clear reply and the state unchanged. It does no I/O and never sends:
the shell saves `Step.state`, delivers `Step.replies` and performs `Step.effects`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from exit_coach.flow import closeout, drafting, followup
from exit_coach.flow.commands import answer_pending, run_command, save_signature
from exit_coach.flow.events import GLOBAL_COMMANDS, Choose, Command, Event, ReminderDue, Start, SubmitForm, Text
from exit_coach.flow.outcome import Context, Step
from exit_coach.flow.questions import BY_ID, Problem, next_question
from exit_coach.flow.replies import Ask, AskForm, Option, Reply, Say, ShowRevision
from exit_coach.flow.screens import case_prompt, live_screen, prompt
from exit_coach.flow.state import MAX_CASES, MAX_OPEN_CASES, Case, Conversation, Phase
from exit_coach.flow.texts import FOREIGN, STALE, WELCOME
from exit_coach.flow.view import GLOBAL_PENDING
from exit_coach.model import Language
from exit_coach.text import is_blank

MAX_TEXT = 4000


def step(state: Conversation, event: Event, ctx: Context) -> Step:
    """Apply one event to one user's conversation."""
    return closeout.track(state, _route(state, event, ctx), ctx)


def _route(state: Conversation, event: Event, ctx: Context) -> Step:
    if isinstance(event, Text):
        return _text(_in_thread_of(state, event.case_id), event.text, ctx)
    if isinstance(event, Command):
        name = event.name.strip().lower()
        if name in ("start", "new"):
            return start(state, ctx, new=name == "new")
        if name not in GLOBAL_COMMANDS:
            return _with_prompt(state, ctx, Say(f"I don't know the command {name[:40]!r}. Type `help` for the list."))
        return run_command(state, name, event.arg, ctx)
    if isinstance(event, Start):
        if event.locale:  # the default draft language for cases opened from now on
            state = replace(state, profile=replace(state.profile, locale=event.locale[:20]))
        return start(state, ctx, new=event.new)
    if isinstance(event, Choose):
        return _choose(state, event, ctx)
    if isinstance(event, SubmitForm):
        return _submit(state, event.question, event.values, event.case_id, ctx)
    if isinstance(event, ReminderDue):
        return followup.reminder_due(state, event.kind, event.case_id, ctx)
    return _with_prompt(state, ctx, Say("I didn't understand that."))


def _with_prompt(conv: Conversation, ctx: Context, *before: Reply) -> Step:
    return Step(conv, (*before, *prompt(conv, ctx)))


def start(conv: Conversation, ctx: Context, *, new: bool) -> Step:
    case = conv.active_case
    if not new and case is not None and case.phase.is_open:
        return _with_prompt(replace(conv, pending=None), ctx, Say(f"Picking up where we left off: {case.title}."))
    return open_case(replace(conv, pending=None), ctx)


def open_case(conv: Conversation, ctx: Context) -> Step:
    if len(conv.cases) >= MAX_CASES:
        note = Say(f"You have {MAX_CASES} cases, the most I keep. `export` them, then `forget` to start afresh.")
        return _with_prompt(conv, ctx, note)
    if sum(c.phase.is_open for c in conv.cases) >= MAX_OPEN_CASES:
        note = Say(f"You have {MAX_OPEN_CASES} open cases. Close or cancel one first (`cases` to pick it).")
        return _with_prompt(conv, ctx, note)
    language = Language.from_locale(conv.profile.locale)
    case = Case(id=ctx.new_id, created_at=ctx.stamp, language=language).logged(ctx.stamp, "Case opened")
    intro: tuple[Reply, ...] = () if conv.profile.welcomed else (Say(WELCOME),)
    conv = replace(conv.with_case(case), active=case.id, profile=replace(conv.profile, welcomed=True))
    return Step(conv, (*intro, *prompt(conv, ctx)))


def _in_thread_of(conv: Conversation, case_id: str | None) -> Conversation:
    """Text typed in an open case's thread makes that case the active one; anything else changes nothing."""
    case = conv.case(case_id)
    if case is None or not case.phase.is_open or conv.active == case.id:
        return conv
    return replace(conv, active=case.id, pending=None)


def _text(conv: Conversation, raw: str, ctx: Context) -> Step:
    text = raw.strip()
    if is_blank(text):
        return _with_prompt(conv, ctx, Say("I didn't catch that."))
    if len(text) > MAX_TEXT:
        return _with_prompt(conv, ctx, Say(f"That's too long ({len(text):,} characters; the limit is {MAX_TEXT:,})."))
    if (answered := followup.typed(conv, text, ctx)) is not None:
        return answered
    if " ".join(text.lower().rstrip(".!").split()) in closeout.PHRASES:
        return closeout.command(conv, ctx)
    word, _, arg = text.lstrip("/").partition(" ")
    if word.lower() in (*GLOBAL_COMMANDS, "start", "new") and (not arg or word.lower() == "faq"):
        return step(conv, Command(word.lower(), arg), ctx)
    if conv.pending:
        current = prompt(conv, ctx)[0]
        return _answer_text(conv, current, text, None, ctx)
    case = conv.active_case
    if case is None or not case.phase.is_open:
        return start(conv, ctx, new=False)
    return _answer_text(conv, case_prompt(case, conv, ctx)[-1], text, case.id, ctx)


def _choices(shown: Reply) -> tuple[tuple[Option, ...], str]:
    """The buttons on screen and the question they answer (a revision's actions answer `rev:N`)."""
    if isinstance(shown, Ask):
        return shown.options, shown.question
    if isinstance(shown, ShowRevision):
        return shown.actions, shown.question
    return (), ""


def _answer_text(conv: Conversation, shown: Reply, text: str, case_id: str | None, ctx: Context) -> Step:
    """Typed text against what is on screen: an option's number, label or value, or a one-field form."""
    options, question = _choices(shown)
    if options:
        low = text.lower()
        for index, option in enumerate(options, start=1):
            if low in (str(index), option.label.lower(), option.value.lower()):
                return _choose(conv, Choose(option.value, question, case_id), ctx)
        return _with_prompt(conv, ctx, Say(f"Please pick one of the options (1–{len(options)})."))
    if isinstance(shown, AskForm) and len(shown.fields) == 1:
        return _submit(conv, shown.question, {shown.fields[0].name: text}, case_id, ctx)
    if isinstance(shown, AskForm):
        return _with_prompt(conv, ctx, Say("Please use the form for this one."))
    return _with_prompt(conv, ctx, Say("Type `help` to see what I can do."))


def _choose(conv: Conversation, event: Choose, ctx: Context) -> Step:
    if event.question.startswith(followup.REMIND_PREFIX):
        return followup.choose(conv, event.question, event.value, event.case_id, ctx)
    if event.question in GLOBAL_PENDING:
        if event.question in ("faq", "cases") or conv.pending == event.question:
            return answer_pending(conv, event.question, event.value, ctx)
        return _with_prompt(conv, ctx, Say(STALE))
    case = conv.case(event.case_id)
    if case is None:
        return _with_prompt(conv, ctx, Say(FOREIGN if event.case_id else STALE))
    if case.question != event.question or not case.phase.is_open:
        return _with_prompt(conv, ctx, Say(STALE))
    options, _ = _choices(case_prompt(case, conv, ctx)[-1])
    if event.value not in {o.value for o in options}:
        return _with_prompt(conv, ctx, Say("That isn't one of the options."))
    conv = replace(conv, active=case.id, pending=None)
    if case.phase is not Phase.ASKING:
        screen = live_screen(case, event.question)
        if screen is None or screen.choose is None:
            return _with_prompt(conv, ctx, Say(STALE))
        return screen.choose(conv, case, event.value, ctx)
    question = BY_ID[event.question]
    assert question.choose is not None
    return _advance(conv, question.choose(case, event.value), event.question, ctx)


def _advance(conv: Conversation, case: Case, answered: str, ctx: Context) -> Step:
    """Record `answered` and move to the next question that applies, or to the plan."""
    case = replace(case, asked=(*case.asked, answered))
    nxt = next_question(case, conv.profile, after=answered)
    if nxt is None:
        return drafting.enter_plan(conv, case, ctx)
    case = replace(case, question=nxt, phase=Phase.ASKING)
    conv = conv.with_case(case)
    return Step(conv, case_prompt(case, conv, ctx))


def _submit(conv: Conversation, question: str, values: Mapping[str, str], case_id: str | None, ctx: Context) -> Step:
    values = {str(k): str(v) for k, v in values.items()}
    if question == "settings_signature":
        if conv.pending != question:
            return _with_prompt(conv, ctx, Say(STALE))
        return save_signature(conv, values, ctx)
    if question in followup.SETTINGS_FORMS:
        return followup.submit_setting(conv, question, values, ctx)
    case = conv.case(case_id)
    if case is None:
        return _with_prompt(conv, ctx, Say(FOREIGN if case_id else STALE))
    if case.question != question or not case.phase.is_open:
        return _with_prompt(conv, ctx, Say(STALE))
    conv = replace(conv, active=case.id, pending=None)
    if case.phase is not Phase.ASKING:
        screen = live_screen(case, question)
        if screen is None or screen.submit is None:
            return _with_prompt(conv, ctx, Say(STALE))
        return screen.submit(conv, case, values, ctx)
    q = BY_ID.get(question)
    if q is None or q.submit is None:
        return _with_prompt(conv, ctx, Say(STALE))
    got = q.submit(case, conv.profile, values)
    if isinstance(got, Problem):
        return _with_prompt(conv, ctx, Say(got.message))
    case, profile = got
    return _advance(replace(conv, profile=profile), case, question, ctx)


__all__ = ["Context", "Step", "open_case", "start", "step"]
