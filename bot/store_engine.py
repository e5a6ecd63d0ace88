"""The database engine: one factory for any SQLAlchemy URL, with every wait bounded.

SQLite files get their folder (owner-only), WAL, a busy timeout, foreign keys,
`secure_delete` and `BEGIN IMMEDIATE` for writers; PostgreSQL gets connect,
statement and lock timeouts and TCP keepalives. `exit_coach.store` runs its
transactions on these engines; this module runs none itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from exit_coach.files import private_database_file

READ_ONLY = "coach_read_only"
"""Execution option marking a connection's transaction as read-only (see `Store.reading`)."""


def make_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite files get their folder, WAL and `BEGIN IMMEDIATE`.

    Every wait is bounded (`config.db_timeouts`): PostgreSQL gets a connect timeout, a statement and a
    lock timeout (server side, via `options`) and TCP keepalives with a user timeout (a partition is
    noticed within seconds, not hours); SQLite's busy timeout bounds a wait for another process's lock;
    a pool checkout waits at most as long as a statement.
    """
    from exit_coach.config import db_timeouts

    connect_s, statement_s = db_timeouts()
    parsed = make_url(url)
    # hide_parameters: SQL parameters (personal values when no key is set) never reach a log line or an error
    if parsed.get_backend_name() != "sqlite":
        connect_args: dict[str, Any] = {}
        if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("psycopg", "psycopg2"):
            wanted = {
                "connect_timeout": max(1, round(connect_s)),
                "options": f"-c statement_timeout={round(statement_s * 1000)} "
                           f"-c lock_timeout={round(statement_s * 1000)} "
                           "-c idle_in_transaction_session_timeout=60000",
                "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3,
                "tcp_user_timeout": round((connect_s + statement_s) * 1000),
            }
            if "options" in parsed.query:  # keep the URL's own options (a search_path, say) and add ours
                wanted["options"] = f"{parsed.query['options']} {wanted['options']}"
                parsed = parsed.difference_update_query(["options"])
            connect_args = {k: v for k, v in wanted.items() if k not in parsed.query}  # the URL wins
        # no pre-ping: a dead pooled connection fails its step, which is retried once on a fresh one
        # (a disconnect invalidates the whole pool), instead of a round trip before every step
        return create_engine(
            parsed, pool_timeout=statement_s, connect_args=connect_args, hide_parameters=True
        )
    database = parsed.database or ""
    memory = database in ("", ":memory:") or "mode=memory" in url
    if not memory and not database.startswith("file:"):
        private_database_file(Path(database).expanduser())
    options: dict[str, Any] = {"connect_args": {"timeout": connect_s, "check_same_thread": False}}
    if memory:
        options["poolclass"] = StaticPool
    else:
        # every checkout ends in our own COMMIT or ROLLBACK (engine.begin()), so no extra reset is needed
        options.update(pool_size=8, max_overflow=8, pool_reset_on_return=None, pool_timeout=statement_s)
    engine = create_engine(parsed, hide_parameters=True, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (SQLAlchemy's pysqlite recipe)
        cursor = dbapi_connection.cursor()
        busy = f"busy_timeout={round(statement_s * 1000)}"
        # secure_delete: deleted and overwritten rows are zeroed in the file, not left in free space
        for pragma in ("journal_mode=WAL", busy, "foreign_keys=ON", "synchronous=NORMAL", "secure_delete=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # a step takes the write lock up front (no lock-upgrade deadlocks); a read takes none, and under
        # WAL it never waits for a writer. Straight to the driver: this runs on every step.
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        driver: Any = conn.connection.driver_connection
        driver.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def transaction_deadline() -> float:
    """Seconds after which the watchdog cuts a transaction: connecting plus one statement, plus a second."""
    from exit_coach.config import db_timeouts

    connect_s, statement_s = db_timeouts()
    return connect_s + statement_s + 1.0
