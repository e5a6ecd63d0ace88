"""The conversation's state: a user's profile and cases, as frozen plain data.

Nothing here talks to a database; `exit_coach.store` saves and loads these. Helpers
that derive a `Situation` from a case's answers live here too, so the flow and
the export agree on what a case means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from exit_coach.model import Channel, DraftKind, DraftStyle, Finding, Language, Reason, Signature, Situation, Stage
from exit_coach.reminders import UserClock


class Phase(StrEnum):
    ASKING = "asking"
    PLANNED = "planned"
    DRAFTING = "drafting"
    NEGOTIATING = "negotiating"
    SENT = "sent"
    NO_ACTION = "no_action"
    STAYED = "stayed"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self not in (Phase.CLOSED, Phase.CANCELLED, Phase.STAYED)


_REF = re.compile(r"(?P<screen>[a-z_]{1,20})(?::(?P<revision>[0-9]{1,6}))?")


@dataclass(frozen=True)
class ScreenRef:
    """A screen id such as `plan` or `rev:3`, as named fields."""

    screen: str
    revision: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> ScreenRef | None:
        """The id's fields, or None for anything that is not a well-formed screen id (never raises)."""
        match = _REF.fullmatch(text or "")
        if match is None:
            return None
        number = match.group("revision")
        return cls(match.group("screen"), int(number) if number is not None else None)

    @property
    def id(self) -> str:
        return self.screen if self.revision is None else f"{self.screen}:{self.revision}"


@dataclass(frozen=True)
class Answers:
    """What the user told us about one application; None means not asked yet."""

    stage: Stage | None = None
    negotiable: bool = False
    reason: Reason = Reason.UNSPECIFIED
    via_recruiter: bool = False
    rapport: bool = False
    main_channel: Channel = Channel.EMAIL
    informal: bool = False
    signed: bool = False
    relocation: bool = False
    signing_bonus: bool = False
    visa: bool = False
    keep_door_open: bool = False
    tell_employer_too: bool = False


LOG_LIMIT = 500
MAX_REVISIONS = 40
MAX_CASES = 100
MAX_OPEN_CASES = 20
"""Open at once: few enough that `cases` can always list every one of them."""


@dataclass(frozen=True)
class Revision:
    number: int
    kind: DraftKind
    channel: Channel
    subject: str
    body: str
    style: DraftStyle
    findings: tuple[Finding, ...] = ()
    edited: bool = False


@dataclass(frozen=True)
class LogEntry:
    at: str
    """ISO 8601, UTC."""
    text: str


@dataclass(frozen=True)
class Case:
    id: str
    created_at: str
    company: str = ""
    role: str = ""
    contact: str = ""
    recruiter: str = ""
    answers: Answers = field(default_factory=Answers)
    phase: Phase = Phase.ASKING
    question: str | None = "details"
    asked: tuple[str, ...] = ()
    """Questions answered, newest last: what `back` returns to."""
    style: DraftStyle = field(default_factory=DraftStyle)
    revisions: tuple[Revision, ...] = ()
    done: tuple[str, ...] = ()
    """Checklist item ids ticked."""
    log: tuple[LogEntry, ...] = ()
    sent_at: str | None = None
    """When the employer (or the recruiter) was first told: a message marked as sent, or a call logged."""
    went_out: tuple[DraftKind, ...] = ()
    """Draft kinds already sent or called, so the sequence never offers one twice."""
    nudges: int = 0
    language: Language = Language.EN
    """The language the drafts are written in (the employer's): preset from the platform locale, then asked."""
    withdrawn_before: tuple[str, ...] = ()
    """When earlier withdrawals of this case went out (ISO, UTC), kept when the case is reopened."""

    @property
    def title(self) -> str:
        company = self.company or "New case"
        return f"{company} — {self.role}" if self.role else company

    @property
    def latest(self) -> Revision | None:
        return self.revisions[-1] if self.revisions else None

    def logged(self, at: str, text: str) -> Case:
        """The case with one more log entry; only the newest LOG_LIMIT are kept, so a case can't grow forever."""
        return replace(self, log=(*self.log, LogEntry(at, text))[-LOG_LIMIT:])

    def ticked(self, *ids: str) -> Case:
        return replace(self, done=tuple(dict.fromkeys((*self.done, *ids))))


@dataclass(frozen=True)
class CloseoutBatch:
    """After accepting another offer: the other open cases still to send or skip, with one nudge for them all."""

    cases: tuple[str, ...] = ()
    total: int = 0
    anchor: str = ""
    """The case the batch's one reminder row hangs on (reminder rows belong to a case)."""
    nudges: int = 0


@dataclass(frozen=True)
class Profile:
    signature: Signature = field(default_factory=Signature)
    checkins: bool = False
    """Opt-in: re-entry check-ins after a send, offered once the message is out."""
    welcomed: bool = False
    locale: str = ""
    """The user's platform locale ("es-ES", "de"), as the adapter last saw it: the default draft language."""
    clock: UserClock = field(default_factory=UserClock)
    """Time zone, quiet hours and weekends: when reminders may come and how times are shown."""
    last_reminder: str | None = None
    """"kind:case_id" of the newest reminder shown, so `snooze` / `stop these` typed in the terminal answer it."""
    snoozes: int = 0
    stops: int = 0
    closeout: CloseoutBatch | None = None
    """How often this user snoozed / stopped reminders (for `coach stats`, aggregated)."""
    retention_days: int | None = None
    """A keeping time shorter than the operator's, chosen in `settings`; None keeps the operator's."""


@dataclass(frozen=True)
class Conversation:
    """Everything the coach keeps about one user."""

    profile: Profile = field(default_factory=Profile)
    cases: tuple[Case, ...] = ()
    active: str | None = None
    pending: str | None = None
    """A global question waiting for an answer (faq, cases, forget, settings)."""

    def case(self, case_id: str | None) -> Case | None:
        if case_id is None:
            return None
        return next((c for c in self.cases if c.id == case_id), None)

    @property
    def active_case(self) -> Case | None:
        return self.case(self.active)

    def with_case(self, case: Case) -> Conversation:
        """Replace (or add) `case`, keeping the order of cases."""
        if any(c.id == case.id for c in self.cases):
            return replace(self, cases=tuple(case if c.id == case.id else c for c in self.cases))
        return replace(self, cases=(*self.cases, case))


LATE_STAGES = (Stage.FINAL, Stage.OFFER, Stage.ACCEPTED)


def late_withdrawals(conversation: Conversation, *, excluding: str | None = None) -> int:
    """How many of the user's other cases were withdrawn (sent) at a late stage."""
    # sent_at is set only when the employer or recruiter was told of a withdrawal (a negotiation email
    # never sets it), so it alone tells a withdrawal from a negotiation
    return sum(1 for c in conversation.cases if c.id != excluding and c.sent_at and c.answers.stage in LATE_STAGES)


def situation_of(case: Case, conversation: Conversation) -> Situation:
    """The roadmap's view of a case: its answers plus the user's signature and history."""
    a = case.answers
    return Situation(
        stage=a.stage or Stage.APPLIED,
        reason=a.reason,
        via_recruiter=a.via_recruiter,
        rapport=a.rapport,
        main_channel=a.main_channel,
        informal=a.informal,
        signed=a.signed,
        relocation=a.relocation,
        signing_bonus=a.signing_bonus,
        visa=a.visa,
        keep_door_open=a.keep_door_open,
        negotiable=a.negotiable,
        tell_employer_too=a.tell_employer_too,
        company=case.company,
        role=case.role,
        contact=case.contact,
        recruiter=case.recruiter,
        signature=conversation.profile.signature,
        late_withdrawals_before=late_withdrawals(conversation, excluding=case.id),
        language=case.language,
    )
