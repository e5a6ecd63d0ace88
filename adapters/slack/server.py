"""HTTP serving: `/slack/events` (signed requests into Bolt), `/healthz` and `/metrics`, on waitress.

Why waitress: it is a kept, production-grade WSGI server that runs inside our
own process, so `coach slack --http` stays one process with its worker pool,
inbox journal, reminder loop and metrics in memory (scale out with more
processes behind a balancer, not forks). Its I/O thread reads whole requests
before a handler thread sees them (no slow-client stalls), it has a real
listen backlog and connection limit, and it refuses an over-long body from its
headers alone (413) before reading it.

Before Bolt parses anything, `_guard` rejects cheaply what is not a well-formed
signed Slack request: no or bad signature, a timestamp that is not a recent
number, a body over `MAX_BODY`, invalid UTF-8 or JSON. 4xx, no traceback,
nothing read beyond the limit.

`HttpServer.request_stop()` (safe in a signal handler) starts a drain: stop
accepting, finish every request received, write their responses, then
`serve_forever()` returns; the caller then drains the worker (`SlackBot.close`).
It binds 127.0.0.1 unless told otherwise; put a TLS-terminating proxy in front.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import create_server, wasyncore
from waitress.channel import HTTPChannel

from exit_coach.adapters import metrics
from exit_coach.adapters.slack import validate

log = logging.getLogger(__name__)
# waitress warns at every request that waits for a thread during a burst; the listen queue is there for
# exactly that, and `coach_ack_seconds` shows it. Its other warnings stay.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
MAX_BODY = 1_000_000
"""Bytes. Slack's largest payloads (a modal's view) are tens of kilobytes."""
MAX_SKEW = 300
"""Seconds a request's timestamp may be off (Slack's own replay window)."""
HTTP_THREADS = 8
BACKLOG = 2048
"""Listen queue (capped by the kernel's somaxconn): a burst waits here instead of being refused."""
DRAIN_SECONDS = 20.0
StartResponse = Callable[..., Any]
Application = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class Holds(Protocol):
    """Something that can keep a request's background jobs until its response is out (`Worker`)."""

    def held(self) -> AbstractContextManager[None]: ...


class _ThenRelease:
    """A WSGI body whose `close()` (called after the response is written) starts the held jobs."""

    def __init__(self, body: Iterable[bytes], hold: AbstractContextManager[None] | None,
                 done: Callable[[], None]) -> None:
        self._body, self._hold, self._done = body, hold, done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            if self._hold is not None:
                self._hold.__exit__(None, None, None)
        finally:
            self._done()


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def _guard(environ: dict[str, Any], secret: str, now: float) -> tuple[str, str] | bytes:
    """The verified body, or (status, reason) for a request Bolt should never see."""
    if environ.get("REQUEST_METHOD") != "POST":
        return "405 Method Not Allowed", "POST only"
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return "411 Length Required", "a Content-Length is required"
    if length < 0 or length > MAX_BODY:
        return "413 Content Too Large", "body too large"
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return "401 Unauthorized", "missing or malformed timestamp"
    if abs(now - int(timestamp)) > MAX_SKEW:
        return "401 Unauthorized", "stale timestamp"
    if not signature.startswith("v0=") or len(signature) != 67:
        return "401 Unauthorized", "missing or malformed signature"
    body = environ["wsgi.input"].read(length)
    if secret:
        expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                                    hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return "401 Unauthorized", "bad signature"
    try:
        text = body.decode("utf-8")
        if "json" in environ.get("CONTENT_TYPE", ""):
            if not isinstance(json.loads(text), dict):
                return "400 Bad Request", "not a JSON object"
        else:
            payload = parse_qs(text, strict_parsing=False, max_num_fields=200).get("payload")
            if payload and not isinstance(json.loads(payload[0]), dict):
                return "400 Bad Request", "payload is not a JSON object"
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "400 Bad Request", "malformed body"
    return body


def wsgi_app(app: App, *, jobs: Holds | None = None, health: Callable[[], bool] | None = None,
             signing_secret: str | None = None, in_flight: _Counter | None = None) -> Application:
    """`/slack/events` (guarded, into Bolt), `/healthz`, `/metrics`, 404 elsewhere; `jobs` start after each
    response. `health()` False makes `/healthz` answer 503 (the database can't be used)."""
    bolt = SlackRequestHandler(app, path=EVENTS_PATH)
    secret = signing_secret if signing_secret is not None else getattr(app, "_signing_secret", "")
    counter = in_flight or _Counter()

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            if health is None or health():
                return _plain(start_response, "200 OK", "ok\n")
            return _plain(start_response, "503 Service Unavailable", "database unavailable\n")
        if path == METRICS_PATH and method == "GET":
            body, content_type = metrics.exposition()
            start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
            return [body]
        if path != EVENTS_PATH:
            return _plain(start_response, "404 Not Found", "not found\n")
        started = time.perf_counter()
        checked = _guard(environ, secret, time.time())
        if not isinstance(checked, bytes):
            status, reason = checked
            metrics.REJECTED.labels(status[:3]).inc()
            log.info("http: refused a request: %s (%s)", status[:3], reason)
            return _plain(start_response, status, reason + "\n")
        problem = _shape_refusal(checked, str(environ.get("CONTENT_TYPE") or ""))
        if problem is not None:  # signed, but of a shape Bolt or translate would trip over
            metrics.REJECTED.labels("400").inc()
            log.info("http: refused a request: 400 (%s)", problem)
            start_response("400 Bad Request", [("Content-Type", "application/json"),
                                               ("Content-Length", str(len(validate.MALFORMED)))])
            return [validate.MALFORMED]
        environ["wsgi.input"] = io.BytesIO(checked)
        counter.add(1)
        hold = jobs.held() if jobs is not None else None
        if hold is not None:
            hold.__enter__()

        def done() -> None:
            counter.add(-1)
            metrics.ACK_SECONDS.observe(time.perf_counter() - started)

        try:
            return _ThenRelease(bolt(environ, start_response), hold, done)
        except BaseException:
            _ThenRelease((), hold, done).close()
            raise

    return application


def _shape_refusal(body: bytes, content_type: str) -> str | None:
    """Why a verified body can't be one Slack sends (see validate.py), or None."""
    try:
        return validate.refusal(validate.parse(body, content_type))
    except ValueError:
        return "malformed body"


class _Counter:
    """Requests inside the app (entered, response not yet closed); the drain waits for zero."""

    def __init__(self) -> None:
        self._n = 0
        self._lock = threading.Lock()

    def add(self, delta: int) -> None:
        with self._lock:
            self._n += delta

    @property
    def value(self) -> int:
        with self._lock:
            return self._n


class HttpServer:
    """waitress on one address, run by `serve_forever()` on the calling thread; drained on stop."""

    def __init__(self, application: Application, *, host: str, port: int, in_flight: _Counter,
                 threads: int = HTTP_THREADS) -> None:
        self._map: dict[int, Any] = {}
        self._server = create_server(
            application, map=self._map, host=host, port=port, threads=threads, backlog=BACKLOG,
            connection_limit=1000, channel_timeout=30, max_request_body_size=MAX_BODY,
            expose_tracebacks=False, ident="exit-coach", asyncore_use_poll=True,
        )
        self._in_flight = in_flight
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self.drain_seconds = DRAIN_SECONDS

    @property
    def server_port(self) -> int:
        return int(self._server.effective_port)

    def serve_forever(self, poll_interval: float = 0.2) -> None:
        """Serve until `request_stop()`, then drain (see the module docstring)."""
        try:
            while not self._stop.is_set():
                wasyncore.loop(timeout=poll_interval, map=self._map, use_poll=True, count=1)
            self._drain()
        finally:
            self._stopped.set()

    def request_stop(self) -> None:
        """Begin the drain; only sets a flag, so it is safe from a signal handler."""
        self._stop.set()

    def shutdown(self) -> None:
        """Stop and wait until `serve_forever` has returned (from another thread)."""
        self.request_stop()
        self._stopped.wait(self.drain_seconds + 5)

    def server_close(self) -> None:
        self._server.task_dispatcher.shutdown(cancel_pending=False, timeout=2)
        wasyncore.close_all(self._map)

    def _drain(self) -> None:
        # stop accepting: close only the listening socket; the wake-up trigger and open channels stay
        self._server.accepting = False
        wasyncore.dispatcher.close(self._server)
        deadline = time.monotonic() + self.drain_seconds
        while time.monotonic() < deadline and self._busy():
            wasyncore.loop(timeout=0.02, map=self._map, use_poll=True, count=1)
        if self._busy():
            log.warning("http: stopped with requests still in progress")
        for channel in list(self._map.values()):
            if isinstance(channel, HTTPChannel):
                channel.handle_close()

    def _busy(self) -> bool:
        if self._in_flight.value:
            return True
        dispatcher = self._server.task_dispatcher
        if dispatcher.queue or dispatcher.active_count:
            return True
        return any(isinstance(ch, HTTPChannel) and (ch.requests or ch.total_outbufs_len)
                   for ch in list(self._map.values()))


def make_http_server(app: App, *, host: str = "127.0.0.1", port: int = 3000, jobs: Holds | None = None,
                     health: Callable[[], bool] | None = None, signing_secret: str | None = None,
                     threads: int = HTTP_THREADS) -> HttpServer:
    """A bound (not yet serving) server; `port=0` picks a free port (see `server_port`)."""
    in_flight = _Counter()
    application = wsgi_app(app, jobs=jobs, health=health, signing_secret=signing_secret, in_flight=in_flight)
    return HttpServer(application, host=host, port=port, in_flight=in_flight, threads=threads)


def serve_in_thread(server: HttpServer) -> threading.Thread:
    """Run `server.serve_forever()` on a daemon thread (tests, benchmarks); stop with `server.shutdown()`."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread
