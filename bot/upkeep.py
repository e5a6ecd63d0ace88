"""Whole-database upkeep: the key check at start, key rotation, and the retention purge.

`check_keys` reads a sample of the sealed columns at start, so a wrong or
missing `COACH_ENCRYPTION_KEY` stops the process with one line before any
conversation is half-read. `rotate_keys` re-seals every personal value under
the newest key (and seals values still in clear), one user per short
transaction, bumping versions so running bots reload instead of writing an old
token back: no downtime, a concurrent step just retries. `purge` deletes every
case nobody touched for the retention period (the user's own shorter choice,
else the operator's), with its reminders and thread link, and users left with
nothing; on SQLite the freed bytes are then wiped from the file and its WAL.
It decides nothing about a conversation beyond "untouched for N days".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import delete, func, select, update

from exit_coach.codec import decode_case, decode_profile
from exit_coach.crypto import KeyProblem
from exit_coach.schema import CASE, EVENT, REMINDER, THREAD, USER, as_utc, utc
from exit_coach.store import Store

SAMPLE = 20
SHORTEST_RETENTION_DAYS = 7
"""The shortest period a user can choose in `settings`; purge looks at cases at least this old."""


def check_keys(store: Store) -> None:
    """Raise KeyProblem when stored sealed values can't be opened with the store's keys (none: every one)."""
    with store.reading() as tx:
        for column in (USER.c.profile_json, CASE.c.state_json):
            query = select(column).where(column.like("fernet:%")).limit(SAMPLE)
            for (stored,) in tx.conn.execute(query):
                store.cipher.open(stored)


@dataclass(frozen=True)
class Rotated:
    users: int
    cases: int


def rotate_keys(store: Store) -> Rotated:
    """Re-seal every user's profile and cases under the newest key; KeyProblem when a value can't be opened."""
    if not store.cipher.enabled:
        raise KeyProblem("COACH_ENCRYPTION_KEY is not set: there is no key to encrypt with")
    with store.reading() as tx:
        pks = [int(pk) for (pk,) in tx.conn.execute(select(USER.c.pk).order_by(USER.c.pk))]
    cases = 0
    for pk in pks:
        with store.transaction() as tx:
            row = tx.conn.execute(
                select(USER.c.profile_json, USER.c.version).where(USER.c.pk == pk).with_for_update()
            ).first()
            if row is None:  # forgotten meanwhile
                continue
            tx.conn.execute(
                update(USER).where(USER.c.pk == pk)
                .values(profile_json=store.cipher.reseal(row[0] or "{}"), version=row[1] + 1)
            )
            for case_id, state_json, version in tx.conn.execute(
                select(CASE.c.id, CASE.c.state_json, CASE.c.version).where(CASE.c.user_pk == pk)
            ).all():
                case = decode_case(store.cipher.open(state_json))
                tx.conn.execute(
                    update(CASE).where(CASE.c.user_pk == pk, CASE.c.id == case_id).values(
                        state_json=store.cipher.reseal(state_json),
                        company=store.cipher.seal(case.company) if case.company else "",
                        role=store.cipher.seal(case.role) if case.role else "",
                        version=version + 1,
                    )
                )
                cases += 1
            tx.after_commit.append(partial(store.forget_remembered, pk))
    store.wipe_freed()
    return Rotated(len(pks), cases)


@dataclass(frozen=True)
class Purged:
    cases: int = 0
    users: int = 0
    reminders: int = 0
    threads: int = 0
    events: int = 0


def purge(store: Store, *, now: datetime, days: int) -> Purged:
    """Delete cases untouched for the retention period (and what hangs off them); users left with nothing idle
    that long go too. Processed event ids older than `days` go as well. Returns the counts."""
    now = utc(now)
    oldest_choice = now - timedelta(days=min(days, SHORTEST_RETENTION_DAYS))
    with store.reading() as tx:
        with_old_cases = select(CASE.c.user_pk).where(CASE.c.updated_at < oldest_choice)
        without_cases = select(USER.c.pk).where(
            USER.c.updated_at < oldest_choice, ~select(CASE.c.id).where(CASE.c.user_pk == USER.c.pk).exists()
        )
        pks = sorted({int(pk) for (pk,) in tx.conn.execute(with_old_cases.union(without_cases))})
    total = Purged()
    for pk in pks:
        with store.transaction() as tx:
            total = _add(total, _purge_user(store, tx, pk, now=now, days=days))
    with store.transaction() as tx:
        events = tx.conn.execute(delete(EVENT).where(EVENT.c.at < now - timedelta(days=days))).rowcount
    total = replace(total, events=int(events or 0))
    if total != Purged():
        store.wipe_freed()
    return total


def _purge_user(store: Store, tx, pk: int, *, now: datetime, days: int) -> Purged:  # noqa: ANN001 - Tx
    row = tx.conn.execute(
        select(USER.c.profile_json, USER.c.version, USER.c.active, USER.c.pending, USER.c.updated_at)
        .where(USER.c.pk == pk).with_for_update()
    ).first()
    if row is None:
        return Purged()
    profile = decode_profile(store.cipher.open(row[0] or "{}"))
    chosen = getattr(profile, "retention_days", None)
    cutoff = now - timedelta(days=min(days, chosen) if chosen else days)
    cases = tx.conn.execute(select(CASE.c.id, CASE.c.updated_at).where(CASE.c.user_pk == pk)).all()
    old = [case_id for case_id, updated in cases if (as_utc(updated) or now) < cutoff]
    if len(old) == len(cases) and (as_utc(row[4]) or now) < cutoff:
        counts = tx.delete_user(pk)
        return Purged(counts["cases"], counts["users"], counts["reminders"], counts["threads"])
    if not old:
        return Purged()
    reminders = tx.conn.execute(delete(REMINDER).where(REMINDER.c.user_pk == pk, REMINDER.c.case_id.in_(old)))
    threads = tx.conn.execute(delete(THREAD).where(THREAD.c.user_pk == pk, THREAD.c.case_id.in_(old)))
    gone = tx.conn.execute(delete(CASE).where(CASE.c.user_pk == pk, CASE.c.id.in_(old))).rowcount
    active = None if row[2] in old else row[2]
    pending = None if row[2] in old else row[3]  # a pending question belongs to the screen of the active case
    tx.conn.execute(
        update(USER).where(USER.c.pk == pk).values(active=active, pending=pending, version=row[1] + 1)
    )
    tx.after_commit.append(lambda: store.forget_remembered(pk))
    return Purged(int(gone or 0), 0, int(reminders.rowcount or 0), int(threads.rowcount or 0))


def _add(a: Purged, b: Purged) -> Purged:
    return Purged(a.cases + b.cases, a.users + b.users, a.reminders + b.reminders, a.threads + b.threads, a.events)


def count_rows(store: Store) -> dict[str, int]:
    """Rows per table (for tests and `coach db purge --dry-run`-like checks)."""
    with store.reading() as tx:
        return {
            table.name: int(tx.conn.execute(select(func.count()).select_from(table)).scalar() or 0)
            for table in (USER, CASE, REMINDER, THREAD, EVENT)
        }
