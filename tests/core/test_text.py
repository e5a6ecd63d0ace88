"""The one check of free text that the chat, the forms and `coach plan` share."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exit_coach.text import is_blank, looks_like_email, looks_like_phone, text_problem


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x" * 121, "is 121 characters long; the limit is 120"),
        ("Acme\x1b[31m", "contains a control character (U+001B)"),
        ("Acme\x00", "contains a control character (U+0000)"),
        ("Dev\nSubject: hi", "contains a control character (U+000A)"),
        ("Sam\u202eeeL", "contains a control character (U+202E)"),
    ],
)
def test_what_is_refused_and_why(value: str, expected: str) -> None:
    problem = text_problem(value, max_length=120)
    assert problem is not None and problem.startswith(expected)


@pytest.mark.parametrize("value", ["Acme", "Ünïcödé 🚀", "شركة", "می\u200cخواهم", "{{ 7*7 }}", "<!channel>", ""])
def test_any_script_emoji_and_joiners_are_fine(value: str) -> None:
    assert text_problem(value, max_length=120) is None


def test_line_breaks_only_where_several_lines_are_expected() -> None:
    assert text_problem("Hi,\n\n\tThanks", max_length=100, multiline=True) is None
    assert text_problem("Hi,\n\x07", max_length=100, multiline=True) is not None


@given(st.text(max_size=300))
def test_never_raises(value: str) -> None:
    text_problem(value, max_length=200)


def test_email_shape() -> None:
    assert looks_like_email("sam@example.com")
    assert not looks_like_email("sam@example")
    assert not looks_like_email("sam example@x.org")


def test_phone_shape() -> None:
    assert looks_like_phone("+1 555 0100") and looks_like_phone("(020) 7946-0000")
    assert not looks_like_phone("abc") and not looks_like_phone("+-()") and not looks_like_phone("12345")
    assert not looks_like_phone("+1 555 0100 1234 5678"), "more digits than any phone number has"


@pytest.mark.parametrize(
    "value",
    ["", "   ", "\u200b", "\u200b\u200c\u200d\ufeff", "\u2800\u2800", "\u0301", "\u0301\u0308 \u20dd", "\u3164",
     "\u115f\u1160", "\u00ad", "\u2060\u180e", "\U000e0041\U000e007f", "\ufe0f", "\u034f", "\t\u00a0\u3000"],
)
def test_text_that_shows_nothing_is_blank(value: str) -> None:
    assert is_blank(value)


@pytest.mark.parametrize("value", ["a", "e\u0301", "\u200bAcme", "🚀", "\u2800x", "می\u200cخواهم", "・", "_"])
def test_text_with_anything_visible_is_not_blank(value: str) -> None:
    assert not is_blank(value)
