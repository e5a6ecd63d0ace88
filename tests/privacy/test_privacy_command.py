"""`privacy` tells the truth in five lines: what is kept, who can read it, how long, how to export or delete it."""

from __future__ import annotations

from pathlib import Path

import pytest

from exit_coach.adapters.slack.render import home_view
from exit_coach.crypto import Cipher, new_key
from exit_coach.flow.events import Choose, Command, Start, Text
from exit_coach.flow.replies import Say
from exit_coach.flow.texts import HELP, WELCOME
from exit_coach.service import Coach, UserKey
from exit_coach.store import Store
from tests.store.conftest import RENDERER, FakeClock

ALICE = UserKey("slack", "T1", "U_ALICE")


def coach_on(tmp_path: Path, *, keys: tuple[str, ...] = (), days: int = 180) -> Coach:
    store = Store(f"sqlite:///{tmp_path / 'coach.db'}", cipher=Cipher(keys))
    store.upgrade()
    return Coach(store, renderer=RENDERER, clock=FakeClock(), retention_days=days)


def said(outcome) -> str:  # noqa: ANN001
    return "\n".join(r.text for r in outcome.replies if isinstance(r, Say))


@pytest.mark.parametrize(("keys", "stored"), [((), "unencrypted"), ((new_key(),), "encrypted with their key")])
def test_privacy_says_what_is_kept_who_reads_it_how_long_and_how_to_leave(tmp_path: Path, keys: tuple[str, ...],
                                                                          stored: str) -> None:
    coach = coach_on(tmp_path, keys=keys, days=90)
    coach.handle(ALICE, Start())
    text = said(coach.handle(ALICE, Text("privacy")))
    lines = text.splitlines()
    assert [line.split(":")[0] for line in lines[:5]] == ["What I keep", "Who can read it", "How long", "Export",
                                                          "Delete"]
    assert "operator" in lines[1] and stored in lines[1]
    assert "90 days" in lines[2]
    assert "`export`" in lines[3] and "`forget`" in lines[4]
    coach.store.close()


def test_a_shorter_choice_in_settings_shows_in_privacy(tmp_path: Path) -> None:
    coach = coach_on(tmp_path)
    coach.handle(ALICE, Command("settings"))
    coach.handle(ALICE, Choose("retention", "settings"))
    coach.handle(ALICE, Choose("30", "settings_retention"))
    assert "30 days is deleted" in said(coach.handle(ALICE, Command("privacy")))
    coach.store.close()


def test_no_promise_that_everything_stays_private() -> None:
    for text in (WELCOME, HELP, str(home_view([]))):
        assert "stays private" not in text.lower()
    assert "privacy" in WELCOME and "privacy" in HELP and "privacy" in str(home_view([]))
