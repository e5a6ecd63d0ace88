"""Per-user state that must not grow with every user the bot has ever seen.

- `UserLocks`: one `asyncio.Lock` per user while someone holds or awaits it;
  dropped as soon as it is released with nobody waiting.
- `LRU`: a mapping capped at `size` entries, the least recently used dropped first
  (the DM channel ids of recent users).

Both live on the client's event loop only: no thread ever touches them.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class UserLocks:
    """`async with locks.hold(user):` runs one block at a time per user."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @asynccontextmanager
    async def hold(self, user: str) -> AsyncIterator[None]:
        lock, users = self._locks.setdefault(user, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._locks[user]


class LRU(Generic[K, V]):
    """A small least-recently-used map: `get` refreshes an entry, `put` drops the oldest beyond `size`."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size!r}")
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def pop(self, key: K) -> V | None:
        return self._items.pop(key, None)

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
