"""One flooder can't slow everyone else: 30 events a minute per user, one polite note, then silence."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from exit_coach.flow.events import Start, Text
from exit_coach.flow.replies import Say
from exit_coach.ratelimit import SLOW_DOWN, RateLimit, Verdict
from exit_coach.service import Coach, UserKey
from exit_coach.store import Store
from tests.store.conftest import RENDERER, FakeClock

FLOODER, CALM = UserKey("slack", "T1", "U_FLOOD"), UserKey("slack", "T1", "U_CALM")


def test_thirty_a_minute_then_one_note_then_nothing_until_the_window_moves() -> None:
    clock = FakeClock()
    limit = RateLimit(limit=30)
    verdicts = []
    for _ in range(40):
        verdicts.append(limit.check(FLOODER, clock()))
        clock.advance(seconds=1)
    assert verdicts[:30] == [Verdict.ALLOW] * 30
    assert verdicts[30] is Verdict.NOTE and set(verdicts[31:]) == {Verdict.DROP}
    assert limit.check(CALM, clock()) is Verdict.ALLOW, "other users are not affected"
    clock.advance(seconds=21)  # the first events leave the one-minute window
    assert limit.check(FLOODER, clock()) is Verdict.ALLOW


def test_the_coach_says_slow_down_once_and_touches_nothing_for_a_flood(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'coach.db'}")
    store.upgrade()
    clock = FakeClock()
    coach = Coach(store, renderer=RENDERER, clock=clock, rate_limit=RateLimit(limit=30))
    coach.handle(FLOODER, Start())
    for _ in range(29):
        coach.handle(FLOODER, Text("help"))
    saved = coach.export(FLOODER)
    note = coach.handle(FLOODER, Text("help"))
    assert [r.text for r in note.replies if isinstance(r, Say)] == [SLOW_DOWN]
    for n in range(50):
        assert coach.handle(FLOODER, Text(f"start {n}")).replies == ()
    assert coach.export(FLOODER)["cases"] == saved["cases"], "nothing of the flood was applied"
    assert coach.handle(CALM, Start()).replies, "another user is answered as usual"
    clock.advance(minutes=1, seconds=1)
    assert coach.handle(FLOODER, Text("help")).replies != (Say(SLOW_DOWN),), "back to normal a minute later"
    assert timedelta(minutes=1) == coach.rate_limit.window  # type: ignore[union-attr]
    store.close()
