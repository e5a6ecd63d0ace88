"""Database faults: what to call a failure (`fault_kind`), and a deadline on every PostgreSQL transaction.

`fault_kind` names a failed transaction for the log, the metrics and the user
("unreachable", "read_only", "disk_full", ...) from SQLSTATEs and SQLite's
result texts, never from the driver's message as such.

`Watchdog` bounds what a server-side timeout can't: when the network to
PostgreSQL freezes (a partition, a blackholed port), a query already sent
waits for an answer that will never come and no statement_timeout fires. A
transaction past its deadline gets its socket shut down from a watchdog thread,
so the driver raises a disconnection error at once and the pool drops that
connection.
"""

from __future__ import annotations

import heapq
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from typing import Any

log = logging.getLogger(__name__)


class Conflict(Exception):
    """The row changed since it was loaded (version check failed): roll back and retry."""


FAULTS = ("conflict", "integrity", "locked", "timeout", "unreachable", "read_only", "disk_full", "other")
"""What `fault_kind` can say about a failed transaction."""
_SQLSTATE = {"57014": "timeout", "55P03": "locked", "25006": "read_only", "53100": "disk_full",
             "40001": "conflict", "40P01": "conflict", "57P01": "unreachable", "57P03": "unreachable"}
_SQLITE_TEXT = (("database is locked", "locked"), ("readonly database", "read_only"),
                ("read-only", "read_only"), ("disk is full", "disk_full"), ("disk i/o error", "disk_full"),
                ("unable to open database", "unreachable"), ("interrupted", "timeout"))


def db_errors() -> tuple[type[BaseException], ...]:
    """What a failed transaction can raise: our Conflict, SQLAlchemy's errors, and the SQLite driver's own
    (the SQLite hot path runs on the driver directly), and OSError."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    return (Conflict, SQLAlchemyError, sqlite3.Error, OSError)


def fault_kind(exc: BaseException) -> str:
    """Name a database failure for the log and the user: one of `FAULTS`, never the driver's text."""
    import sqlite3

    from sqlalchemy import exc as sa

    if isinstance(exc, sqlite3.Error):  # raw from the driver: classify it as SQLAlchemy would wrap it
        exc = sa.DBAPIError(None, None, exc, connection_invalidated=False)
        if isinstance(exc.orig, sqlite3.IntegrityError):
            return "integrity"
    if isinstance(exc, Conflict):
        return "conflict"
    if isinstance(exc, sa.IntegrityError):
        return "integrity"
    if isinstance(exc, sa.TimeoutError):  # no pooled connection came free in time
        return "timeout"
    if isinstance(exc, sa.DBAPIError):
        orig = exc.orig
        state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        if state in _SQLSTATE:
            return _SQLSTATE[state]
        text = str(orig).lower()
        for needle, kind in _SQLITE_TEXT:
            if needle in text:
                return kind
        if "timeout" in text or "timed out" in text:
            return "timeout"
        if exc.connection_invalidated or isinstance(exc, sa.OperationalError | sa.InterfaceError):
            return "unreachable"  # refused, reset, closed mid-transaction, the server went away
    if isinstance(exc, OSError):
        return "disk_full" if getattr(exc, "errno", None) == 28 else "unreachable"
    return "other"


class Watchdog:
    """Shuts down the socket of a transaction that outlives its deadline (one thread for all of them)."""

    def __init__(self, tick: float = 0.25) -> None:
        self._heap: list[tuple[float, int]] = []
        self._fds: dict[int, int] = {}
        self._ids = count(1)
        self._lock = threading.Lock()
        self._tick = tick
        self._thread: threading.Thread | None = None
        self.fired = 0

    @contextmanager
    def guard(self, driver_connection: Any, seconds: float) -> Iterator[None]:
        try:
            fd = int(driver_connection.fileno())
        except Exception:  # noqa: BLE001 - a driver without a socket: nothing to watch
            yield
            return
        token = next(self._ids)
        with self._lock:
            self._fds[token] = fd
            heapq.heappush(self._heap, (time.monotonic() + seconds, token))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                self._fds.pop(token, None)

    def _run(self) -> None:
        while True:
            time.sleep(self._tick)
            now = time.monotonic()
            with self._lock:
                late = []
                while self._heap and self._heap[0][0] <= now:
                    _, token = heapq.heappop(self._heap)
                    fd = self._fds.pop(token, None)
                    if fd is not None:
                        late.append(fd)
            for fd in late:
                self._cut(fd)

    def _cut(self, fd: int) -> None:
        self.fired += 1
        log.error("database: a transaction passed its deadline; dropping its connection")
        try:
            sock = socket.socket(fileno=fd)
        except OSError:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)  # the blocked read returns now; the driver reports a disconnect
        except OSError:
            pass
        finally:
            sock.detach()  # the driver still owns the descriptor


WATCHDOG = Watchdog()
