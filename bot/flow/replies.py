"""What the coach says: neutral replies, and the effects the shell carries out.

Replies hold plain text (never platform markup); adapters escape user text and
render these into terminal lines, Block Kit, or Discord components. Effects are
descriptions of I/O (schedule a reminder, export, forget) that the service
performs after saving the new state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from exit_coach.flow.state import ScreenRef
from exit_coach.model import Draft, Finding


@dataclass(frozen=True)
class Option:
    """One button / numbered choice. `style` is a hint: "primary", "danger" or ""."""

    label: str
    value: str
    style: str = ""


@dataclass(frozen=True)
class Say:
    text: str
    case_id: str | None = None


@dataclass(frozen=True)
class Ask:
    """A question with a fixed set of answers: buttons, a select, or numbered lines."""

    question: str
    text: str
    options: tuple[Option, ...]
    case_id: str | None = None


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    required: bool = True
    multiline: bool = False
    max_length: int = 200
    initial: str = ""
    hint: str = ""
    kind: str = ""
    """"email" or "phone" when the value must look like one (checked as it is typed); "" for free text."""


@dataclass(frozen=True)
class AskForm:
    """A request for free text: a modal on Slack/Discord, one prompt per field in the terminal."""

    question: str
    title: str
    text: str
    fields: tuple[FormField, ...]
    case_id: str | None = None
    submit_label: str = "Save"


@dataclass(frozen=True)
class ChecklistLine:
    id: str
    text: str
    done: bool


@dataclass(frozen=True)
class ShowPlan:
    """The plan with its reasoning, before any draft."""

    case_id: str
    title: str
    action: str
    channels: tuple[str, ...]
    reasoning: tuple[str, ...]
    checklist: tuple[ChecklistLine, ...]
    help_url: str | None = None
    help_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShowRevision:
    """One numbered draft revision, posted as a new reply in the case's thread."""

    case_id: str
    title: str
    number: int
    draft: Draft
    findings: tuple[Finding, ...]
    actions: tuple[Option, ...]
    mailto: str | None
    to_hint: str = ""

    @property
    def question(self) -> str:
        """The screen id its buttons answer (`rev:3`), so a front end never spells it by hand."""
        return ScreenRef("rev", self.number).id


@dataclass(frozen=True)
class ShowChecklist:
    case_id: str
    title: str
    items: tuple[ChecklistLine, ...]


@dataclass(frozen=True)
class CaseOverview:
    """One case at a glance (Slack's App Home, a status panel): where it stands and its checklist."""

    case_id: str
    title: str
    where: str
    checklist: tuple[ChecklistLine, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file for the user (export): the shell makes these from effects."""

    filename: str
    content: str
    mime: str


Reply = Say | Ask | AskForm | ShowPlan | ShowRevision | ShowChecklist | Attachment


@dataclass(frozen=True)
class ScheduleReminder:
    case_id: str
    kind: str
    due: datetime


@dataclass(frozen=True)
class CancelReminders:
    case_id: str
    kinds: tuple[str, ...] = ()
    """Empty means every reminder of the case."""


@dataclass(frozen=True)
class ExportData:
    pass


@dataclass(frozen=True)
class ForgetUser:
    pass


Effect = ScheduleReminder | CancelReminders | ExportData | ForgetUser
