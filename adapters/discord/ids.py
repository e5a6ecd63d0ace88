"""Component ids: the one place that builds and parses Discord `custom_id`s.

Every component names what it belongs to, so a click on an old message still
means something after a restart (the ids are matched by `DynamicItem`
templates registered in `setup_hook`, and modal submits by prefix):

- a choice button:    ``coach|{case}|{question}|{value}``
- a select menu:      ``coach|{case}|{question}|~{n}`` (`n` tells selects of one
  message apart; the value is the selected option's)
- a "Fill in" button: ``coachform|{case}|{question}``
- a modal:            ``coachview|{case}|{question}``

`-` stands for "no case" (a global question such as `cases` or `faq`).
Discord allows 100 characters: an id that would be longer is never shortened
by storing anything elsewhere; instead `fits` says no and `render` shows that
question's options as a select, whose option values (100 characters each)
carry the value. Parsing never raises: anything else is `None`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CUSTOM_ID = 100
MAX_OPTION_VALUE = 100
NO_CASE = "-"
CHOICE, FORM, VIEW = "coach", "coachform", "coachview"
SELECT_MARK = "~"
TEMPLATE = r"coach(?:form)?\|[^|]+\|.+"
"""The `DynamicItem` template: every button and select of ours (modals are matched in `on_interaction`)."""


@dataclass(frozen=True)
class ComponentId:
    """A parsed id: `kind` is CHOICE, FORM or VIEW; `select` when the value comes from the selection."""

    kind: str
    case_id: str | None
    question: str
    value: str = ""
    select: bool = False


def _case(case_id: str | None) -> str:
    if case_id and "|" in case_id:
        raise ValueError(f"a case id may not contain '|': {case_id!r}")
    return case_id or NO_CASE


def fits(custom_id: str) -> bool:
    return len(custom_id) <= MAX_CUSTOM_ID


def _check(custom_id: str) -> str:
    if not fits(custom_id):
        raise ValueError(f"custom_id longer than {MAX_CUSTOM_ID} characters: {custom_id[:60]!r}...")
    return custom_id


def choice_raw(case_id: str | None, question: str, value: str) -> str:
    """The custom_id of a button for `value`, unchecked (callers test `fits`)."""
    return f"{CHOICE}|{_case(case_id)}|{question}|{value}"


def choice(case_id: str | None, question: str, value: str) -> str:
    return _check(choice_raw(case_id, question, value))


def select(case_id: str | None, question: str, n: int = 0) -> str:
    """The custom_id of the `n`-th select menu for `question`."""
    return _check(f"{CHOICE}|{_case(case_id)}|{question}|{SELECT_MARK}{n}")


def form(case_id: str | None, question: str) -> str:
    """The custom_id of the "Fill in" button that opens the modal for `question`."""
    return _check(f"{FORM}|{_case(case_id)}|{question}")


def view(case_id: str | None, question: str) -> str:
    """The custom_id of the modal for `question`."""
    return _check(f"{VIEW}|{_case(case_id)}|{question}")


_SELECT_VALUE = re.compile(re.escape(SELECT_MARK) + r"\d+")


def parse(custom_id: str) -> ComponentId | None:
    """Split a custom_id; None when it is not one of ours."""
    kind, sep, rest = (custom_id or "").partition("|")
    if not sep or len(custom_id) > MAX_CUSTOM_ID:
        return None
    if kind == CHOICE:
        parts = rest.split("|", 2)
        if len(parts) != 3 or not parts[1]:
            return None
        case, question, value = parts
        is_select = bool(_SELECT_VALUE.fullmatch(value))
        value = "" if is_select else value
        if not value and not is_select:
            return None
    elif kind in (FORM, VIEW):
        case, sep, question = rest.partition("|")
        if not sep or not question or "|" in question:
            return None
        value, is_select = "", False
    else:
        return None
    if not case:
        return None
    return ComponentId(kind, None if case == NO_CASE else case, question, value, is_select)
