"""The step function's inputs besides state and event, and its result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from exit_coach.flow.replies import Effect, Reply
from exit_coach.flow.state import Conversation
from exit_coach.model import Draft, DraftSpec, DraftStyle, Situation

Render = Callable[[DraftSpec, Situation, DraftStyle], Draft]


@dataclass(frozen=True)
class Context:
    """What a step may know about the world: the time, a fresh id, the draft renderer, the help link, and the
    operator's data settings."""

    now: datetime
    new_id: str
    render: Render
    help_url: str | None = None
    retention_days: int = 180
    """After how many untouched days the operator deletes a case (COACH_RETENTION_DAYS), for `privacy`."""
    encrypted: bool = False
    """Whether the operator stores data encrypted (COACH_ENCRYPTION_KEY), for `privacy`."""

    @property
    def stamp(self) -> str:
        return self.now.isoformat(timespec="seconds")


@dataclass(frozen=True)
class Step:
    """The result of one event: the new state, what to say, and what the shell should do."""

    state: Conversation
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = ()
