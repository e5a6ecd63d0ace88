"""Is the database usable? A background probe that `/healthz` (and the Docker health check) reads.

A request to `/healthz` never touches the database itself: a probe thread
checks every few seconds that the database answers and takes writes, within
the configured timeouts, and `/healthz` answers 503 when the last check failed
or is older than `STALE` seconds (a probe stuck on a frozen network counts as
failed). Each change of state is logged once, with the fault's kind.

`serve_status` gives Socket Mode and Discord, which take no HTTP requests,
the same `/healthz` and `/metrics` on a port of their own (`--health-port`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from exit_coach.store import Store, fault_kind

log = logging.getLogger(__name__)
EVERY = 5.0
STALE = 30.0


class Health:
    """`ok()` is True while the last probe of the store succeeded recently."""

    def __init__(self, store: Store, *, every: float = EVERY, stale: float = STALE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.every, self.stale, self.clock = store, every, stale, clock
        self._last_ok: float | None = clock()  # the start checked the database
        self._fault: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def ok(self) -> bool:
        last = self._last_ok
        return self._fault is None and last is not None and self.clock() - last <= self.stale

    def probe(self) -> bool:
        """Check once now; True when the database answered and takes writes."""
        try:
            self.store.check(write=True)
        except Exception as exc:  # noqa: BLE001 - any failure means "not usable"; named by kind
            kind = fault_kind(exc)
            if self._fault != kind:
                log.error("database unusable: %s (%s)", kind, type(getattr(exc, "orig", None) or exc).__name__)
            self._fault = kind
            return False
        if self._fault is not None:
            log.warning("database usable again after %s", self._fault)
        self._fault, self._last_ok = None, self.clock()
        return True

    def start(self) -> Health:
        def loop() -> None:
            while not self._stop.wait(self.every):
                self.probe()

        self._thread = threading.Thread(target=loop, name="db-health", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()


def status_app(health: Callable[[], bool]) -> Callable[..., Any]:
    """A WSGI app with only `/healthz` and `/metrics` (for Socket Mode and Discord, which take no HTTP)."""
    from exit_coach.adapters import metrics

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        path = environ.get("PATH_INFO")
        if path == "/metrics":
            body, content_type = metrics.exposition()
            status = "200 OK"
        elif path == "/healthz":
            status, body, content_type = ("200 OK", b"ok\n", "text/plain") if health() else \
                ("503 Service Unavailable", b"database unavailable\n", "text/plain")
        else:
            status, body, content_type = "404 Not Found", b"not found\n", "text/plain"
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    return application


def serve_status(health: Callable[[], bool], *, host: str, port: int) -> Callable[[], None]:
    """Serve `status_app` on a daemon thread; returns a function that stops it. OSError if the port is taken."""
    from waitress import create_server

    server = create_server(status_app(health), host=host, port=port, threads=2, ident="exit-coach")
    threading.Thread(target=server.run, name="status-http", daemon=True).start()
    return server.close
