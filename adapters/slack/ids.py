"""Component ids: the one place that builds and parses Slack `action_id`s and modal `callback_id`s.

Every interactive element names what it belongs to, so a click on an old
message still means something after a restart:

- a choice button:   ``coach|{case}|{question}|{value}``
- a select menu:     ``coach|{case}|{question}|`` (the value is the selected option's)
- a "Fill in" button: ``coachform|{case}|{question}``
- a link button:     ``coachlink|{case}|{name}`` (Slack opens the URL; we only ack)
- a modal:           callback_id ``coachview|{case}|{question}``

`-` stands for "no case" (a global question such as `cases` or `faq`).
Parsing never raises: anything else is `None`.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_ACTION_ID = 255
NO_CASE = "-"
CHOICE, FORM, LINK, VIEW = "coach", "coachform", "coachlink", "coachview"


@dataclass(frozen=True)
class ComponentId:
    """A parsed id: `kind` is one of CHOICE, FORM, LINK, VIEW."""

    kind: str
    case_id: str | None
    question: str
    value: str = ""


def _case(case_id: str | None) -> str:
    if case_id and "|" in case_id:
        raise ValueError(f"a case id may not contain '|': {case_id!r}")
    return case_id or NO_CASE


def _check(text: str) -> str:
    if len(text) > MAX_ACTION_ID:
        raise ValueError(f"component id longer than {MAX_ACTION_ID} characters: {text[:60]!r}...")
    return text


def choice(case_id: str | None, question: str, value: str = "") -> str:
    """The action_id of a button (with its value) or of a select (value empty)."""
    return _check(f"{CHOICE}|{_case(case_id)}|{question}|{value}")


def form(case_id: str | None, question: str) -> str:
    """The action_id of the button that opens the modal for `question`."""
    return _check(f"{FORM}|{_case(case_id)}|{question}")


def link(case_id: str | None, name: str) -> str:
    return _check(f"{LINK}|{_case(case_id)}|{name}")


def view(case_id: str | None, question: str) -> str:
    """The callback_id of the modal for `question`."""
    return _check(f"{VIEW}|{_case(case_id)}|{question}")


def parse(component_id: str) -> ComponentId | None:
    """Split an action_id or callback_id; None when it is not one of ours."""
    kind, sep, rest = (component_id or "").partition("|")
    if not sep:
        return None
    if kind == CHOICE:
        parts = rest.split("|", 2)
        if len(parts) != 3 or not parts[1]:
            return None
        case, question, value = parts
    elif kind in (FORM, LINK, VIEW):
        case, sep, question = rest.partition("|")
        if not sep or not question or "|" in question:
            return None
        value = ""
    else:
        return None
    if not case:
        return None
    return ComponentId(kind, None if case == NO_CASE else case, question, value)
