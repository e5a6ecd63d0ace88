"""Reminder rows: schedule, cancel, lease, defer, deliver or give up; the statements behind `Coach.deliver_due`.

A mixin of `exit_coach.store.Tx`: every method runs inside the caller's open
transaction (`self.conn`) and decides nothing about a conversation. A lease is
a claim with an expiry, so a worker that dies between claiming and posting
leaves the reminder due again once the lease runs out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, or_, select, update

from exit_coach.schema import REMINDER, USER, as_utc, utc
from exit_coach.store_rows import DueReminder, UserKey, iso, key_where


class ReminderRows:
    """The reminder table's statements for one transaction."""

    conn: Connection

    def add_reminder(self, user_pk: int, case_id: str, kind: str, due: datetime) -> None:
        self.conn.execute(
            REMINDER.insert().values(user_pk=user_pk, case_id=case_id, kind=kind, due_at=utc(due), tries=0)
        )

    def cancel_reminders(
        self, user_pk: int, case_id: str, kinds: tuple[str, ...] = (), *, keep: int | None = None
    ) -> int:
        """Delete the case's undelivered reminders (of `kinds`, or all); delivered ones stay as history.

        `keep` spares one row: the reminder being delivered right now, whose own step may reschedule its kind.
        """
        where = [
            REMINDER.c.user_pk == user_pk,
            REMINDER.c.case_id == case_id,
            REMINDER.c.delivered_at.is_(None),
            REMINDER.c.failed_at.is_(None),
        ]
        if kinds:
            where.append(REMINDER.c.kind.in_(list(kinds)))
        if keep is not None:
            where.append(REMINDER.c.id != keep)
        return int(self.conn.execute(delete(REMINDER).where(*where)).rowcount)

    def due_reminders(
        self,
        now: datetime,
        limit: int,
        *,
        platform: str | None = None,
        key: UserKey | None = None,
        skip: set[int] | None = None,
    ) -> list[DueReminder]:
        """Reminders due by `now` that nobody holds a live lease on, oldest first; one platform's or user's.

        `skip`: ids this caller already tried (lost to another worker, or moved out of quiet hours)."""
        stamp = utc(now)
        where = [
            REMINDER.c.delivered_at.is_(None),
            REMINDER.c.failed_at.is_(None),
            REMINDER.c.due_at <= stamp,
            or_(REMINDER.c.lease_until.is_(None), REMINDER.c.lease_until <= stamp),
        ]
        if platform is not None:
            where.append(USER.c.platform == platform)
        if key is not None:
            where.extend(key_where(key))
        if skip:
            where.append(REMINDER.c.id.not_in(sorted(skip)))
        rows = self.conn.execute(
            select(
                REMINDER.c.id,
                USER.c.platform,
                USER.c.workspace,
                USER.c.user_id,
                REMINDER.c.case_id,
                REMINDER.c.kind,
                REMINDER.c.due_at,
            )
            .join(USER, USER.c.pk == REMINDER.c.user_pk)
            .where(*where)
            .order_by(REMINDER.c.due_at, REMINDER.c.id)
            .limit(limit)
        ).all()
        return [DueReminder(int(r[0]), UserKey(r[1], r[2], r[3]), r[4], r[5], as_utc(r[6]) or now) for r in rows]

    def lease_reminder(self, reminder_id: int, *, by: str, now: datetime, until: datetime) -> int | None:
        """Take the lease on one due reminder; its attempt number, or None when it is taken, done or gone.

        The conditional UPDATE is the claim: two workers racing for one row can't both match it.
        """
        stamp = utc(now)
        result = self.conn.execute(
            update(REMINDER)
            .where(
                REMINDER.c.id == reminder_id,
                REMINDER.c.delivered_at.is_(None),
                REMINDER.c.failed_at.is_(None),
                REMINDER.c.due_at <= stamp,
                or_(REMINDER.c.lease_until.is_(None), REMINDER.c.lease_until <= stamp),
            )
            .values(lease_until=utc(until), claimed_by=by, tries=REMINDER.c.tries + 1)
        )
        if result.rowcount != 1:
            return None
        return int(self.conn.execute(select(REMINDER.c.tries).where(REMINDER.c.id == reminder_id)).scalar() or 1)

    def defer_reminder(self, reminder_id: int, due: datetime) -> None:
        """Move a reminder that came due in the user's quiet hours to their next allowed minute."""
        self.conn.execute(
            update(REMINDER).where(REMINDER.c.id == reminder_id, REMINDER.c.delivered_at.is_(None))
            .values(due_at=utc(due))
        )

    def mark_delivered(self, reminder_id: int, *, now: datetime, note: str | None = None) -> bool:
        """The platform accepted it (or there was nothing to say): done for good. False when it already was."""
        result = self.conn.execute(
            update(REMINDER)
            .where(REMINDER.c.id == reminder_id, REMINDER.c.delivered_at.is_(None))
            .values(delivered_at=utc(now), lease_until=None, last_error=note)
        )
        return result.rowcount == 1

    def mark_failed(self, reminder_id: int, reason: str, *, now: datetime, permanent: bool, max_tries: int) -> bool:
        """Record a failed post. It stays leased until the lease runs out (then it is due again), unless
        `permanent` or out of tries: then it is given up with the reason. True when it was given up."""
        row = self.conn.execute(
            select(REMINDER.c.tries, REMINDER.c.delivered_at).where(REMINDER.c.id == reminder_id)
        ).first()
        if row is None or row[1] is not None:
            return False
        give_up = permanent or int(row[0] or 0) >= max_tries
        values: dict[str, Any] = {"last_error": reason[:200]}
        if give_up:
            values.update(failed_at=utc(now), lease_until=None)
        self.conn.execute(update(REMINDER).where(REMINDER.c.id == reminder_id).values(**values))
        return give_up

    def reminders(self, user_pk: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(
                REMINDER.c.case_id,
                REMINDER.c.kind,
                REMINDER.c.due_at,
                REMINDER.c.delivered_at,
                REMINDER.c.failed_at,
                REMINDER.c.last_error,
            )
            .where(REMINDER.c.user_pk == user_pk)
            .order_by(REMINDER.c.due_at, REMINDER.c.id)
        ).all()
        return [
            {
                "case_id": r[0],
                "kind": r[1],
                "due_at": iso(r[2]),
                "delivered_at": iso(r[3]),
                "failed_at": iso(r[4]),
                "failure": r[5] if r[4] is not None else None,
            }
            for r in rows
        ]
