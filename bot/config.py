"""Configuration from the environment (and `.env`): one place that reads os.environ.

It knows the variable names of SPEC §5, the default SQLite location, and how a
missing secret is reported (one line naming the variable). It never logs values.
"""

from __future__ import annotations

import os
from pathlib import Path

_loaded = False


class ConfigError(Exception):
    """A missing or malformed setting; the message names the variable, never its value."""


def load_dotenv_once() -> None:
    """Read `.env` from the working directory into os.environ, without overriding what is set."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    env_file = Path.cwd() / ".env"
    if env_file.is_file():
        from dotenv import load_dotenv

        load_dotenv(env_file, override=False)


def default_data_dir() -> Path:
    """Per-user data folder: $XDG_DATA_HOME/exit-coach, else ~/.local/share/exit-coach."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "exit-coach"


def database_url() -> str:
    """`DATABASE_URL`, or the default SQLite file in the per-user data folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{default_data_dir() / 'coach.db'}"


def templates_dir() -> Path | None:
    """`COACH_TEMPLATES_DIR`: a folder whose files override shipped templates by name."""
    value = os.environ.get("COACH_TEMPLATES_DIR", "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        raise ConfigError(f"COACH_TEMPLATES_DIR is not a folder: {value!r}")
    return path


def help_url() -> str | None:
    """`COACH_HELP_URL`: the community's link to a human coach; suggestions are off when unset."""
    value = os.environ.get("COACH_HELP_URL", "").strip()
    return value or None


def log_level() -> str:
    value = os.environ.get("LOG_LEVEL", "WARNING").strip().upper() or "WARNING"
    if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not {value!r}")
    return value


def log_format() -> str:
    """`LOG_FORMAT`: `text` (default) or `json` (one object a line)."""
    value = os.environ.get("LOG_FORMAT", "text").strip().lower() or "text"
    if value not in {"text", "json"}:
        raise ConfigError(f"LOG_FORMAT must be text or json, not {value!r}")
    return value


def encryption_keys() -> tuple[str, ...]:
    """`COACH_ENCRYPTION_KEY`: one Fernet key or a comma-separated list, newest first; () when unset.

    Only the shape is read here; `exit_coach.crypto` checks each key (the message never shows a key).
    """
    value = os.environ.get("COACH_ENCRYPTION_KEY", "")
    return tuple(part.strip() for part in value.split(",") if part.strip())


DEFAULT_RETENTION_DAYS = 180


def retention_days() -> int:
    """`COACH_RETENTION_DAYS` (default 180): cases untouched that long are deleted; at least 1."""
    value = os.environ.get("COACH_RETENTION_DAYS", "").strip()
    if not value:
        return DEFAULT_RETENTION_DAYS
    if not value.isdecimal() or not 1 <= int(value) <= 36500:
        raise ConfigError(f"COACH_RETENTION_DAYS must be a whole number of days from 1 to 36500, not {value!r}")
    return int(value)


def required(name: str) -> str:
    """The value of a required variable, or ConfigError naming it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set (put it in the environment or in .env)")
    return value


def optional(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {value!r}") from None
    if not 0 < seconds <= 600:
        raise ConfigError(f"{name} must be between 0 and 600 seconds, not {value!r}")
    return seconds


def db_timeouts() -> tuple[float, float]:
    """(connect, statement) seconds: `COACH_DB_CONNECT_TIMEOUT` (5) and `COACH_DB_STATEMENT_TIMEOUT` (10).

    The statement timeout also bounds a wait for a lock (SQLite's busy timeout, PostgreSQL's
    lock_timeout) and for a free pooled connection.
    """
    return _seconds("COACH_DB_CONNECT_TIMEOUT", 5.0), _seconds("COACH_DB_STATEMENT_TIMEOUT", 10.0)


def inbox_dir() -> Path:
    """`COACH_INBOX_DIR`: where `coach slack` journals acked events; default `<data folder>/inbox`."""
    value = os.environ.get("COACH_INBOX_DIR", "").strip()
    return Path(value).expanduser() if value else default_data_dir() / "inbox"
