"""Field-by-field checks of a form, for front ends that can answer before the step runs.

A Slack modal can refuse a submission and stay open with each field's error
(`response_action: errors`), a Discord modal can be reopened prefilled, and the
terminal asks a refused field again at once. They all ask this module, which
knows only a field's declaration (`FormField`) and the text typed: required,
length, control characters, and the shape of an email or phone number. Checks
that need the conversation (a signature needs an email *or* a phone) stay in
the step, which answers them as before. Pure; never raises on a str.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from exit_coach.flow.replies import FormField
from exit_coach.text import is_blank, looks_like_email, looks_like_phone, text_problem

FILL_IN = "Please fill this in."


def field_problem(field: FormField, value: str) -> str | None:
    """Why `value` can't be taken for `field` (a sentence for the user), or None when it can."""
    text = value.replace("\r\n", "\n").strip()
    if is_blank(text):  # zero-width spaces, a Braille blank or a lone combining mark are no answer
        return FILL_IN if field.required else None
    problem = text_problem(text, max_length=field.max_length, multiline=field.multiline)
    if problem:
        return f"This {problem}."
    if field.kind == "email" and not looks_like_email(text):
        return "That doesn't look like an email address (name@example.com)."
    if field.kind == "phone" and not looks_like_phone(text):
        return "That doesn't look like a phone number: 7 to 15 digits, with spaces, + - ( ) if you like."
    return None


def form_problems(fields: Iterable[FormField], values: Mapping[str, str]) -> dict[str, str]:
    """Each refused field's problem, by field name; empty when every field can be taken."""
    problems: dict[str, str] = {}
    for field in fields:
        problem = field_problem(field, str(values.get(field.name, "")))
        if problem:
            problems[field.name] = problem
    return problems
