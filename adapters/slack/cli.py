"""`coach slack [--http --port P --host H]`: run the Slack bot, Socket Mode by default.

Reads SLACK_BOT_TOKEN, SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET
(HTTP), SLACK_API_BASE_URL, DATABASE_URL, COACH_TEMPLATES_DIR, COACH_HELP_URL,
COACH_INBOX_DIR, COACH_DB_*_TIMEOUT, LOG_LEVEL and LOG_FORMAT. Missing or wrong
configuration (or a database that can't be written) ends the start with one
line naming the variable (exit 2), never a traceback and never a secret's value.
Also delivers due reminders (nudges, check-ins) of Slack users every minute.

SIGTERM and SIGINT drain: stop taking requests (HTTP) or events (Socket Mode),
finish every acknowledged event, then exit 0. Each acked event is journaled
first (`inbox`); what a crash leaves unfinished is told to its user at the next
start.
"""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from exit_coach import logs
from exit_coach.adapters.cli import UsageError
from exit_coach.config import ConfigError, inbox_dir, log_format, log_level, optional, required

log = logging.getLogger(__name__)
REMINDER_EVERY = 60.0
DRAIN_SECONDS = 25.0
"""How long a stop waits for acked work (Docker's and systemd's stop timeouts are set above it)."""


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Declare the options of `coach slack`."""
    parser.add_argument("--http", action="store_true", help="serve /slack/events and /healthz instead of Socket Mode")
    parser.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP address to bind (default 127.0.0.1)")
    parser.add_argument("--health-port", type=int, default=0,
                        help="Socket Mode: also serve /healthz and /metrics on this port (at --host)")


@dataclass(frozen=True)
class Settings:
    bot_token: str
    app_token: str | None
    signing_secret: str | None
    base_url: str | None

    @classmethod
    def from_env(cls, *, http: bool) -> Settings:
        """Read and check the Slack variables; ConfigError names the first one that is wrong."""
        bot_token = required("SLACK_BOT_TOKEN")
        if not bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN must be a bot token (it starts with xoxb-)")
        app_token = signing_secret = None
        if http:
            signing_secret = required("SLACK_SIGNING_SECRET")
        else:
            app_token = required("SLACK_APP_TOKEN")
            if not app_token.startswith("xapp-"):
                raise ConfigError("SLACK_APP_TOKEN must be an app-level token (it starts with xapp-)")
        base_url = optional("SLACK_API_BASE_URL")
        if base_url is not None:
            if not base_url.startswith(("http://", "https://")):
                raise ConfigError(f"SLACK_API_BASE_URL must be an http(s) URL, not {base_url!r}")
            base_url = base_url if base_url.endswith("/") else base_url + "/"
        return cls(bot_token, app_token, signing_secret, base_url)


def run(args: argparse.Namespace) -> int:
    """Start the bot and serve until SIGTERM/SIGINT, then drain; 2 on bad configuration."""

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {args.port!r}")
    try:
        settings = Settings.from_env(http=args.http)
        logs.configure(log_level(), fmt=log_format())
        bot = _start_bot(settings)
    except ConfigError as exc:
        print(f"coach slack: {exc}", file=sys.stderr)
        return 2
    bot.coach.store.warn_if_clear()
    stop = threading.Event()
    reminders = _start_reminders(bot, stop)
    if args.http:
        return _serve_http(bot, host=args.host, port=args.port, stop=stop, reminders=reminders)
    stop_status = _status(bot, args)
    try:
        return _serve_socket_mode(bot, settings, stop, reminders)
    finally:
        stop_status()


def _status(bot, args: argparse.Namespace):  # noqa: ANN001, ANN202
    """`--health-port`: /healthz and /metrics beside Socket Mode; returns how to stop them."""
    if not args.health_port:
        return lambda: None
    from exit_coach.adapters.health import Health, serve_status

    health = Health(bot.coach.store).start()
    try:
        stop_server = serve_status(health.ok, host=args.host, port=args.health_port)
    except OSError as exc:
        bot.close()
        raise UsageError(f"cannot listen on {args.host}:{args.health_port}: {exc.strerror}") from None

    def stop() -> None:
        stop_server()
        health.stop()

    return stop


def _on_stop_signals(handler: object) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handler)  # type: ignore[arg-type]


def _serve_socket_mode(bot, settings: Settings, stop: threading.Event, reminders: threading.Thread) -> int:  # noqa: ANN001
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert settings.app_token is not None
    handler = SocketModeHandler(bot.app, settings.app_token)
    _on_stop_signals(lambda *_: stop.set())
    try:
        handler.connect()
    except SlackApiError as exc:
        print(f"coach slack: SLACK_APP_TOKEN was not accepted by Slack ({exc.response.get('error')})",
              file=sys.stderr)
        bot.close()
        return 2
    print("coach slack: connected in Socket Mode; Ctrl-C to stop", file=sys.stderr)
    stop.wait()
    print("coach slack: stopping; finishing acknowledged events", file=sys.stderr)
    handler.close()  # no new events; what was acked is queued in the worker
    reminders.join(5)
    drained = bot.close(DRAIN_SECONDS)
    return 0 if drained else 1


def _start_bot(settings: Settings):  # noqa: ANN202 - SlackBot, imported lazily
    from exit_coach.adapters.slack.app import build_app, make_client
    from exit_coach.adapters.slack.inbox import Inbox, orphans
    from exit_coach.service import open_coach

    coach = open_coach()
    client = make_client(settings.bot_token, base_url=settings.base_url)
    folder = inbox_dir()  # both modes ack before the work: every acked event is journaled
    try:
        left = list(orphans(folder))
        journal = Inbox(folder)
    except OSError as exc:
        raise ConfigError(f"COACH_INBOX_DIR can't be used ({exc.strerror or type(exc).__name__})") from None
    try:
        with _quiet("slack_bolt", "slack_sdk"):  # their own start-up noise; our one line says it all
            bot = build_app(coach, client, signing_secret=settings.signing_secret, inbox=journal)
        if left:
            log.warning("inbox: %d acknowledged event(s) were unfinished at the last stop; telling their users",
                        len(left))
            bot.recover(left)
        return bot
    except BoltError as exc:  # Bolt's constructor runs auth.test: the token was refused
        code = re.search(r"'error': '([a-z_]+)'", str(exc))
        raise ConfigError(f"SLACK_BOT_TOKEN was not accepted by Slack ({code[1] if code else 'auth.test failed'})") \
            from None
    except OSError as exc:  # URLError and friends: the API root can't be reached
        raise ConfigError(f"SLACK_API_BASE_URL can't be reached ({type(exc).__name__})") from None


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in names]
    before = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, before, strict=True):
            lg.setLevel(level)


def _serve_http(bot, *, host: str, port: int, stop: threading.Event, reminders: threading.Thread) -> int:  # noqa: ANN001
    from exit_coach.adapters.health import Health
    from exit_coach.adapters.slack.server import EVENTS_PATH, HEALTH_PATH, make_http_server

    health = Health(bot.coach.store).start()
    try:
        server = make_http_server(bot.app, host=host, port=port, jobs=bot.worker, health=health.ok)
    except OSError as exc:
        bot.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None

    def on_signal(*_: object) -> None:
        stop.set()
        server.request_stop()

    _on_stop_signals(on_signal)
    url = f"http://{host}:{server.server_port}"
    print(f"coach slack: serving {url}{EVENTS_PATH} (health: {url}{HEALTH_PATH}); Ctrl-C to stop", file=sys.stderr)
    try:
        server.serve_forever()  # returns after a signal, once every received request is answered
        print("coach slack: stopping; finishing acknowledged events", file=sys.stderr)
    finally:
        server.server_close()
        health.stop()
        reminders.join(5)
        drained = bot.close(DRAIN_SECONDS)
    if not drained:
        log.error("stopped with acknowledged events unfinished; they are kept in the inbox for the next start")
    return 0 if drained else 1


def _start_reminders(bot, stop: threading.Event) -> threading.Thread:  # noqa: ANN001
    """Every minute until `stop`, hand due reminders of Slack users to their DM."""
    from exit_coach.adapters import metrics
    from exit_coach.adapters.slack import reminders

    def loop() -> None:
        while not stop.wait(REMINDER_EVERY):
            try:
                due = reminders.deliver_due(bot.coach, bot.outbox, bot.queue)
                bot.coach.purge_if_due()  # the retention purge, once a day
            except Exception as exc:  # noqa: BLE001 - the next round tries again
                metrics.REMINDERS.labels("slack", "failed").inc()
                log.warning("slack: delivering reminders failed: %s", type(exc).__name__)
                continue
            metrics.REMINDERS.labels("slack", "due").inc(due)

    thread = threading.Thread(target=loop, name="slack-reminders", daemon=True)
    thread.start()
    return thread
