"""HTTP serving: `/slack/events` (signed requests into Bolt) and `/healthz`, on a threaded WSGI server.

The same server runs `coach slack --http`, the tests and the benchmark. It binds
127.0.0.1 unless told otherwise; put a TLS-terminating proxy in front of it
for Slack to reach it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from socketserver import ThreadingMixIn
from typing import Any, Protocol
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from exit_coach.adapters.slack.validate import guard

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
StartResponse = Callable[..., Any]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    """Access lines go to the logger at DEBUG (they carry no user text), not to stderr."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("http: " + format, *args)


class Holds(Protocol):
    """Something that can keep a request's background jobs until its response is out (`Worker`)."""

    def held(self) -> AbstractContextManager[None]: ...


class _ThenRelease:
    """A WSGI body whose `close()` (called after the response is written) starts the held jobs."""

    def __init__(self, body: Iterable[bytes], hold: AbstractContextManager[None]) -> None:
        self._body, self._hold = body, hold

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        self._hold.__exit__(None, None, None)


def wsgi_app(app: App, *, jobs: Holds | None = None) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Bolt at `/slack/events`, `ok` at `/healthz`, 404 elsewhere; `jobs` start after each response."""
    bolt = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "3")])
            return [b"ok\n"]
        if jobs is None:
            return bolt(environ, start_response)
        hold = jobs.held()
        hold.__enter__()
        try:
            return _ThenRelease(bolt(environ, start_response), hold)
        except BaseException:
            hold.__exit__(None, None, None)
            raise

    return application


def make_http_server(app: App, *, host: str = "127.0.0.1", port: int = 3000, jobs: Holds | None = None) -> WSGIServer:
    """A bound (not yet serving) threaded server; `port=0` picks a free port (see `server_port`)."""
    # payloads of the wrong shape get a 400 before Bolt reads them (see validate.py)
    application = guard(wsgi_app(app, jobs=jobs), on_refusal=lambda code: log.info("slack: refused: %s", code))
    return make_server(host, port, application, server_class=_Server, handler_class=_QuietHandler)


def serve_in_thread(server: WSGIServer) -> threading.Thread:
    """Run `server.serve_forever()` on a daemon thread (tests, benchmarks); stop with `server.shutdown()`."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread
