"""The database schema: SQLModel table classes, their SQLAlchemy handles, and the migrations.

The tables are declared here once, with their own metadata (not SQLModel's
global one). `MIGRATIONS` is the ordered list that `Store.upgrade()` runs: to
change the schema, append a function; never edit a released one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, UniqueConstraint, inspect
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

_registry = registry()


class _Table(SQLModel, registry=_registry):
    """Base of this module's tables: their own metadata, not SQLModel's global one."""


class UserRow(_Table, table=True):
    __tablename__ = "user"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id", name="uq_user_key"),)
    pk: int | None = Field(default=None, primary_key=True)
    platform: str
    workspace: str = ""
    user_id: str
    profile_json: str = "{}"
    active: str | None = None
    pending: str | None = None
    version: int = 1
    created_at: datetime
    updated_at: datetime


class CaseRow(_Table, table=True):
    __tablename__ = "case"
    user_pk: int = Field(foreign_key="user.pk", ondelete="CASCADE", primary_key=True)
    id: str = Field(primary_key=True)
    position: int = 0
    company: str = ""
    role: str = ""
    phase: str = ""
    state_json: str
    version: int = 1
    updated_at: datetime


class ProcessedEventRow(_Table, table=True):
    __tablename__ = "processed_event"
    event_id: str = Field(primary_key=True)
    user_pk: int = Field(foreign_key="user.pk", ondelete="CASCADE", index=True)
    at: datetime


class ReminderRow(_Table, table=True):
    __tablename__ = "reminder"
    id: int | None = Field(default=None, primary_key=True)
    user_pk: int = Field(foreign_key="user.pk", ondelete="CASCADE", index=True)
    case_id: str
    kind: str
    due_at: datetime = Field(index=True)
    delivered_at: datetime | None = None
    claimed_by: str | None = None
    lease_until: datetime | None = None
    """Set while a worker posts it; past this moment another worker may try again."""
    tries: int = 0
    failed_at: datetime | None = None
    """Given up on (DMs closed, user gone, or MAX_TRIES failures): never due again."""
    last_error: str | None = None


class ThreadRow(_Table, table=True):
    """Where a case's messages live on a platform (a Slack DM thread, a Discord thread): an opaque reference."""

    __tablename__ = "thread"
    user_pk: int = Field(foreign_key="user.pk", ondelete="CASCADE", primary_key=True)
    case_id: str = Field(primary_key=True)
    ref: str


class SchemaVersionRow(_Table, table=True):
    __tablename__ = "schema_version"
    id: int = Field(default=1, primary_key=True)
    version: int
    upgraded_at: datetime


METADATA = _registry.metadata
USER = UserRow.__table__
CASE = CaseRow.__table__
EVENT = ProcessedEventRow.__table__
REMINDER = ReminderRow.__table__
SCHEMA = SchemaVersionRow.__table__
THREAD = ThreadRow.__table__


def utc(moment: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken to be UTC already): what the columns store."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else utc(moment)


def _m1_initial(conn: Connection) -> None:
    METADATA.create_all(conn, tables=[USER, CASE, EVENT, REMINDER], checkfirst=True)


def add_column_if_missing(conn: Connection, table: str, column: str, ddl: str) -> None:
    """For future migrations: `ALTER TABLE ... ADD COLUMN` unless it exists; existing rows are kept."""
    if column not in {c["name"] for c in inspect(conn).get_columns(table)}:
        quoted = conn.dialect.identifier_preparer.quote(table)
        conn.exec_driver_sql(f"ALTER TABLE {quoted} ADD COLUMN {column} {ddl}")


def _m2_threads(conn: Connection) -> None:
    METADATA.create_all(conn, tables=[THREAD], checkfirst=True)


def _m3_reminder_leases(conn: Connection) -> None:
    """Leases and tries for at-least-once delivery; existing reminders start unleased with no tries."""
    for name in ("lease_until", "failed_at"):
        add_column_if_missing(conn, "reminder", name, REMINDER.c[name].type.compile(dialect=conn.dialect))
    add_column_if_missing(conn, "reminder", "tries", "INTEGER NOT NULL DEFAULT 0")
    add_column_if_missing(conn, "reminder", "last_error", "VARCHAR")


MIGRATIONS: list[Callable[[Connection], None]] = [_m1_initial, _m2_threads, _m3_reminder_leases]
"""Schema version N is reached by running MIGRATIONS[N-1]; each runs in its own transaction."""

SCHEMA_VERSION = len(MIGRATIONS)
