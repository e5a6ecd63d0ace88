"""Plain values the store hands out: a user's key, a loaded conversation, a due reminder.

No I/O; `exit_coach.store` and `exit_coach.store_reminders` build them from rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from exit_coach.flow.state import Conversation
from exit_coach.schema import USER, as_utc


@dataclass(frozen=True)
class UserKey:
    """A user's identity: platform, workspace ("" when there is none) and user id."""

    platform: str
    workspace: str
    user: str


@dataclass(frozen=True)
class Loaded:
    """A conversation as loaded, with what the versioned save needs."""

    user_pk: int
    version: int
    conversation: Conversation
    case_versions: dict[str, int]
    profile_json: str
    created_at: datetime
    saved_at: datetime | None = None
    """When this version was saved (the user row's updated_at): cases saved later are what changed since."""


@dataclass(frozen=True)
class DueReminder:
    id: int
    key: UserKey
    case_id: str
    kind: str
    due_at: datetime


def key_where(key: UserKey) -> tuple[Any, ...]:
    """The WHERE clauses that pick `key`'s user row."""
    return (USER.c.platform == key.platform, USER.c.workspace == key.workspace, USER.c.user_id == key.user)


def iso(moment: datetime | None) -> str | None:
    """A stored moment as ISO text in UTC, to the second (for exports), or None."""
    value = as_utc(moment)
    return None if value is None else value.isoformat(timespec="seconds")
