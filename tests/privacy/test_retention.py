"""Forgotten on schedule: `coach db purge` and the bots' daily purge delete what no one touched for the retention
period, a user can choose a shorter one, and after forget or purge the bytes are gone from the SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from exit_coach.adapters.cli import main
from exit_coach.flow.events import Choose, Command
from exit_coach.service import Coach, UserKey
from exit_coach.store import Store
from exit_coach.upkeep import count_rows, purge
from tests.store.conftest import RENDERER, VALUES, FakeClock, walk_to

ALICE = UserKey("slack", "T1", "U_ALICE")
BOB = UserKey("slack", "T1", "U_BOB")
MARKER = "Zyxwvutsrqponmlkj Holdings"  # a company name nothing else in the file could spell


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'coach.db'}"


@pytest.fixture
def coach(sqlite_url: str, clock: FakeClock) -> Iterator[Coach]:
    store = Store(sqlite_url)
    store.upgrade()
    yield Coach(store, renderer=RENDERER, clock=clock, retention_days=180)
    store.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def file_bytes(url: str) -> bytes:
    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def open_case(coach: Coach, key: UserKey, company: str = MARKER) -> None:
    VALUES_BEFORE = dict(VALUES)
    VALUES["company"] = company
    try:
        walk_to(coach, key, "stage")
    finally:
        VALUES.update(VALUES_BEFORE)


def test_purge_deletes_what_no_one_touched_for_the_retention_period(coach: Coach, clock: FakeClock) -> None:
    open_case(coach, ALICE)
    coach.handle(ALICE, Command("settings"))  # some activity, then silence
    clock.advance(days=100)
    open_case(coach, BOB, company="Bob Co")
    clock.advance(days=81)  # Alice: 181 days untouched; Bob: 81
    gone = purge(coach.store, now=clock(), days=180)
    assert (gone.cases, gone.users) == (1, 1)
    assert coach.overview(ALICE) == ()
    assert len(coach.overview(BOB)) == 1, "a case touched within the period stays"
    assert purge(coach.store, now=clock(), days=180).cases == 0, "a second purge finds nothing"


def test_only_the_idle_case_goes_and_the_user_keeps_the_rest(coach: Coach, clock: FakeClock) -> None:
    open_case(coach, ALICE, company="Old Co")
    coach.handle(ALICE, Command("cancel"))
    clock.advance(days=200)
    open_case(coach, ALICE, company="New Co")
    gone = purge(coach.store, now=clock(), days=180)
    assert (gone.cases, gone.users) == (1, 0)
    cases = coach.export(ALICE)["cases"]
    assert [c["company"] for c in cases] == ["New Co"]
    outcome = coach.handle(ALICE, Command("status"))
    assert outcome.replies, "the conversation goes on after a purge"


def test_a_user_can_choose_a_shorter_period_in_settings(coach: Coach, clock: FakeClock) -> None:
    open_case(coach, ALICE)
    open_case(coach, BOB, company="Bob Co")
    coach.handle(ALICE, Command("settings"))
    got = coach.handle(ALICE, Choose("retention", "settings"))
    assert any("Delete a case" in getattr(r, "text", "") for r in got.replies)
    got = coach.handle(ALICE, Choose("7", "settings_retention"))
    assert any("7 days" in getattr(r, "text", "") for r in got.replies)
    clock.advance(days=8)
    purge(coach.store, now=clock(), days=180)
    assert coach.overview(ALICE) == () and len(coach.overview(BOB)) == 1


def test_the_bots_purge_once_a_day(coach: Coach, clock: FakeClock) -> None:
    open_case(coach, ALICE)
    assert coach.purge_if_due() is not None, "the first tick after start purges"
    assert coach.purge_if_due() is None, "then not again the same day"
    clock.advance(days=181)
    got = coach.purge_if_due()
    assert got is not None and got.cases == 1


def test_reminders_and_thread_links_go_with_the_case(coach: Coach, clock: FakeClock, sqlite_url: str) -> None:
    open_case(coach, ALICE)
    case_id = coach.export(ALICE)["cases"][0]["id"]
    coach.set_thread(ALICE, case_id, "D1:1700000000.000100")
    with coach.store.transaction() as tx:
        tx.add_reminder(tx.user_pk(ALICE), case_id, "nudge", clock() + timedelta(days=1))
    clock.advance(days=181)
    gone = purge(coach.store, now=clock(), days=180)
    assert (gone.reminders, gone.threads) == (1, 1)
    rows = count_rows(coach.store)
    assert rows["case"] == rows["reminder"] == rows["thread"] == rows["user"] == 0


def test_after_purge_and_forget_the_bytes_are_gone_from_the_file(coach: Coach, clock: FakeClock,
                                                                sqlite_url: str) -> None:
    open_case(coach, ALICE)
    assert MARKER.encode() in file_bytes(sqlite_url), "control: stored in clear without a key"
    clock.advance(days=181)
    open_case(coach, BOB, company=MARKER + " Two")  # Bob is active now, Alice is not
    purge(coach.store, now=clock(), days=180)
    assert coach.overview(ALICE) == ()
    raw = file_bytes(sqlite_url)
    assert (MARKER + " Two").encode() in raw and raw.count(MARKER.encode()) == raw.count((MARKER + " Two").encode())
    coach.forget(BOB)
    assert MARKER.encode() not in file_bytes(sqlite_url)
    assert VALUES["name"].encode() not in file_bytes(sqlite_url)


def test_coach_db_purge_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    store = Store(url)
    store.upgrade()
    open_case(Coach(store, renderer=RENDERER, clock=FakeClock()), ALICE)  # in 2025: long untouched
    store.close()
    monkeypatch.setenv("COACH_RETENTION_DAYS", "30")
    assert main(["db", "purge"]) == 0
    assert "untouched for 30 day(s)" in capsys.readouterr().out
    assert MARKER.encode() not in file_bytes(url)
    monkeypatch.setenv("COACH_RETENTION_DAYS", "soon")
    assert main(["db", "purge"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "COACH_RETENTION_DAYS" in err
