"""The screens after the questions, declared as data, and the one parser for the ids that name them.

Theory of operation: a case is always on exactly one screen, named by `Case.question`. While the
phase is ASKING that is a roadmap question (`exit_coach.flow.questions.QUESTIONS`); afterwards it
is one of the `SCREENS` below — the plan, the no-action choice, a draft revision and its sub-screens
(switch channel, edit, send anyway?), the negotiation outcome and the after-send checklist. Each
`Screen` says in which phase it is shown, whether its id carries a revision number (`rev:3`), how it
is shown (`show`) and what an answer does (`choose` for buttons, `submit` for a form). The router
(`exit_coach.flow.step`), the display (`case_prompt`, `exit_coach.flow.view.form_on_screen`) and
the property tests all read this one table, so a screen can't be shown without a handler or handled
in the wrong phase. Ids are parsed once into a `ScreenRef` (`exit_coach.flow.state`); nothing splits
them by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from exit_coach.flow import drafting, view
from exit_coach.flow.outcome import Context, Step
from exit_coach.flow.questions import Problem, clean_text
from exit_coach.flow.replies import Reply, Say
from exit_coach.flow.state import Case, Conversation, Phase, ScreenRef

Show = Callable[[Case, Conversation, Context], Reply]
Choose = Callable[[Conversation, Case, str, Context], Step]
Submit = Callable[[Conversation, Case, Mapping[str, str], Context], Step]


@dataclass(frozen=True)
class Screen:
    """One screen after the questions: where it shows, how, and what an answer does."""

    name: str
    phase: Phase
    show: Show
    choose: Choose | None = None
    submit: Submit | None = None
    per_revision: bool = False
    """Its id names the revision it acts on (`rev:3`); only the latest revision's screens are live."""

    def ref(self, case: Case) -> ScreenRef:
        """This screen's id for `case` (its latest revision, for per-revision screens)."""
        return ScreenRef(self.name, case.latest.number if self.per_revision and case.latest else None)


def _submit_edit(conv: Conversation, case: Case, values: Mapping[str, str], ctx: Context) -> Step:
    body = clean_text(values.get("body", ""), label="The message", max_length=4000, multiline=True)
    if isinstance(body, Problem) or not body:
        note = Say(body.message if isinstance(body, Problem) else "The message is empty.")
        return Step(conv, (note, *case_prompt(case, conv, ctx)))
    return drafting.submit_edit(conv, case, body, ctx)


SCREENS: dict[str, Screen] = {
    s.name: s
    for s in (
        Screen("plan", Phase.PLANNED, view.plan_choice, choose=drafting.choose_plan),
        Screen("no_action", Phase.NO_ACTION, view.no_action_choice, choose=drafting.choose_no_action),
        Screen("rev", Phase.DRAFTING, view.latest_revision, choose=drafting.revision_action, per_revision=True),
        Screen("switch", Phase.DRAFTING, view.switch_choice, choose=drafting.switch_channel, per_revision=True),
        Screen("language", Phase.DRAFTING, view.language_choice, choose=drafting.switch_language, per_revision=True),
        Screen("edit", Phase.DRAFTING, view.edit_form, submit=_submit_edit, per_revision=True),
        Screen("confirm_send", Phase.DRAFTING, view.send_anyway_choice, choose=drafting.confirm_send,
               per_revision=True),
        Screen("outcome", Phase.NEGOTIATING, view.negotiation_choice, choose=drafting.choose_outcome),
        Screen("after", Phase.SENT, view.after_sent_choice, choose=drafting.choose_after),
    )
}


def _check_declaration() -> None:
    # Fail at import, like a bad ConversationHandler config.
    for s in SCREENS.values():
        if (s.choose is None) == (s.submit is None):
            raise ValueError(f"screen {s.name!r} must have exactly one of choose or submit")
        if s.per_revision and s.phase is not Phase.DRAFTING:
            raise ValueError(f"screen {s.name!r} names a revision outside the drafting phase")
        if ScreenRef.parse(s.name) != ScreenRef(s.name):
            raise ValueError(f"screen name {s.name!r} is not a valid screen id")


_check_declaration()


def live_screen(case: Case, question: str | None = None) -> Screen | None:
    """The screen `question` (default: the case's own) names, if it is the one the case is on right now."""
    ref = ScreenRef.parse(case.question if question is None else question)
    if ref is None or ref.id != case.question:
        return None
    screen = SCREENS.get(ref.screen)
    if screen is None or screen.phase is not case.phase or screen.ref(case) != ref:
        return None
    return screen


def case_prompt(case: Case, conv: Conversation, ctx: Context) -> tuple[Reply, ...]:
    """What the case shows now: its question, or its screen, or a note that it is closed."""
    if case.phase is Phase.ASKING:
        return (view.ask_question(case, conv),)
    screen = live_screen(case)
    if screen is None:
        return (Say(f"{case.title} is closed. Type `start` for a new case or `cases` to pick another."),)
    return (screen.show(case, conv, ctx),)


def prompt(conv: Conversation, ctx: Context) -> tuple[Reply, ...]:
    """Show the user where they are now: the pending question, or the active case's next step."""
    if conv.pending:
        return (view.pending_prompt(conv),)
    case = conv.active_case
    if case is None:
        return (Say("No case is open. Type `start` to begin one, or `cases` to pick up an earlier one."),)
    return case_prompt(case, conv, ctx)
