"""Reminders in the terminal: printed when `coach chat` starts, answered with words, delivered once."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from exit_coach.adapters.console import Console
from exit_coach.drafts import DraftRenderer
from exit_coach.flow.followup import CONTROLS_WORDS
from exit_coach.service import Coach, UserKey
from exit_coach.store import open_store
from tests.store.test_reminders_delivery import NOON, seed

SAM = UserKey("console", "", "sam")


def session(coach: Coach, answers: str) -> str:
    out = io.StringIO()
    Console(coach, SAM, io.StringIO(answers), out).run()
    return out.getvalue()


def test_a_due_checkin_is_printed_once_and_snoozed_with_a_word(tmp_path: Path) -> None:
    now = [NOON]
    coach = Coach(open_store(f"sqlite:///{tmp_path / 'c.db'}"), renderer=DraftRenderer(), clock=lambda: now[0])
    seed(coach.store, SAM, due=NOON - timedelta(hours=1))
    first = session(coach, "snooze week\n")
    assert "Two-week check-in" in first and CONTROLS_WORDS in first
    assert "Snoozed. I'll remind you Wed 9 Dec, 12:00 (UTC)." in first
    assert "Two-week check-in" not in session(coach, ""), "delivered once"
    now[0] = NOON + timedelta(days=7)
    assert "Two-week check-in" in session(coach, ""), "and again after the snooze"
    coach.store.close()
