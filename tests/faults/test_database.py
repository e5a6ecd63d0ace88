"""#13.2 and #11.7: database faults are bounded in time, named in the log, told to the user as what they are,
`/healthz` fails while they last, and the bot recovers by itself; no start on an unusable database."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

from exit_coach.adapters.health import Health
from exit_coach.service import BUSY, DB_BUSY, NO_WRITES, UNREACHABLE
from exit_coach.store import Tx
from tests.adapters.slack.conftest import Rig
from tests.faults.proc import CoachProcess, free_port
from tests.faults.stubs import FaultyStub
from tests.faults.tcp import Proxy

DETAILS = {"company": "Acme", "role": "Data Engineer", "contact": ""}
PG = os.environ.get("COACH_TEST_POSTGRES_URL", "").strip()
needs_pg = pytest.mark.skipif(not PG, reason="COACH_TEST_POSTGRES_URL is not set")


def _start_fails(tmp_path: Path, faulty: FaultyStub, url: str) -> tuple[int, str]:
    proc = CoachProcess(faulty.api, url, tmp_path, extra_env={"COACH_DB_CONNECT_TIMEOUT": "2"})
    proc.start(wait=False)
    assert proc.proc is not None
    try:
        _, err = proc.proc.communicate(timeout=60)  # bounded: a frozen database must not hang the start
    finally:
        proc.kill()
    return proc.proc.returncode, err


def test_no_start_on_a_blackholed_port(tmp_path: Path, faulty: FaultyStub) -> None:
    hole = Proxy(None).start()  # accepts the connection, never answers
    try:
        code, err = _start_fails(tmp_path, faulty, f"postgresql+psycopg://u@127.0.0.1:{hole.port}/db")
    finally:
        hole.stop()
    assert code == 2
    assert err.strip().splitlines() == ["coach slack: DATABASE_URL can't be opened (OperationalError: timeout)"]


def test_no_start_on_a_refused_connection(tmp_path: Path, faulty: FaultyStub) -> None:
    code, err = _start_fails(tmp_path, faulty, f"postgresql+psycopg://u@127.0.0.1:{free_port()}/db")
    assert code == 2
    assert err.strip().splitlines() == [
        "coach slack: DATABASE_URL can't be opened (OperationalError: unreachable)"]


def test_no_start_on_a_read_only_database(tmp_path: Path, faulty: FaultyStub) -> None:
    db = tmp_path / "coach.db"
    Rig(faulty, f"sqlite:///{db}").start().stop()  # a real, current database
    code, err = _start_fails(tmp_path, faulty, f"sqlite:///file:{db}?mode=ro&uri=true")
    assert code == 2
    assert err.strip().splitlines() == ["coach slack: DATABASE_URL is read-only; the coach needs to write to it"]


# ---- while running: the Slack rig (real Bolt app over HTTP) on a database we break and mend


@pytest.fixture
def quick_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_DB_CONNECT_TIMEOUT", "2")
    monkeypatch.setenv("COACH_DB_STATEMENT_TIMEOUT", "0.5")


def _said(rig: Rig, user: str) -> str:
    return "\n".join(rig.texts(user))


def _inject(monkeypatch: pytest.MonkeyPatch, error: Exception) -> dict[str, bool]:
    """While `on["yes"]`, writing a case or an event id fails with the driver's `error` (as a full disk gives),
    after the user row was already updated in the same transaction."""
    on = {"yes": False}
    real = Tx._hot

    def _hot(self: Tx, name: str, params: dict[str, Any]) -> Any:
        if on["yes"] and name in ("save_case", "insert_case", "record_event"):
            raise error
        return real(self, name, params)

    monkeypatch.setattr(Tx, "_hot", _hot)
    return on


@pytest.mark.parametrize(("error", "reply", "kind"), [
    (sqlite3.OperationalError("database or disk is full"), NO_WRITES, "disk_full"),
    (sqlite3.OperationalError("attempt to write a readonly database"), NO_WRITES, "read_only"),
])
def test_a_database_that_takes_no_writes_is_told_as_such_and_nothing_half_written(
        faulty: FaultyStub, sqlite_url: str, caplog: pytest.LogCaptureFixture, error: Exception, reply: str,
        kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rig = Rig(faulty, sqlite_url).start()
    try:
        rig.command("U1")
        before = rig.coach.export(rig.coach_key("U1"))
        on = _inject(monkeypatch, error)
        on["yes"] = True
        with caplog.at_level(logging.ERROR):
            rig.fill("U1", DETAILS)
        assert reply in _said(rig, "U1")
        assert BUSY not in _said(rig, "U1")
        assert f"database fault: {kind}" in caplog.text
        after = rig.coach.export(rig.coach_key("U1"))
        assert after["cases"] == before["cases"], "nothing of the failed step was written"
        on["yes"] = False  # the fault clears: the same step works without a restart
        rig.fill("U1", DETAILS)
        assert rig.coach.export(rig.coach_key("U1"))["cases"] != before["cases"]
    finally:
        rig.stop()


def test_a_database_locked_by_another_process_is_told_as_busy_then_recovers(
        faulty: FaultyStub, sqlite_url: str, quick_timeouts: None, tmp_path: Path) -> None:
    rig = Rig(faulty, sqlite_url).start()
    try:
        rig.command("U1")
        other = sqlite3.connect(tmp_path / "coach.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        health = Health(rig.coach.store)
        assert not health.probe() and not health.ok()
        rig.dm("U1", "status")
        assert DB_BUSY in _said(rig, "U1")
        other.execute("ROLLBACK")
        other.close()
        assert health.probe() and health.ok()
        n = len(rig.texts("U1"))
        rig.dm("U1", "status")
        assert DB_BUSY not in "\n".join(rig.texts("U1")[n:])
    finally:
        rig.stop()


# ---- PostgreSQL behind a proxy we can refuse or freeze


@pytest.fixture
def pg_proxy(quick_timeouts: None) -> Iterator[tuple[Proxy, str]]:
    if not PG:
        pytest.skip("COACH_TEST_POSTGRES_URL is not set")
    from sqlalchemy.engine import make_url

    url = make_url(PG)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432)).start()
    schema = f"f_{os.getpid()}_{proxy.port}"
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    proxied = url.set(port=proxy.port).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield proxy, proxied.render_as_string(hide_password=False)
    finally:
        proxy.stop()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@needs_pg
@pytest.mark.parametrize("fault", ["refuse", "freeze"])
def test_postgres_refused_or_frozen_is_told_bounded_and_recovers(
        faulty: FaultyStub, pg_proxy: tuple[Proxy, str], caplog: pytest.LogCaptureFixture, fault: str) -> None:
    proxy, url = pg_proxy
    rig = Rig(faulty, url).start()
    try:
        rig.command("U1")
        health = Health(rig.coach.store)
        if fault == "refuse":
            proxy.refuse()
        else:
            proxy.frozen = True  # a partition: queries sent, no answer ever
        with caplog.at_level(logging.ERROR):
            rig.dm("U1", "status")  # settles only if every wait is bounded
        assert UNREACHABLE in _said(rig, "U1")
        assert "database fault: " in caplog.text
        assert not health.probe() and not health.ok()
        if fault == "refuse":
            proxy.reopen()
        else:
            proxy.frozen = False
            proxy.refuse()  # the link comes back: the stuck connections are gone, new ones work
            proxy.reopen()
        assert health.probe() and health.ok()
        n = len(rig.texts("U1"))
        rig.dm("U1", "status")
        later = "\n".join(rig.texts("U1")[n:])
        assert later and UNREACHABLE not in later
    finally:
        rig.stop()


@needs_pg
def test_a_connection_killed_mid_transaction_is_retried_once_and_written_whole(
        faulty: FaultyStub, pg_proxy: tuple[Proxy, str]) -> None:
    _, url = pg_proxy
    rig = Rig(faulty, url).start()
    admin = create_engine(PG)
    try:
        rig.command("U1")
        before = rig.coach.export(rig.coach_key("U1"))
        killed = {"n": 0}

        @event.listens_for(rig.coach.store.engine, "before_cursor_execute")
        def _kill(conn, cursor, statement, params, context, executemany) -> None:  # noqa: ANN001
            if killed["n"] == 0 and statement.lstrip().upper().startswith("UPDATE"):
                killed["n"] += 1
                pid = conn.connection.driver_connection.info.backend_pid
                with admin.begin() as a:
                    a.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

        rig.fill("U1", DETAILS)
        assert killed["n"] == 1
        said = _said(rig, "U1")
        assert UNREACHABLE not in said and BUSY not in said
        after = rig.coach.export(rig.coach_key("U1"))
        assert after["cases"] != before["cases"]  # applied once, on a fresh connection
    finally:
        rig.stop()
        admin.dispose()
