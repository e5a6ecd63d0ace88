"""Processes taking turns on one user: each reads back only the cases the other changed, and sees all of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

import exit_coach.store as store_module
from exit_coach.flow.events import Start
from exit_coach.service import Coach, UserKey
from exit_coach.store import Store
from tests.store.conftest import RENDERER, FakeClock, answer

CAROL = UserKey("slack", "T1", "U_CAROL")


def open_cases(coach: Coach, key: UserKey, count: int) -> None:
    for _ in range(count):
        outcome = coach.handle(key, Start(new=True))
        event = answer(outcome.replies)
        assert event is not None
        coach.handle(key, event)


def counting_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every case JSON a load reads and decodes (or looks up in the decode cache)."""
    decoded: list[str] = []
    real = store_module.Store.decode_case_cached

    def counted(self: store_module.Store, state_json: str):  # noqa: ANN202
        decoded.append(state_json)
        return real(self, state_json)

    monkeypatch.setattr(store_module.Store, "decode_case_cached", counted)
    return decoded


def test_after_another_process_wrote_only_the_changed_case_is_read(
    make_coach: Callable[[], Coach], monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    first, second = make_coach(), make_coach()
    open_cases(first, CAROL, 6)
    second.export(CAROL)  # the second process has seen all six cases once
    decoded = counting_decodes(monkeypatch)
    for turn in range(4):  # they take turns, as behind a round-robin
        coach = (first, second)[turn % 2]
        clock.advance(seconds=5)
        outcome = coach.handle(CAROL, Start())
        event = answer(outcome.replies)
        assert event is not None
        before = len(decoded)
        coach.handle(CAROL, event)
        assert len(decoded) - before <= 1  # the one case the other process changed, at most
    assert len(decoded) <= 8  # 4 turns x 2 steps, never the six cases again
    assert first.export(CAROL) == second.export(CAROL)


def test_a_case_added_or_removed_elsewhere_is_seen_at_once(make_coach: Callable[[], Coach]) -> None:
    first, second = make_coach(), make_coach()
    open_cases(first, CAROL, 2)
    assert len(second.export(CAROL)["cases"]) == 2
    open_cases(first, CAROL, 1)
    after_add = second.export(CAROL)
    assert len(after_add["cases"]) == 3
    assert after_add == first.export(CAROL)
    outcome = second.handle(CAROL, Start())  # the second process now writes, the first reads it back
    event = answer(outcome.replies)
    assert event is not None
    second.handle(CAROL, event)
    assert first.export(CAROL) == second.export(CAROL)


def test_a_change_stamped_by_a_lagging_clock_is_still_read(db_url: str, clock: FakeClock) -> None:
    late = FakeClock()
    late.now = clock.now - timedelta(hours=1)  # the second process's clock is an hour behind
    stores = [Store(db_url), Store(db_url)]
    stores[0].upgrade()
    first, second = (Coach(s, renderer=RENDERER, clock=c) for s, c in zip(stores, (clock, late), strict=True))
    try:
        open_cases(first, CAROL, 3)
        second.export(CAROL)
        outcome = second.handle(CAROL, Start())  # saved with a stamp older than the first one's last save
        event = answer(outcome.replies)
        assert event is not None
        second.handle(CAROL, event)
        assert first.export(CAROL)["cases"] == second.export(CAROL)["cases"]
    finally:
        for store in stores:
            store.close()


def test_turns_between_processes_read_sealed_cases_back(db_url: str, clock: FakeClock) -> None:
    from cryptography.fernet import Fernet

    from exit_coach.crypto import Cipher

    keys = [Fernet.generate_key().decode()]
    stores = [Store(db_url, cipher=Cipher(keys)), Store(db_url, cipher=Cipher(keys))]
    stores[0].upgrade()
    first, second = (Coach(s, renderer=RENDERER, clock=clock) for s in stores)
    try:
        open_cases(first, CAROL, 3)
        second.export(CAROL)
        for turn in range(4):
            coach = (first, second)[turn % 2]
            clock.advance(seconds=5)
            outcome = coach.handle(CAROL, Start())
            event = answer(outcome.replies)
            assert event is not None
            coach.handle(CAROL, event)
        assert first.export(CAROL) == second.export(CAROL)
    finally:
        for store in stores:
            store.close()
