"""The inbox journal: every acknowledged event is written down before the ack and crossed off after its job.

Slack never redelivers what was acknowledged, so an event acked and then lost
to a crash (SIGKILL, out of memory, power) would vanish without a word. Each
process appends one line per accepted event to its own file in the inbox
folder before the listener returns (before the HTTP response), and one line
when the job has finished. A line holds ids and where to answer (user,
channel, response_url, event id), never user text.

At start, files left by processes that are gone (their lock is free) are read:
each event without its "done" line gets a note to its user: either the step was
saved (its event id is recorded) and only the answer is missing, or it was not,
and the user is asked to send it again. Then the file is removed.

Writes are flushed to the kernel, not fsynced: that survives a crashed process
(the case this journal is for) at a cost of microseconds per event.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from itertools import count
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)
COMPACT_AT = 1_000_000
"""Bytes: once the journal is this long and nothing is open, it starts again empty."""


@dataclass(frozen=True)
class Entry:
    """One accepted event: who, where to answer, and its dedupe id (no user text)."""

    platform: str
    workspace: str
    user: str
    event_id: str | None
    channel: str | None
    thread_ts: str | None
    response_url: str | None
    kind: str


class Inbox:
    """This process's journal file in `folder`; `accept` before the ack, `done` after the job."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.folder = folder
        name = f"inbox-{os.getpid()}-{os.urandom(4).hex()}"
        self.path = folder / f"{name}.jsonl"
        # locked under a name `orphans` doesn't look at, then renamed: no other process can take it (and
        # remove it) in between
        fresh = folder / f".{name}.new"
        fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held while we live: tells `orphans` we are alive
        os.rename(fresh, self.path)
        self._file: IO[str] = os.fdopen(fd, "a", encoding="utf-8")
        self._ids = count(1)
        self._lock = threading.Lock()
        self._open = 0

    def accept(self, entry: Entry) -> int:
        """Write the event down; returns the number to pass to `done` (0 when it could not be written:
        the event is still handled, it just has no crash recovery; a full disk must not refuse it)."""
        with self._lock:
            number = next(self._ids)
            try:
                self._file.write(f"+{number} {json.dumps(asdict(entry), separators=(',', ':'))}\n")
                self._file.flush()
            except OSError as exc:
                log.error("inbox: could not journal an event (%s)", exc.strerror or type(exc).__name__)
                return 0
            self._open += 1
            return number

    def done(self, number: int) -> None:
        if not number:
            return
        with self._lock:
            self._open -= 1
            try:
                self._file.write(f"-{number}\n")
                self._file.flush()
            except OSError as exc:
                log.error("inbox: could not cross off an event (%s)", exc.strerror or type(exc).__name__)
                return
            if self._open == 0 and self._file.tell() >= COMPACT_AT:
                self._file.truncate(0)  # every line is crossed off: nothing to keep (appends go to the end)

    @property
    def open_entries(self) -> int:
        with self._lock:
            return self._open

    def close(self) -> None:
        """Close the file; it is removed when every accepted event is done, else kept for the next start."""
        with self._lock:
            if self._file.closed:
                return
            self._file.close()
            if self._open == 0:
                self.path.unlink(missing_ok=True)


def orphans(folder: Path) -> Iterator[Entry]:
    """Unfinished events from processes that are gone; each file is removed once read."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("inbox-*.jsonl")):
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a live process owns it
                continue
            with os.fdopen(os.dup(fd), encoding="utf-8") as file:
                entries = _unfinished(file)
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)
        yield from entries


def _unfinished(lines: IO[str]) -> list[Entry]:
    open_: dict[str, Entry] = {}
    for line in lines:
        mark, _, rest = line.rstrip("\n").partition(" ")
        try:
            if mark.startswith("+"):
                open_[mark[1:]] = Entry(**json.loads(rest))
            elif mark.startswith("-"):
                open_.pop(mark[1:], None)
        except (ValueError, TypeError):  # a line cut short by the crash: nothing to recover from it
            log.warning("inbox: skipped an unreadable journal line")
    return list(open_.values())
