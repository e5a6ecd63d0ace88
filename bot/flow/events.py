"""What a user (or the clock) can do: the neutral events every front end produces.

Adapters translate platform payloads into these; `exit_coach.flow.step` consumes them.
A button click carries the case and question it was shown for, so a stale or
foreign click can be recognised and answered instead of acted on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Start:
    """Begin or resume: `/withdraw`, `/withdraw start`, `coach chat`. `new=True` always opens a new case."""

    new: bool = False
    locale: str = ""
    """The user's platform locale when the adapter knows it (Slack `users.info`, Discord `interaction.locale`)."""


@dataclass(frozen=True)
class Choose:
    """A button or numbered option: `value` picked for `question` of `case_id`."""

    value: str
    question: str
    case_id: str | None = None


@dataclass(frozen=True)
class SubmitForm:
    """A filled-in form (a modal on Slack and Discord, prompts in the terminal)."""

    question: str
    values: Mapping[str, str] = field(default_factory=dict)
    case_id: str | None = None


@dataclass(frozen=True)
class Text:
    """Free text typed in a DM or the terminal; may be a number, a label or a command word.

    `case_id` is set when the text was typed inside a case's thread: it answers that case, not
    whichever case happens to be active.
    """

    text: str
    case_id: str | None = None


@dataclass(frozen=True)
class Command:
    """A global command (`help`, `back`, `cancel`, ...), from a slash subcommand or typed text."""

    name: str
    arg: str = ""


@dataclass(frozen=True)
class ReminderDue:
    """The clock: a reminder row for `case_id` came due."""

    kind: str
    case_id: str


Event = Start | Choose | SubmitForm | Text | Command | ReminderDue

GLOBAL_COMMANDS: tuple[str, ...] = (
    "help",
    "back",
    "cancel",
    "restart",
    "status",
    "cases",
    "history",
    "export",
    "forget",
    "faq",
    "settings",
    "closeout",
    "reopen",
    "privacy",
)
