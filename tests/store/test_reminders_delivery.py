"""Reminder delivery as a user notices it: never lost, never doubled, never stuck, never at night.

At-least-once with an idempotent post: a leased reminder is delivered again
after a failed post or a dead worker, but a retry that finds the earlier post
on the platform only marks it delivered. The kill test runs two real worker
processes on one PostgreSQL database and `kill -9`s one of them mid-delivery.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from exit_coach.flow.replies import Ask, Say
from exit_coach.flow.state import Case, Conversation, Phase, Profile
from exit_coach.reminders import LEASE, MAX_TRIES, UserClock
from exit_coach.schema import REMINDER
from exit_coach.service import Coach, Delivery, Undeliverable, UserKey
from exit_coach.store import Store
from tests.store.conftest import POSTGRES_ENV, FakeClock

ROOT = Path(__file__).resolve().parents[2]
NOON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # a Wednesday, outside the default quiet hours


def seed(store: Store, key: UserKey, *, reminders: int = 1, due: datetime, clock: UserClock | None = None) -> None:
    """A user with check-ins on, one sent case, and `reminders` check-ins of it due at `due`."""
    profile = Profile(checkins=True, clock=clock or UserClock())
    case = Case(id="c1", created_at=(due - timedelta(days=20)).isoformat(), company="Acme", phase=Phase.SENT,
                question="after", sent_at=(due - timedelta(days=14)).isoformat())
    with store.transaction() as tx:
        loaded = tx.load(key, now=due, create=True)
        assert loaded is not None
        tx.save(loaded, Conversation(profile=profile, cases=(case,)), now=due)
        for n in range(reminders):
            tx.add_reminder(loaded.user_pk, "c1", ("checkin_2w", "checkin_3m")[n % 2], due)


def reminder_rows(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(REMINDER).order_by(REMINDER.c.id))]


ALICE = UserKey("discord", "G1", "alice")


def test_a_failed_post_is_delivered_again_after_the_lease_and_only_once(coach: Coach, clock: FakeClock) -> None:
    clock.now = NOON
    seed(coach.store, ALICE, due=NOON - timedelta(minutes=5))
    posts: list[Delivery] = []

    def broken(_: Delivery) -> None:
        raise ConnectionError("the platform timed out")

    [first] = coach.deliver_due()
    assert coach.settle(first, broken) == "retry"
    assert coach.deliver_due() == [], "leased: not due again before the lease runs out"
    clock.advance(seconds=LEASE.total_seconds() + 1)
    [again] = coach.deliver_due()
    assert again.reminder_id == first.reminder_id and again.attempt == 2
    assert coach.settle(again, posts.append, shown=lambda d: False) == "delivered"
    clock.advance(days=1)
    assert coach.deliver_due() == [] and len(posts) == 1


def test_a_retry_that_finds_the_earlier_post_does_not_post_again(coach: Coach, clock: FakeClock) -> None:
    clock.now = NOON
    seed(coach.store, ALICE, due=NOON)
    platform: list[str] = []
    [first] = coach.deliver_due()
    platform.append(first.idempotency_key)  # posted; then the worker died before recording it
    clock.advance(seconds=LEASE.total_seconds() + 1)
    [again] = coach.deliver_due()
    assert again.idempotency_key == first.idempotency_key, "one stable key per reminder"
    result = coach.settle(again, lambda d: platform.append(d.idempotency_key),
                          shown=lambda d: d.idempotency_key in platform)
    assert result == "already" and platform == [first.idempotency_key]
    assert reminder_rows(coach.store)[0]["delivered_at"] is not None


def test_an_undeliverable_reminder_is_given_up_with_its_reason_and_blocks_no_one(coach: Coach,
                                                                                 clock: FakeClock) -> None:
    clock.now = NOON
    bob = UserKey("discord", "G1", "bob")
    seed(coach.store, ALICE, due=NOON - timedelta(hours=1))
    seed(coach.store, bob, due=NOON)

    def closed_dms(d: Delivery) -> None:
        if d.key == ALICE:
            raise Undeliverable("50007")

    results = {d.key.user: coach.settle(d, closed_dms) for d in coach.deliver_due()}
    assert results == {"alice": "given up", "bob": "delivered"}
    clock.advance(days=1)
    assert coach.deliver_due() == []
    alice_row = next(r for r in reminder_rows(coach.store) if r["delivered_at"] is None)
    assert alice_row["failed_at"] is not None and alice_row["last_error"] == "50007"
    failure = coach.export(ALICE)["reminders"][0]
    assert failure["failure"] == "50007", "the user's export says why it never came"


def test_a_reminder_that_keeps_failing_is_given_up_after_max_tries(coach: Coach, clock: FakeClock) -> None:
    clock.now = NOON
    seed(coach.store, ALICE, due=NOON)
    outcomes = []
    for _ in range(MAX_TRIES + 2):
        for delivery in coach.deliver_due():
            outcomes.append(coach.settle(delivery, lambda d: (_ for _ in ()).throw(TimeoutError())))
        clock.advance(seconds=LEASE.total_seconds() + 1)
    assert outcomes == ["retry"] * (MAX_TRIES - 1) + ["given up"]


def test_a_reminder_due_in_quiet_hours_waits_for_the_morning(coach: Coach, clock: FakeClock) -> None:
    paris = UserClock(tz="Europe/Paris")
    night = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    clock.now = night
    seed(coach.store, ALICE, due=night - timedelta(minutes=1), clock=paris)
    assert coach.deliver_due() == []
    assert reminder_rows(coach.store)[0]["due_at"].replace(tzinfo=UTC) == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    clock.now = datetime(2026, 12, 3, 6, 59, tzinfo=UTC)
    assert coach.deliver_due() == []
    clock.now = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    [delivery] = coach.deliver_due()
    assert isinstance(delivery.replies[0], Say) and "Two-week check-in" in delivery.replies[0].text


def test_every_reminder_carries_snooze_and_stop(coach: Coach, clock: FakeClock) -> None:
    clock.now = NOON
    seed(coach.store, ALICE, due=NOON)
    [delivery] = coach.deliver_due()
    controls = [r for r in delivery.replies if isinstance(r, Ask) and r.question.startswith("remind:")]
    assert [o.value for o in controls[0].options] == ["snooze_1d", "snooze_1w", "stop"]


def test_slack_time_zone_is_kept_unless_the_user_chose_one(coach: Coach, clock: FakeClock) -> None:
    clock.now = NOON
    seed(coach.store, ALICE, due=NOON + timedelta(days=1))
    assert coach.set_time_zone(ALICE, "America/New_York") is True
    assert coach.set_time_zone(ALICE, "America/New_York") is False, "unchanged: nothing written"
    assert coach.set_time_zone(ALICE, "Not/AZone") is False
    assert coach.export(ALICE)["profile"]["clock"]["tz"] == "America/New_York"


# ---- two worker processes, one killed with SIGKILL mid-delivery


def _spawn(url: str, now: datetime, name: str, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store.reminder_worker", url, now.isoformat(), name, *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
    )


def _expect(proc: subprocess.Popen[str], word: str) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith(word), f"expected {word}, got {line!r}; stderr: {proc.stderr.read() if proc.stderr else ''}"
    return line


@pytest.mark.parametrize("kill_point,check", [("lease", True), ("post", True), ("post", False)])
def test_two_processes_deliver_each_reminder_once_while_one_is_killed(
    make_coach: Callable[[], Coach], db_url: str, kill_point: str, check: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """check=False is the control: a retry that doesn't look first shows the killed worker's post twice."""
    if not db_url.startswith("postgresql"):
        pytest.skip(f"needs PostgreSQL ({POSTGRES_ENV})")
    store = make_coach().store
    users = [UserKey("discord", "G1", f"u{i}") for i in range(30)]
    for key in users:
        seed(store, key, reminders=2, due=NOON - timedelta(hours=1))
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE fake_post (id SERIAL PRIMARY KEY, key TEXT NOT NULL, worker TEXT NOT NULL)"))
    seeded = len(reminder_rows(store))

    victim = _spawn(db_url, NOON, "A", "--kill-point", kill_point, "--kill-at", "2")
    survivor = _spawn(db_url, NOON, "B")
    for proc in (victim, survivor):
        _expect(proc, "READY")
    for proc in (victim, survivor):  # both start delivering at once
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    _expect(victim, "LEASED" if kill_point == "lease" else "POSTED")
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    survivor_done = survivor.communicate(timeout=120)[0]
    assert "DONE" in survivor_done and survivor.returncode == 0

    # the killed worker's leases run out; a worker later delivers what it held
    sweeper = _spawn(db_url, NOON + LEASE + timedelta(minutes=1), "C", *(() if check else ("--no-check",)))
    _expect(sweeper, "READY")
    sweeper_done = sweeper.communicate("go\n", timeout=120)[0]
    assert sweeper.returncode == 0

    with store.engine.connect() as conn:
        posts = conn.execute(text("SELECT key, count(*) FROM fake_post GROUP BY key")).all()
    keys = {f"coach-reminder-{r['id']}" for r in reminder_rows(store)}
    delivered = len({k for k, _ in posts} & keys)
    doubled = sum(1 for _, n in posts if n > 1)
    lost = seeded - delivered
    undone = sum(1 for r in reminder_rows(store) if r["delivered_at"] is None)
    with capsys.disabled():
        label = kill_point if check else f"{kill_point} (control: no re-post check)"
        print(f"\nkill -9 after {label}: {seeded} reminders, delivered {delivered}, lost {lost}, "
              f"doubled {doubled}; survivor {survivor_done.strip()}; sweeper {sweeper_done.strip()}")
    if not check:
        assert (delivered, lost, doubled, undone) == (seeded, 0, 1, 0), "the control shows what the check prevents"
        return
    assert (delivered, lost, doubled, undone) == (seeded, 0, 0, 0)
    if kill_point == "post":
        assert "already=1" in sweeper_done, "the retry found the post the killed worker made, and didn't repeat it"


def test_upgrading_keeps_pending_reminders_and_makes_them_leasable(db_url: str, clock: FakeClock) -> None:
    """A database from before leases (schema 2) gains the lease columns; its pending reminders still come."""
    from sqlalchemy import inspect as sa_inspect

    from exit_coach.drafts import DraftRenderer
    from exit_coach.schema import CASE, EVENT, METADATA, SCHEMA, THREAD, USER

    store = Store(db_url)
    with store.engine.begin() as conn:
        METADATA.create_all(conn, tables=[USER, CASE, EVENT, THREAD, SCHEMA])
        when = "TIMESTAMP WITH TIME ZONE" if store.engine.dialect.name == "postgresql" else "DATETIME"
        conn.execute(text(
            f'CREATE TABLE reminder (id INTEGER PRIMARY KEY, user_pk INTEGER NOT NULL REFERENCES "user"(pk) '
            f"ON DELETE CASCADE, case_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, due_at {when} NOT NULL, "
            f"delivered_at {when}, claimed_by VARCHAR)"
        ))
        conn.execute(SCHEMA.insert().values(id=1, version=2, upgraded_at=NOON))
    clock.now = NOON
    seed(store, ALICE, reminders=0, due=NOON - timedelta(days=1))
    with store.engine.begin() as conn:  # a reminder row as the old code wrote it
        conn.execute(text("INSERT INTO reminder (id, user_pk, case_id, kind, due_at) "
                          "VALUES (1, 1, 'c1', 'checkin_2w', :due)"), {"due": NOON - timedelta(hours=1)})
    with store.engine.begin() as conn:
        assert "lease_until" not in {c["name"] for c in sa_inspect(conn).get_columns("reminder")}
    store.upgrade()
    with store.engine.begin() as conn:
        columns = {c["name"] for c in sa_inspect(conn).get_columns("reminder")}
    assert {"lease_until", "tries", "failed_at", "last_error"} <= columns
    coach = Coach(store, renderer=DraftRenderer(), clock=clock)
    [delivery] = coach.deliver_due()
    assert delivery.attempt == 1 and coach.settle(delivery, lambda d: None) == "delivered"
    store.close()
