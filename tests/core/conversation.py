"""A test driver for the pure flow: a conversation held in memory, a fake clock, fixed ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from exit_coach.drafts import DraftRenderer
from exit_coach.flow.events import Choose, Command, Event, ReminderDue, Start, SubmitForm, Text
from exit_coach.flow.outcome import Context, Step
from exit_coach.flow.replies import Ask, AskForm, Effect, Reply, Say, ShowPlan, ShowRevision
from exit_coach.flow.state import Case, Conversation
from exit_coach.flow.step import step

RENDERER = DraftRenderer()
SIGNATURE = {"name": "Sam Lee", "email": "sam@example.com", "phone": "+1 555 0100"}


@dataclass
class Talk:
    """Feeds events to `step` and keeps what came back, like a user at a keyboard."""

    state: Conversation = field(default_factory=Conversation)
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    help_url: str | None = None
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()
    seq: int = 0

    def send(self, event: Event) -> tuple[Reply, ...]:
        self.seq += 1
        ctx = Context(now=self.now, new_id=f"case{self.seq}", render=RENDERER.render, help_url=self.help_url)
        result: Step = step(self.state, event, ctx)
        self.state, self.replies, self.effects = result.state, result.replies, result.effects
        self.now += timedelta(minutes=1)
        return self.replies

    def say(self, text: str) -> tuple[Reply, ...]:
        return self.send(Text(text))

    def command(self, name: str, arg: str = "") -> tuple[Reply, ...]:
        return self.send(Command(name, arg))

    def start(self, *, new: bool = False) -> tuple[Reply, ...]:
        return self.send(Start(new=new))

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    @property
    def question(self) -> str | None:
        last = self.last
        if isinstance(last, ShowRevision):
            return last.question
        return getattr(last, "question", None)

    def click(self, value: str) -> tuple[Reply, ...]:
        """Press the button with `value` on the last thing shown."""
        last = self.last
        if isinstance(last, ShowRevision):
            assert value in {a.value for a in last.actions}, (value, last.actions)
            return self.send(Choose(value, last.question, last.case_id))
        assert isinstance(last, Ask), last
        assert value in {o.value for o in last.options}, (value, last.options)
        return self.send(Choose(value, last.question, last.case_id))

    def fill(self, **values: str) -> tuple[Reply, ...]:
        last = self.last
        assert isinstance(last, AskForm), last
        return self.send(SubmitForm(last.question, values, last.case_id))

    def due(self, kind: str, case_id: str) -> tuple[Reply, ...]:
        return self.send(ReminderDue(kind, case_id))

    @property
    def case(self) -> Case:
        case = self.state.active_case
        assert case is not None
        return case

    def texts(self) -> str:
        return "\n".join(r.text for r in self.replies if isinstance(r, Say | Ask | AskForm))

    def plan(self) -> ShowPlan:
        return next(r for r in self.replies if isinstance(r, ShowPlan))

    def revision(self) -> ShowRevision:
        return next(r for r in reversed(self.replies) if isinstance(r, ShowRevision))


QUIET_DEFAULTS = {"visa": "no", "relay": "relay", "language": "en"}
"""Answers for the questions only some cases get, when a test doesn't care (the article's defaults)."""


def answer_through(
    talk: Talk, *, company: str = "Acme", role: str = "Data Engineer", contact: str = "Dana Reyes", **answers: str
) -> None:
    """Answer every roadmap question from `answers` (question id -> option value) until the plan shows."""
    talk.start()
    talk.fill(company=company, role=role, contact=contact)
    for _ in range(20):
        q = talk.question
        if q in (None, "plan", "no_action"):
            return
        if q == "signature":
            talk.fill(**SIGNATURE)
            continue
        if q == "recruiter_name":
            talk.fill(recruiter=answers.get("recruiter_name", "Priya Raman"))
            continue
        value = answers.get(q, QUIET_DEFAULTS.get(q))
        assert value is not None, f"unexpected question {q!r}; answers given: {sorted(answers)}"
        talk.click(value)
    raise AssertionError("the questions never ended")
