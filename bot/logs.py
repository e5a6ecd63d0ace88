"""Logging that never carries a user's words or a secret: our records, every library's, at every level.

This module owns how the process logs. `configure()` (called by every command
that starts a bot) sets the level and format from `LOG_LEVEL` / `LOG_FORMAT`
and installs `redacting_record_factory`, so every record is made safe where it
is created — before any handler, ours, a library's or a test's, can see it:

- Records of our own loggers (`exit_coach.*`) keep their message: we log ids,
  counts and error codes only, never text a user typed.
- Records of every other logger (Bolt, slack_sdk, discord.py, aiohttp,
  SQLAlchemy, ...) keep the words before the first data-looking character
  (a colon, a bracket, a quote, a digit, ...) plus the call site: those
  libraries put request bodies, payloads and SQL parameters after such a
  character (`"Invalid request signature detected (... body: ...)"`).
- A traceback keeps its frames and exception types, never the exception's
  message (`DecodeError("'Acme' ...")` would carry a value).
- Known secrets (the tokens, the signing secret, the encryption keys, a
  database password) and anything shaped like a Slack/Discord token are
  replaced by `[redacted]` in whatever is left.

It does no other I/O and knows no platform.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

OURS = "exit_coach"
REDACTED = "[redacted]"
SECRET_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "DISCORD_TOKEN",
    "COACH_ENCRYPTION_KEY",
)
# Slack tokens (xoxb-, xoxp-, xapp-, ...), bearer headers, Discord bot tokens (three dot-separated base64 parts)
# and Fernet keys/tokens: redacted by shape even when we were never told their value.
_TOKEN_SHAPES = re.compile(
    r"xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,}|Bot\s+[A-Za-z0-9._-]{20,}"
    r"|[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{20,}|gAAAAA[A-Za-z0-9_=-]{20,}|[A-Za-z0-9_-]{43}="
)
# Where a library's message starts carrying data: the first such character ends what we keep.
_DATA_STARTS = re.compile(r"[(:{\[<\"'=%\n\r\t0-9@/\\|;,]")
_KEEP_WORDS = 80

_secrets: set[str] = set()
_previous_factory: Callable[..., logging.LogRecord] | None = None


def add_secret(value: str | None) -> None:
    """Redact `value` (and, for a comma-separated key list, each part) from every log line from now on."""
    if not value:
        return
    for part in {value, *value.split(",")}:
        part = part.strip()
        if len(part) >= 6:  # shorter strings would redact ordinary words
            _secrets.add(part)


def add_secrets_from_environment() -> None:
    """Register the secret variables' values and a DATABASE_URL password."""
    for name in SECRET_VARIABLES:
        add_secret(os.environ.get(name))
    url = os.environ.get("DATABASE_URL", "")
    match = re.match(r"[^:]+://[^:/@]*:([^@]+)@", url)
    if match:
        add_secret(match[1])


def scrub(text: str) -> str:
    """`text` with every registered secret and every token-shaped string replaced by [redacted]."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _TOKEN_SHAPES.sub(REDACTED, text)


def is_ours(logger_name: str) -> bool:
    return logger_name == OURS or logger_name.startswith(OURS + ".")


def library_summary(message: str, *, func: str, filename: str, lineno: int) -> str:
    """What a library's message says before its data, and where it was logged from."""
    head = _DATA_STARTS.split(message, maxsplit=1)[0].strip()[:_KEEP_WORDS].strip()
    cut = "" if head == message.strip() else " …"
    return f"{head or 'message'}{cut} [{func} {os.path.basename(filename)}:{lineno}]"


def safe_traceback(exc_info: tuple[type[BaseException], BaseException, TracebackType | None]) -> str:
    """A traceback with its frames and exception types but no exception message (messages can hold values)."""
    exc: BaseException | None = exc_info[1]
    lines: list[str] = []
    seen: set[int] = set()
    chain: list[BaseException] = []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    for index, link in enumerate(reversed(chain)):
        if index:
            lines.append("\nThe above exception led to another:\n")
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.StackSummary.extract(traceback.walk_tb(link.__traceback__), lookup_lines=True).format())
        lines.append(f"{type(link).__module__}.{type(link).__qualname__} (message withheld)")
    return scrub("".join(lines))


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Rewrite `record` in place so that nothing personal or secret is left in it; returns it."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed call must not lose the record, nor leak its arguments
        message = str(record.msg)
    if not is_ours(record.name):
        message = library_summary(message, func=record.funcName or "?", filename=record.pathname or "?",
                                  lineno=record.lineno)
    record.msg = scrub(message)
    record.args = None
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = safe_traceback(record.exc_info)
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = "(traceback withheld)"
    if record.stack_info:
        record.stack_info = None
    return record


def _factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    assert _previous_factory is not None
    return redact_record(_previous_factory(*args, **kwargs))


def install() -> None:
    """Make every log record of this process safe where it is created (idempotent); uncaught exceptions, which
    Python would print with their message, are logged through the same redaction instead."""
    global _previous_factory
    if _previous_factory is None:
        _previous_factory = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_factory)
        threading.excepthook = _log_uncaught_in_thread
        sys.excepthook = _log_uncaught
    add_secrets_from_environment()


def _log_uncaught(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    logging.getLogger(OURS).critical("uncaught %s", exc_type.__name__, exc_info=(exc_type, exc, tb))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    logging.getLogger(OURS).error("uncaught %s in thread %s", args.exc_type.__name__,
                                  args.thread.name if args.thread else "?",
                                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message; with an exception its type (`error`) and the
    redacted traceback (frames and types, never the exception's message)."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            data["error"] = record.exc_info[0].__name__
        if record.exc_text:
            data["traceback"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time of the record (it may be replaced after start)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure(level: str, *, fmt: str = "text", stream: Any = None, quiet: Iterable[str] = ()) -> logging.Handler:
    """Log at `level` to `stream` (stderr) as text or JSON lines, through the redaction; returns the handler.

    Replaces handlers an earlier call installed on the root logger, so calling it twice does not double lines.
    """
    install()
    handler: logging.Handler = logging.StreamHandler(stream) if stream is not None else _CurrentStderr()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.set_name("exit-coach")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "exit-coach"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.ERROR)
    return handler
