"""The store: the engine, transactions, versioned saves, processed events, reminders and upgrades.

This module owns every conversation with the database (the engine itself is
made by `exit_coach.store_engine`; PostgreSQL gets `SELECT ... FOR UPDATE` on
the user row): the optimistic version check on save, the processed event ids, the reminder rows,
and `upgrade()`, which runs the migrations of `exit_coach.schema`. The tables live in
`exit_coach.schema`, the hot path's SQL in `exit_coach.store_sql`. It does not decide anything
about a conversation (`exit_coach.flow`) nor run a step (`exit_coach.service`); it loads and
saves `Conversation` values.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, inspect, select, update

from exit_coach.codec import decode_case, decode_profile, encode_case, encode_profile
from exit_coach.crypto import Cipher
from exit_coach.flow.state import Case, Conversation, Profile
from exit_coach.schema import (
    CASE,
    EVENT,
    METADATA,
    MIGRATIONS,
    REMINDER,
    SCHEMA,
    SCHEMA_VERSION,
    THREAD,
    USER,
    utc,
)
from exit_coach.store_engine import READ_ONLY, make_engine, transaction_deadline
from exit_coach.store_faults import WATCHDOG, Conflict, fault_kind
from exit_coach.store_reminders import ReminderRows
from exit_coach.store_rows import DueReminder, Loaded, UserKey
from exit_coach.store_sql import HOT, Rows, read_datetime, sqlite_param

__all__ = ["Conflict", "DueReminder", "Loaded", "Store", "Tx", "UserKey", "fault_kind", "make_engine", "open_store"]



# ---- the store ---------------------------------------------------------------------------------


class Store:
    """Transactions over one database; safe to share between threads."""

    def __init__(self, url: str, *, cipher: Cipher | None = None) -> None:
        self.url = url
        self.cipher = cipher or Cipher()
        """Seals the personal columns (profile, case state, company, role); a no-op without a key."""
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.deadline = transaction_deadline()
        """Seconds a PostgreSQL transaction may take before its connection is cut (see `store_faults`)."""
        # SQLite has one writer per file: queue this process's writers on a lock instead of busy-sleeping.
        self._write_lock: threading.Lock | None = threading.Lock() if self.is_sqlite else None
        self._conn: Connection | None = None
        self._cases: OrderedDict[str, Case] = OrderedDict()
        self._cases_lock = threading.Lock()
        # user pk -> the conversation as this process last committed it; valid while the row's version matches
        self._conversations: OrderedDict[int, Loaded] = OrderedDict()

    def close(self) -> None:
        if self._conn is not None:
            with self._write_lock or nullcontext():
                self._conn.close()
                self._conn = None
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        if self._write_lock is None:
            with self.engine.begin() as conn, WATCHDOG.guard(conn.connection.driver_connection, self.deadline):
                tx = Tx(self, conn)
                yield tx
        else:
            with self._write_lock:
                tx = yield from self._sqlite_transaction()
        for hook in tx.after_commit:
            hook()

    def _sqlite_transaction(self) -> Generator[Tx, None, Tx]:
        # Writers in this process take turns on the lock anyway, so they share one open connection:
        # checking a connection out of the pool for every step cost more than the step's SQL.
        if self._conn is None:
            self._conn = self.engine.connect()
        try:
            with self._conn.begin():
                tx = Tx(self, self._conn)
                yield tx
        except BaseException:
            if self._conn.invalidated or self._conn.closed:
                self._conn = None
            raise
        return tx

    def check(self, *, write: bool = False) -> None:
        """Raise unless the database answers now (and, with `write`, takes writes); nothing is kept.

        For `/healthz` and the start: a read-only database raises an OperationalError whose
        `fault_kind` is "read_only".
        """
        from sqlalchemy.exc import OperationalError

        with self.engine.connect() as conn, self._guard(conn):
            if not write:
                conn.exec_driver_sql("SELECT 1").scalar()
                conn.rollback()
                return
            if not self.is_sqlite:
                if conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on":
                    raise OperationalError("SHOW transaction_read_only", {}, Exception("read-only database"))
                conn.rollback()
                return
            with self._write_lock or nullcontext():
                trans = conn.begin()
                try:  # a real write (DDL is transactional in SQLite), rolled back: nothing is kept
                    conn.exec_driver_sql("CREATE TABLE coach_write_probe (x INTEGER)")
                finally:
                    trans.rollback()

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        """A read-only transaction: no write lock, no row locks, so it never queues behind a step.

        For what adapters must answer within a platform deadline (a form to open, where a thread is).
        """
        with self.engine.connect() as conn:
            conn.execution_options(**{READ_ONLY: True})
            with conn.begin(), self._guard(conn):
                yield Tx(self, conn, read_only=True)

    def _guard(self, conn: Connection) -> AbstractContextManager[None]:
        if self.is_sqlite:  # a local file: its waits are bounded by the busy timeout
            return nullcontext()
        return WATCHDOG.guard(conn.connection.driver_connection, self.deadline)

    def warn_if_clear(self) -> None:
        """Log once per process, at WARNING, that there is no key and data is stored in clear."""
        if not self.cipher.enabled:
            _warn_clear_once()

    def wipe_freed(self) -> None:
        """SQLite: move the WAL into the file and empty it, so deleted rows (zeroed by secure_delete) leave no
        copy behind; a no-op elsewhere (PostgreSQL reclaims space with its own VACUUM)."""
        if not self.is_sqlite:
            return
        with self._write_lock or nullcontext():
            if self._conn is None:
                self._conn = self.engine.connect()
            driver: Any = self._conn.connection.driver_connection
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def schema_version(self) -> int:
        """The recorded schema version; 0 for an empty database."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("schema_version"):
                return 0
            return int(conn.execute(select(SCHEMA.c.version)).scalar() or 0)

    def upgrade(self) -> int:
        """Create or migrate the schema to SCHEMA_VERSION; idempotent, keeps every row. Returns the version."""
        with self.transaction() as tx:
            METADATA.create_all(tx.conn, tables=[SCHEMA], checkfirst=True)
        while True:
            with self.transaction() as tx:
                current = int(tx.conn.execute(select(SCHEMA.c.version).with_for_update()).scalar() or 0)
                if current >= SCHEMA_VERSION:
                    return current
                MIGRATIONS[current](tx.conn)
                now = utc(datetime.now(UTC))
                if current == 0:
                    tx.conn.execute(SCHEMA.insert().values(id=1, version=1, upgraded_at=now))
                else:
                    tx.conn.execute(update(SCHEMA).values(version=current + 1, upgraded_at=now))

    def remember(self, loaded: Loaded) -> None:
        """Keep a conversation as committed at `loaded.version` (never replacing a newer one), so the next
        load of that user reads only what changed since."""
        with self._cases_lock:
            kept = self._conversations.get(loaded.user_pk)
            if kept is None or kept.created_at != loaded.created_at or kept.version <= loaded.version:
                self._conversations[loaded.user_pk] = loaded
            self._conversations.move_to_end(loaded.user_pk)
            if len(self._conversations) > 1024:
                self._conversations.popitem(last=False)

    def remembered(self, user_pk: int, created_at: datetime) -> Loaded | None:
        """The user's conversation as this process last saw it committed (any version), if it still has it."""
        with self._cases_lock:
            loaded = self._conversations.get(user_pk)
        if loaded is None or loaded.created_at != created_at:
            return None
        return loaded

    def forget_remembered(self, user_pk: int) -> None:
        with self._cases_lock:
            self._conversations.pop(user_pk, None)

    def seed_case(self, state_json: str, case: Case) -> None:
        """Remember that `state_json` decodes to `case` (we just encoded it)."""
        with self._cases_lock:
            self._cases[state_json] = case
            if len(self._cases) > 2048:
                self._cases.popitem(last=False)

    def decode_case_cached(self, state_json: str) -> Case:
        """Decode a case row, reusing the value when the same JSON was decoded before (it is immutable)."""
        with self._cases_lock:
            case = self._cases.get(state_json)
            if case is not None:
                self._cases.move_to_end(state_json)
                return case
        case = decode_case(self.cipher.open(state_json))
        with self._cases_lock:
            self._cases[state_json] = case
            if len(self._cases) > 2048:
                self._cases.popitem(last=False)
        return case


_USER_COLS = (USER.c.pk, USER.c.version, USER.c.profile_json, USER.c.active, USER.c.pending, USER.c.created_at)


class Tx(ReminderRows):
    """The operations available inside one transaction."""

    def __init__(self, store: Store, conn: Connection, *, read_only: bool = False) -> None:
        self.store = store
        self.conn = conn
        self.read_only = read_only
        self.after_commit: list[Callable[[], None]] = []
        # On SQLite the hot path's few statements go straight to the driver connection of this same
        # transaction: SQLAlchemy's per-statement bookkeeping cost more than the statements themselves.
        self._driver: Any = conn.connection.driver_connection if store.is_sqlite else None

    def _hot(self, name: str, params: dict[str, Any]) -> Rows:
        """Run one hot-path statement by name: raw SQL on SQLite, the SQLAlchemy statement elsewhere."""
        if self._driver is None:
            result = self.conn.execute(HOT[name][0], params)
            return Rows(list(result.all()) if result.returns_rows else [], result.rowcount)
        cursor = self._driver.execute(HOT[name][1], {k: sqlite_param(v) for k, v in params.items()})
        return Rows(cursor.fetchall(), cursor.rowcount)

    # users and conversations

    def user_pk(self, key: UserKey) -> int | None:
        row = self._hot("user_pk", {"k_platform": key.platform, "k_workspace": key.workspace, "k_user": key.user})
        first = row.first()
        return None if first is None else int(first[0])

    def load(self, key: UserKey, *, now: datetime, create: bool) -> Loaded | None:
        """The user's conversation, locking the user row; creates the user when `create` and unknown."""
        row = self._hot(
            "peek_user" if self.read_only else "load_user",
            {"k_platform": key.platform, "k_workspace": key.workspace, "k_user": key.user},
        ).first()
        if row is None:
            if not create:
                return None
            stamp = utc(now)
            profile_json = self.store.cipher.seal(encode_profile(Profile()))
            result = self.conn.execute(
                USER.insert().values(
                    platform=key.platform,
                    workspace=key.workspace,
                    user_id=key.user,
                    profile_json=profile_json,
                    version=1,
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
            inserted: Any = result.inserted_primary_key
            pk = int(inserted[0])
            return Loaded(pk, 1, Conversation(), {}, profile_json, stamp, stamp)
        pk, version, profile_json, active, pending, created_at, saved_at = row
        pk, version, created_at, saved_at = int(pk), int(version), read_datetime(created_at), read_datetime(saved_at)
        known = self.store.remembered(pk, created_at)
        if known is not None and known.version == version:
            return known
        if known is None:
            rows = self._hot("load_cases", {"k_pk": pk}).rows
            cases = tuple(self.store.decode_case_cached(r[2]) for r in rows)
            versions = {r[0]: int(r[1]) for r in rows}
            profile = decode_profile(self.store.cipher.open(profile_json))
        else:  # another process wrote since: read again only the cases whose version moved
            cases, versions = self._changed_cases(pk, known)
            profile = (known.conversation.profile if profile_json == known.profile_json
                       else decode_profile(self.store.cipher.open(profile_json)))
        conv = Conversation(profile=profile, cases=cases, active=active, pending=pending)
        loaded = Loaded(pk, version, conv, versions, profile_json, created_at, saved_at)
        self.store.remember(loaded)
        return loaded

    def _changed_cases(self, pk: int, known: Loaded) -> tuple[tuple[Case, ...], dict[str, int]]:
        """The user's cases in order, reusing `known`'s decoded ones whose row version is unchanged.

        Only the changed rows' JSON is fetched and decoded, so a user with many cases costs the same
        whichever process wrote last.
        """
        # One query: every case's version, with the JSON only of cases saved after `known` was. (A writer
        # whose clock lags may stamp a change earlier: the version check still sees it, and reads it alone.)
        since = known.saved_at or known.created_at
        rows = self._hot("case_changes", {"k_pk": pk, "k_since": since}).rows
        have = {c.id: c for c in known.conversation.cases}
        cases: list[Case] = []
        versions: dict[str, int] = {}
        for case_id, version, state_json in rows:
            case = have.get(case_id)
            version = int(version)
            if case is None or known.case_versions.get(case_id) != version:
                if state_json is None:
                    row = self._hot("load_case", {"k_pk": pk, "k_id": case_id}).first()
                    if row is None:  # deleted between the two reads (a read-only look): skip it
                        continue
                    version, state_json = int(row[0]), row[1]
                case = self.store.decode_case_cached(state_json)
            cases.append(case)
            versions[case_id] = version
        return tuple(cases), versions

    def save(self, loaded: Loaded, new: Conversation, *, now: datetime) -> None:
        """Write what changed, checking versions; raise Conflict when another writer got there first."""
        stamp = utc(now)
        old = loaded.conversation
        pk = loaded.user_pk
        seal = self.store.cipher.seal
        profile_json = loaded.profile_json if new.profile == old.profile else seal(encode_profile(new.profile))
        result = self._hot(
            "save_user",
            {
                "k_pk": pk,
                "k_version": loaded.version,
                "v_profile": profile_json,
                "v_active": new.active,
                "v_pending": new.pending,
                "v_version": loaded.version + 1,
                "v_updated": stamp,
            },
        )
        if result.rowcount != 1:
            raise Conflict(f"user {pk} changed since it was loaded")
        before = {c.id: c for c in old.cases}
        old_positions = {c.id: i for i, c in enumerate(old.cases)}
        versions = dict(loaded.case_versions)
        for position, case in enumerate(new.cases):
            previous = before.pop(case.id, None)
            if previous is case and old_positions[case.id] == position:
                continue
            if previous is not None and previous == case and old_positions[case.id] == position:
                continue
            state_json = seal(encode_case(case))
            self.store.seed_case(state_json, case)
            values = {
                "v_company": seal(case.company) if case.company else "",
                "v_role": seal(case.role) if case.role else "",
                "v_phase": case.phase.value,
                "v_position": position,
                "v_state": state_json,
                "v_updated": stamp,
            }
            if previous is None:
                self._hot("insert_case", {"k_pk": pk, "k_id": case.id, "v_version": 1, **values})
                versions[case.id] = 1
                continue
            version = versions[case.id]
            result = self._hot(
                "save_case", {"k_pk": pk, "k_id": case.id, "k_version": version, "v_version": version + 1, **values}
            )
            if result.rowcount != 1:
                raise Conflict(f"case {case.id} changed since it was loaded")
            versions[case.id] = version + 1
        if before:
            self.conn.execute(delete(CASE).where(CASE.c.user_pk == pk, CASE.c.id.in_(list(before))))
            for case_id in before:
                versions.pop(case_id, None)
        saved = Loaded(pk, loaded.version + 1, new, versions, profile_json, loaded.created_at, stamp)
        self.after_commit.append(lambda: self.store.remember(saved))

    def delete_user(self, user_pk: int) -> dict[str, int]:
        """Delete the user row and everything that cascades from it; returns what was deleted, by table."""
        counts = {}
        for name, table in (("cases", CASE), ("reminders", REMINDER), ("processed_events", EVENT), ("threads", THREAD)):
            counts[name] = int(
                self.conn.execute(select(func.count()).select_from(table).where(table.c.user_pk == user_pk)).scalar()
                or 0
            )
        # explicit deletes too, so a database without enforced foreign keys still forgets everything
        for table in (CASE, REMINDER, EVENT, THREAD):
            self.conn.execute(delete(table).where(table.c.user_pk == user_pk))
        counts["users"] = self.conn.execute(delete(USER).where(USER.c.pk == user_pk)).rowcount
        self.store.forget_remembered(user_pk)
        self.after_commit.append(lambda: self.store.forget_remembered(user_pk))
        self.after_commit.append(self.store.wipe_freed)  # the forgotten bytes leave the WAL too
        return counts

    # where a case lives on a platform

    def thread_ref(self, user_pk: int, case_id: str) -> str | None:
        row = self._hot("thread_ref", {"k_pk": user_pk, "k_id": case_id}).first()
        return None if row is None else str(row[0])

    def case_of_thread(self, user_pk: int, ref: str) -> str | None:
        row = self._hot("case_of_thread", {"k_pk": user_pk, "k_ref": ref}).first()
        return None if row is None else str(row[0])

    def set_thread_ref(self, user_pk: int, case_id: str, ref: str) -> str:
        """Record `ref` unless the case has one already; returns the one in force."""
        existing = self.thread_ref(user_pk, case_id)
        if existing is not None:
            return existing
        self.conn.execute(THREAD.insert().values(user_pk=user_pk, case_id=case_id, ref=ref))
        return ref

    # processed events

    def seen(self, event_id: str) -> bool:
        return self._hot("seen", {"k_event": event_id}).first() is not None

    def record_event(self, event_id: str, user_pk: int, *, now: datetime) -> None:
        self._hot("record_event", {"event_id": event_id, "user_pk": user_pk, "at": utc(now)})

    # reminders

    def every_conversation(self) -> Iterator[Conversation]:
        """Every user's conversation, one at a time (for aggregate statistics; no keys leave with them)."""
        users = self.conn.execute(select(USER.c.pk, USER.c.profile_json).order_by(USER.c.pk)).all()
        for pk, profile_json in users:
            rows = self.conn.execute(
                select(CASE.c.state_json).where(CASE.c.user_pk == pk).order_by(CASE.c.position)
            ).all()
            cases = tuple(self.store.decode_case_cached(r[0]) for r in rows)
            yield Conversation(profile=decode_profile(self.store.cipher.open(profile_json)), cases=cases)

    def threads(self, user_pk: int) -> list[dict[str, str]]:
        rows = self._hot("threads", {"k_pk": user_pk}).rows
        return [{"case_id": r[0], "ref": r[1]} for r in rows]


def dumps(data: Any) -> str:
    """JSON text for exports: readable, UTF-8 kept."""
    return json.dumps(data, indent=2, ensure_ascii=False)


def open_store(url: str, *, keys: tuple[str, ...] | None = None) -> Store:
    """A Store on `url` with its schema upgraded and its keys checked against the stored data, or ConfigError
    naming the variable (never the URL: it may hold a password; never a key) when the URL is malformed, its
    driver is missing, the database can't be reached, or COACH_ENCRYPTION_KEY is wrong, missing or unusable.

    `keys` defaults to COACH_ENCRYPTION_KEY. A bot calls `warn_if_clear()` once it has started."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from exit_coach import config
    from exit_coach.config import ConfigError
    from exit_coach.crypto import KeyProblem
    from exit_coach.upkeep import check_keys

    try:
        cipher = Cipher(config.encryption_keys() if keys is None else keys)
    except KeyProblem as exc:
        raise ConfigError(str(exc)) from None
    try:
        store = Store(url, cipher=cipher)
    except (ArgumentError, ImportError, ValueError) as exc:
        raise ConfigError(f"DATABASE_URL is not a usable database URL ({type(exc).__name__})") from None
    except OSError as exc:  # the SQLite file's folder can't be made
        raise ConfigError(f"DATABASE_URL can't be opened ({type(exc).__name__})") from None
    try:
        store.upgrade()
        store.check(write=True)
        check_keys(store)
    except (SQLAlchemyError, OSError) as exc:
        store.close()
        kind = fault_kind(exc)
        if kind == "read_only":
            raise ConfigError("DATABASE_URL is read-only; the coach needs to write to it") from None
        if kind == "disk_full":
            raise ConfigError("DATABASE_URL's disk is full; the coach needs to write to it") from None
        raise ConfigError(f"DATABASE_URL can't be opened ({type(exc).__name__}: {kind})") from None
    except KeyProblem as exc:
        store.close()
        raise ConfigError(str(exc)) from None
    return store


_warned_clear = False


def _warn_clear_once() -> None:
    global _warned_clear
    if not _warned_clear:
        _warned_clear = True
        logging.getLogger(__name__).warning(
            "COACH_ENCRYPTION_KEY is not set: profiles, cases and drafts are stored in clear in the database"
        )
