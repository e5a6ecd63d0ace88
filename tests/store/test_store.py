"""The store and the service: what a user notices when the bot saves, restarts, races or forgets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from exit_coach.flow.events import Command, Start, Text
from exit_coach.flow.replies import Attachment, Say
from exit_coach.schema import CASE, EVENT, METADATA, REMINDER, USER
from exit_coach.service import BUSY, SORRY, Coach, UnknownUser, UserKey
from exit_coach.store import Conflict, Store
from tests.store.conftest import RENDERER, FakeClock, answer, last_question, walk, walk_to

ALICE = UserKey("slack", "T1", "U_ALICE")
BOB = UserKey("slack", "T1", "U_BOB")
ROOT = Path(__file__).resolve().parents[2]


def rows(store: Store, table, **where: object) -> int:  # noqa: ANN001
    with store.engine.connect() as conn:
        stmt = select(func.count()).select_from(table)
        for column, value in where.items():
            stmt = stmt.where(table.c[column] == value)
        return int(conn.execute(stmt).scalar() or 0)


def to_drafting(coach: Coach, key: UserKey) -> str:
    """Walk to the first draft revision; returns the question now on screen."""
    question = last_question(walk_to(coach, key, "rev:"))
    assert question is not None
    return question


def test_a_conversation_survives_a_new_coach_on_the_same_database(make_coach: Callable[[], Coach]) -> None:
    first = make_coach()
    outcome = walk(first, ALICE, 3)
    question = last_question(outcome)
    second = make_coach()  # a restart: new engine, nothing in memory
    resumed = second.handle(ALICE, Start())
    assert last_question(resumed) == question
    assert second.export(ALICE) == first.export(ALICE)
    assert second.export(ALICE)["cases"][0]["company"] == "Acme"


def test_a_stale_save_is_a_conflict_not_an_overwrite(coach: Coach, clock: FakeClock) -> None:
    walk(coach, ALICE, 1)
    store = coach.store
    with store.transaction() as tx:
        one = tx.load(ALICE, now=clock(), create=False)
    with store.transaction() as tx:
        two = tx.load(ALICE, now=clock(), create=False)
    assert one is not None and two is not None
    with store.transaction() as tx:
        tx.save(one, one.conversation.with_case(one.conversation.cases[0].logged("t", "first writer")), now=clock())
    with pytest.raises(Conflict), store.transaction() as tx:
        tx.save(two, two.conversation.with_case(two.conversation.cases[0].logged("t", "second")), now=clock())
    log = [entry["text"] for entry in coach.export(ALICE)["cases"][0]["log"]]
    assert "first writer" in log and "second" not in log


def test_a_duplicated_delivery_changes_nothing(coach: Coach) -> None:
    outcome = coach.handle(ALICE, Start(), event_id="Ev1")
    event = answer(outcome.replies)
    first = coach.handle(ALICE, event, event_id="Ev2")
    before = coach.export(ALICE)
    again = coach.handle(ALICE, event, event_id="Ev2")
    assert first.replies and not first.duplicate
    assert again.duplicate and again.replies == ()
    assert coach.export(ALICE) == before


def test_forget_from_the_chat_deletes_that_user_and_only_them(coach: Coach) -> None:
    walk_to(coach, ALICE, "plan")
    walk(coach, BOB, 2)
    bob_before = coach.export(BOB)
    asked = coach.handle(ALICE, Command("forget"), event_id="f1")
    done = coach.handle(ALICE, answer(asked.replies), event_id="f2")  # first option is "yes"
    assert any(isinstance(r, Say) and "deleted" in r.text for r in done.replies)
    with pytest.raises(UnknownUser):
        coach.export(ALICE)
    assert coach.export(BOB) == bob_before
    assert rows(coach.store, USER) == 1 and rows(coach.store, CASE) == 1
    assert rows(coach.store, REMINDER) == 0  # Alice's nudge went with her


def test_forget_from_the_command_side_reports_what_went(coach: Coach) -> None:
    walk(coach, ALICE, 2)
    coach.handle(BOB, Start(), event_id="b1")
    counts = coach.forget_counts(ALICE)
    assert counts is not None and counts["cases"] == 1 and counts["users"] == 1
    assert coach.forget(ALICE) is False
    assert rows(coach.store, EVENT) == 1  # Bob's processed event is untouched


def test_export_includes_cases_drafts_and_history(coach: Coach) -> None:
    question = to_drafting(coach, ALICE)
    coach.handle(ALICE, Text("1"))  # one more revision
    data = coach.export(ALICE)
    json.dumps(data)  # JSON-able
    case = data["cases"][0]
    assert question.startswith("rev:") and len(case["revisions"]) == 2
    assert case["revisions"][0]["body"] and case["log"]
    assert data["profile"]["signature"]["name"] == "Priya Natarajan"
    markdown = coach.export_markdown(ALICE)
    assert "Acme" in markdown and "Revision 2" in markdown
    outcome = coach.handle(ALICE, Command("export"))
    files = {r.filename: r for r in outcome.replies if isinstance(r, Attachment)}
    assert set(files) == {"exit-coach-export.json", "exit-coach-history.md", "exit-coach-cases.csv"}
    assert json.loads(files["exit-coach-export.json"].content)["cases"][0]["revisions"][1]["number"] == 2


def test_each_due_reminder_is_delivered_once_across_processes(make_coach: Callable[[], Coach],
                                                              clock: FakeClock) -> None:
    first, second = make_coach(), make_coach()
    users = [UserKey("discord", "G1", f"u{i}") for i in range(6)]
    for key in users:
        walk_to(first, key, "plan")  # the plan schedules a nudge to send
    assert rows(first.store, REMINDER) == len(users)
    clock.advance(days=3)
    results: list[list] = [[], [], [], []]

    def deliver(coach: Coach, slot: int) -> None:
        results[slot] = coach.deliver_due(limit=2)
        results[slot] += coach.deliver_due()

    threads = [threading.Thread(target=deliver, args=(c, i)) for i, c in enumerate([first, second, first, second])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    delivered = [d.key for batch in results for d in batch]
    assert sorted(k.user for k in delivered) == sorted(k.user for k in users)
    assert first.deliver_due() == [] and second.deliver_due() == []


def test_a_front_end_claims_only_the_reminders_it_can_deliver(coach: Coach, clock: FakeClock) -> None:
    on_slack, on_discord = UserKey("slack", "T1", "U1"), UserKey("discord", "G1", "D1")
    terminal = UserKey("console", "", "sam")
    for key in (on_slack, on_discord, terminal):
        walk_to(coach, key, "plan")
    clock.advance(days=3)
    assert [d.key for d in coach.deliver_due(platform="slack")] == [on_slack]
    assert [d.key for d in coach.deliver_due(key=terminal)] == [terminal]
    assert [d.key for d in coach.deliver_due()] == [on_discord], "the others were left for their own front end"


def test_cancelling_a_case_cancels_its_reminders(coach: Coach, clock: FakeClock) -> None:
    walk_to(coach, ALICE, "plan")
    coach.handle(ALICE, Command("cancel"))
    clock.advance(days=30)
    assert coach.deliver_due() == []


def test_eight_threads_on_one_case_lose_no_update(coach: Coach) -> None:
    to_drafting(coach, ALICE)
    per_thread, threads_n = 4, 8  # 1 + 32 revisions stays under MAX_REVISIONS
    errors: list[BaseException] = []
    answers: list[tuple] = []

    def worker(n: int) -> None:
        try:
            for i in range(per_thread):
                answers.append(coach.handle(ALICE, Text("1"), event_id=f"t{n}-{i}").replies)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert not any(isinstance(r, Say) and r.text in (BUSY, SORRY) for replies in answers for r in replies)
    assert len(coach.export(ALICE)["cases"][0]["revisions"]) == 1 + per_thread * threads_n
    assert rows(coach.store, EVENT) == per_thread * threads_n


def test_db_upgrade_twice_keeps_data(coach: Coach, db_url: str) -> None:
    walk(coach, ALICE, 2)
    before = coach.export(ALICE)
    again = Store(db_url)
    try:
        assert again.upgrade() == again.upgrade() == again.schema_version() >= 1
    finally:
        again.close()
    assert coach.export(ALICE) == before


def test_a_bug_in_the_core_is_an_apology_and_saves_nothing(coach: Coach, monkeypatch: pytest.MonkeyPatch) -> None:
    walk(coach, ALICE, 1)
    before = coach.export(ALICE)

    def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("exit_coach.service.step", broken)
    outcome = coach.handle(ALICE, Text("1"), event_id="bug")
    assert outcome.replies == (Say(SORRY),)
    monkeypatch.undo()
    assert coach.export(ALICE) == before
    assert not coach.handle(ALICE, Text("help"), event_id="bug").duplicate  # not recorded either


def test_a_case_that_keeps_changing_underneath_is_reported_not_half_saved(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    walk(coach, ALICE, 1)
    before = coach.export(ALICE)

    def always_conflict(*_args: object, **_kwargs: object) -> None:
        raise Conflict("simulated")

    monkeypatch.setattr("exit_coach.store.Tx.save", always_conflict)
    outcome = coach.handle(ALICE, Text("1"), event_id="race")
    monkeypatch.undo()
    assert outcome.replies == (Say(BUSY),)
    assert coach.export(ALICE) == before


def test_a_new_process_continues_at_the_same_question(tmp_path: Path, clock: FakeClock) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    store = Store(url)
    store.upgrade()
    coach = Coach(store, renderer=RENDERER, clock=clock)
    question = last_question(walk(coach, ALICE, 3))
    store.close()
    script = textwrap.dedent(f"""
        from exit_coach.flow.events import Start
        from exit_coach.service import UserKey, open_coach
        from tests.store.conftest import last_question
        coach = open_coach({url!r})
        print(last_question(coach.handle(UserKey("slack", "T1", "U_ALICE"), Start())))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == question


def test_upgrading_an_old_database_keeps_its_conversations(tmp_path: Path) -> None:
    """A database made by the first schema (before thread links) upgrades in place, data intact."""
    from sqlalchemy import inspect as sa_inspect

    from exit_coach.schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url)
    with old.transaction() as tx:
        METADATA.create_all(tx.conn, tables=[SCHEMA])
        MIGRATIONS[0](tx.conn)
        tx.conn.execute(SCHEMA.insert().values(id=1, version=1, upgraded_at=datetime.now(UTC)))
    walk_to(Coach(old, renderer=RENDERER), ALICE, "stage")
    old.close()
    new = Store(url)
    assert new.schema_version() == 1
    assert new.upgrade() == SCHEMA_VERSION
    with new.engine.connect() as conn:
        assert sa_inspect(conn).has_table("thread")
    coach = Coach(new, renderer=RENDERER)
    assert coach.export(ALICE)["cases"][0]["question"] == "stage", "the conversation survived the upgrade"
    case_id = coach.export(ALICE)["cases"][0]["id"]
    assert coach.set_thread(ALICE, case_id, "D1:100.1") == "D1:100.1"
    assert coach.set_thread(ALICE, case_id, "D1:999.9") == "D1:100.1", "the first thread root stays"
    assert coach.forget_counts(ALICE)["threads"] == 1


def test_reading_never_queues_behind_a_step_in_progress(coach: Coach) -> None:
    """What an adapter must answer within a platform deadline (a form, a thread) doesn't wait for writers."""
    walk_to(coach, ALICE, "stage")
    case_id = coach.export(ALICE)["cases"][0]["id"]
    inside, release = threading.Event(), threading.Event()

    def long_step() -> None:
        with coach.store.transaction():
            inside.set()
            release.wait(timeout=30)

    writer = threading.Thread(target=long_step)
    writer.start()
    assert inside.wait(timeout=30)
    got: list[object] = []
    reader = threading.Thread(target=lambda: got.append(coach.current_form(ALICE, case_id, "details")))
    reader.start()
    reader.join(timeout=20)
    finished_while_writer_held_the_lock = not reader.is_alive()
    release.set()
    writer.join(timeout=30)
    reader.join(timeout=30)
    assert finished_while_writer_held_the_lock
    assert got and "isn't open any more" in got[0].text  # the details form was answered earlier


def test_a_thread_reference_leads_back_to_its_case(coach: Coach) -> None:
    walk_to(coach, ALICE, "stage")
    case_id = coach.export(ALICE)["cases"][0]["id"]
    coach.set_thread(ALICE, case_id, "D1:100.1")
    assert coach.case_of_thread(ALICE, "D1:100.1") == case_id
    assert coach.case_of_thread(ALICE, "D1:999.9") is None
    assert coach.case_of_thread(UserKey("slack", "T1", "U_BOB"), "D1:100.1") is None, "only the owner's threads"
    assert coach.export(ALICE)["threads"] == [{"case_id": case_id, "ref": "D1:100.1"}], "the export holds it too"
    assert "D1:100.1" in coach.export_markdown(ALICE)
