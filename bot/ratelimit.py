"""A per-user rate limit: so one flooder can't slow everyone else down.

`RateLimit.check(key, now)` keeps, for each user, the times of their recent
events in a sliding window (default: 30 a minute). Within the limit an event is
allowed; the first one over it gets one polite note; the rest of the flood is
dropped without a word (and without touching the database) until the window
has room again. Time is passed in, never read, so tests use a fake clock.
Thread-safe; memory is bounded by forgetting the users seen longest ago.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Hashable
from datetime import datetime, timedelta
from enum import Enum

SLOW_DOWN = "You're sending messages faster than I can follow. Please wait a minute, then carry on."


class Verdict(Enum):
    ALLOW = "allow"
    NOTE = "note"
    """Over the limit for the first time in this flood: say `SLOW_DOWN` once."""
    DROP = "drop"


class RateLimit:
    def __init__(self, *, limit: int = 30, window: timedelta = timedelta(minutes=1), users: int = 10_000) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit!r}")
        self.limit = limit
        self.window = window
        self._users = users
        self._seen: OrderedDict[Hashable, tuple[deque[datetime], list[bool]]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: Hashable, now: datetime) -> Verdict:
        """Count one event of `key` at `now` and say whether to run it."""
        with self._lock:
            entry = self._seen.get(key)
            if entry is None:
                entry = (deque(), [False])
                self._seen[key] = entry
                if len(self._seen) > self._users:
                    self._seen.popitem(last=False)
            else:
                self._seen.move_to_end(key)
            times, noted = entry
            while times and now - times[0] >= self.window:
                times.popleft()
            if len(times) < self.limit:
                times.append(now)
                noted[0] = False
                return Verdict.ALLOW
            if noted[0]:
                return Verdict.DROP
            noted[0] = True
            return Verdict.NOTE
