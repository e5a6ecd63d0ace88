"""Logging set-up for the long-running commands: `LOG_LEVEL` and `LOG_FORMAT` (text or json).

JSON lines carry the time, level, logger, message and, for an exception, its
type only (a traceback can quote user text; it goes out at DEBUG in text mode).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from exit_coach.config import log_format, log_level

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: {"time", "level", "logger", "message"[, "error"]}."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
        return json.dumps(line, ensure_ascii=False)


def setup_logging() -> None:
    """Configure the root logger once from the environment; raises ConfigError for a bad setting."""
    level, fmt = log_level(), log_format()
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
