"""The step's hot path as SQL: each statement once as SQLAlchemy Core and once as SQLite text.

`Tx` runs these by name. On SQLite the text goes straight to the driver
connection of the same transaction (SQLAlchemy's per-statement bookkeeping cost
more than the statements); elsewhere the SQLAlchemy statement runs as usual.
Both spell the same query with the same named parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, select, update

from exit_coach.schema import CASE, EVENT, THREAD, USER, utc

_PEEK_USER = select(
    USER.c.pk, USER.c.version, USER.c.profile_json, USER.c.active, USER.c.pending, USER.c.created_at,
    USER.c.updated_at,
).where(
    USER.c.platform == bindparam("k_platform"),
    USER.c.workspace == bindparam("k_workspace"),
    USER.c.user_id == bindparam("k_user"),
)
_LOAD_USER = _PEEK_USER.with_for_update()
_LOAD_CASES = (
    select(CASE.c.id, CASE.c.version, CASE.c.state_json)
    .where(CASE.c.user_pk == bindparam("k_pk"))
    .order_by(CASE.c.position)
)
_CASE_CHANGES = (
    select(
        CASE.c.id,
        CASE.c.version,
        case((CASE.c.updated_at > bindparam("k_since", type_=CASE.c.updated_at.type), CASE.c.state_json), else_=None),
    )
    .where(CASE.c.user_pk == bindparam("k_pk"))
    .order_by(CASE.c.position)
)
_LOAD_CASE = select(CASE.c.version, CASE.c.state_json).where(
    CASE.c.user_pk == bindparam("k_pk"), CASE.c.id == bindparam("k_id")
)
_SAVE_USER = (
    update(USER)
    .where(USER.c.pk == bindparam("k_pk"), USER.c.version == bindparam("k_version"))
    .values(
        profile_json=bindparam("v_profile"),
        active=bindparam("v_active"),
        pending=bindparam("v_pending"),
        version=bindparam("v_version"),
        updated_at=bindparam("v_updated"),
    )
)
_CASE_VALUES = dict(
    company=bindparam("v_company"),
    role=bindparam("v_role"),
    phase=bindparam("v_phase"),
    position=bindparam("v_position"),
    state_json=bindparam("v_state"),
    version=bindparam("v_version"),
    updated_at=bindparam("v_updated"),
)
_INSERT_CASE = CASE.insert().values(user_pk=bindparam("k_pk"), id=bindparam("k_id"), **_CASE_VALUES)
_SAVE_CASE = (
    update(CASE)
    .where(
        CASE.c.user_pk == bindparam("k_pk"), CASE.c.id == bindparam("k_id"), CASE.c.version == bindparam("k_version")
    )
    .values(**_CASE_VALUES)
)
_USER_PK = select(USER.c.pk).where(
    USER.c.platform == bindparam("k_platform"),
    USER.c.workspace == bindparam("k_workspace"),
    USER.c.user_id == bindparam("k_user"),
)
_THREADS = (
    select(THREAD.c.case_id, THREAD.c.ref).where(THREAD.c.user_pk == bindparam("k_pk")).order_by(THREAD.c.case_id)
)
_THREAD_REF = select(THREAD.c.ref).where(THREAD.c.user_pk == bindparam("k_pk"), THREAD.c.case_id == bindparam("k_id"))
_CASE_OF_THREAD = select(THREAD.c.case_id).where(
    THREAD.c.user_pk == bindparam("k_pk"), THREAD.c.ref == bindparam("k_ref")
)
_SEEN = select(EVENT.c.event_id).where(EVENT.c.event_id == bindparam("k_event"))
_RECORD_EVENT = EVENT.insert().values(event_id=bindparam("event_id"), user_pk=bindparam("user_pk"), at=bindparam("at"))

# The same statements as SQLite text, for the driver (named parameters, identical semantics).
# SQLite takes the write lock at BEGIN IMMEDIATE, so the user row needs no FOR UPDATE there.
HOT: dict[str, tuple[Any, str]] = {
    "load_user": (
        _LOAD_USER,
        'SELECT pk, version, profile_json, active, pending, created_at, updated_at FROM "user" '
        "WHERE platform = :k_platform AND workspace = :k_workspace AND user_id = :k_user",
    ),
    "peek_user": (  # the same row without a lock, for read-only transactions
        _PEEK_USER,
        'SELECT pk, version, profile_json, active, pending, created_at, updated_at FROM "user" '
        "WHERE platform = :k_platform AND workspace = :k_workspace AND user_id = :k_user",
    ),
    "load_cases": (_LOAD_CASES, 'SELECT id, version, state_json FROM "case" WHERE user_pk = :k_pk ORDER BY position'),
    "case_changes": (  # every case's version, and the JSON of those saved after :k_since
        _CASE_CHANGES,
        'SELECT id, version, CASE WHEN updated_at > :k_since THEN state_json ELSE NULL END FROM "case" '
        "WHERE user_pk = :k_pk ORDER BY position",
    ),
    "load_case": (_LOAD_CASE, 'SELECT version, state_json FROM "case" WHERE user_pk = :k_pk AND id = :k_id'),
    "save_user": (
        _SAVE_USER,
        'UPDATE "user" SET profile_json = :v_profile, active = :v_active, pending = :v_pending, '
        "version = :v_version, updated_at = :v_updated WHERE pk = :k_pk AND version = :k_version",
    ),
    "insert_case": (
        _INSERT_CASE,
        'INSERT INTO "case" (user_pk, id, position, company, role, phase, state_json, '
        "version, updated_at) VALUES (:k_pk, :k_id, :v_position, :v_company, :v_role, "
        ":v_phase, :v_state, :v_version, :v_updated)",
    ),
    "save_case": (
        _SAVE_CASE,
        'UPDATE "case" SET company = :v_company, role = :v_role, phase = :v_phase, '
        "position = :v_position, state_json = :v_state, version = :v_version, "
        "updated_at = :v_updated WHERE user_pk = :k_pk AND id = :k_id AND version = :k_version",
    ),
    "user_pk": (
        _USER_PK,
        'SELECT pk FROM "user" WHERE platform = :k_platform AND workspace = :k_workspace AND user_id = :k_user',
    ),
    "threads": (_THREADS, "SELECT case_id, ref FROM thread WHERE user_pk = :k_pk ORDER BY case_id"),
    "thread_ref": (_THREAD_REF, "SELECT ref FROM thread WHERE user_pk = :k_pk AND case_id = :k_id"),
    "case_of_thread": (_CASE_OF_THREAD, "SELECT case_id FROM thread WHERE user_pk = :k_pk AND ref = :k_ref"),
    "seen": (_SEEN, "SELECT event_id FROM processed_event WHERE event_id = :k_event"),
    "record_event": (
        _RECORD_EVENT,
        "INSERT INTO processed_event (event_id, user_pk, at) VALUES (:event_id, :user_pk, :at)",
    ),
}


@dataclass(frozen=True)
class Rows:
    rows: list[Any]
    rowcount: int

    def first(self) -> Any:
        return self.rows[0] if self.rows else None


def sqlite_param(value: Any) -> Any:
    # SQLAlchemy stores SQLite DATETIME as naive UTC text with microseconds; write exactly that
    if isinstance(value, datetime):
        return utc(value).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return value


def read_datetime(value: Any) -> datetime:
    return utc(datetime.fromisoformat(value) if isinstance(value, str) else value)
