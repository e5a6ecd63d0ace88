"""The declared screens: ids parsed once into named fields, and a table that fails at import when it is wrong."""

from __future__ import annotations

import pytest

from exit_coach.flow import screens
from exit_coach.flow.screens import SCREENS, Screen
from exit_coach.flow.state import Phase, ScreenRef
from exit_coach.flow.view import plan_choice


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plan", ScreenRef("plan")),
        ("rev:3", ScreenRef("rev", 3)),
        ("confirm_send:12", ScreenRef("confirm_send", 12)),
        ("rev:", None),
        ("rev:x", None),
        ("rev:1:2", None),
        ("Rev:1", None),
        ("", None),
        (None, None),
        ("rev:" + "9" * 50, None),
    ],
)
def test_screen_ids_parse_once_into_named_fields(text: str | None, expected: ScreenRef | None) -> None:
    assert ScreenRef.parse(text) == expected
    if expected is not None:
        assert expected.id == text


def test_every_screen_after_the_questions_is_declared_with_a_handler() -> None:
    assert set(SCREENS) == {
        "plan", "no_action", "rev", "switch", "language", "edit", "confirm_send", "outcome", "after"
    }
    assert all((s.choose is None) != (s.submit is None) for s in SCREENS.values())
    assert {s.name for s in SCREENS.values() if s.per_revision} == {"rev", "switch", "language", "edit", "confirm_send"}


def test_a_bad_declaration_fails_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = Screen("plan", Phase.PLANNED, plan_choice)  # neither choose nor submit
    monkeypatch.setitem(SCREENS, "plan", broken)
    with pytest.raises(ValueError, match="exactly one of choose or submit"):
        screens._check_declaration()
