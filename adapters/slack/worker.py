"""Slow work after the ack: a pool of threads fed fairly from one queue per user; plus a lane for urgent jobs.

Bolt listeners only acknowledge and hand a job here, so Slack gets its HTTP
response (or Socket Mode ack) at once. Jobs of one user (one shard) run in
order, one at a time (a click, then the next click); different users run in
parallel on any free thread. A user with work waiting takes one turn and goes
to the back of the line, so one user's stalled Web API call holds one thread,
not the users behind it, and a flood from one user is served turn by turn with
everyone else's (no head-of-line blocking). A job that raises is logged by type
only (never with user text) and dropped.

`submit_urgent` is for work with its own short deadline (opening a modal
within the 3 s a `trigger_id` lives): it runs on a small pool of its own.

`held()` lets the HTTP server keep the jobs of one request until its response
has been written, so the worker doesn't compete with it for the GIL while
Slack is still waiting for the ack.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)
Job = Callable[[], None]
THREADS = 16
"""Worker threads: each mostly waits on the Web API or the database, so more than cores is right."""


class Worker:
    """`submit(shard, job)` runs `job` soon, after the shard's earlier jobs, on any free thread."""

    def __init__(self, *, threads: int = THREADS, urgent: int = 2, name: str = "slack-worker") -> None:
        if threads < 1 or urgent < 1:
            raise ValueError(f"threads and urgent must be at least 1, not {threads!r}, {urgent!r}")
        self._ready: queue.Queue[str | None] = queue.Queue()  # shards with a job waiting and none running
        self._jobs: dict[str, deque[Job]] = {}  # shard -> its waiting jobs (present while it has work)
        self._lock = threading.Lock()
        self._urgent: queue.Queue[str | None] = queue.Queue()
        self._urgent_jobs: deque[Job] = deque()
        self._pending = 0
        self._held = threading.local()
        self._idle = threading.Condition()
        self._threads = [
            threading.Thread(target=self._run, args=(self._ready,), name=f"{name}-{i}", daemon=True)
            for i in range(threads)
        ]
        self._threads += [
            threading.Thread(target=self._run, args=(self._urgent,), name=f"{name}-urgent-{i}", daemon=True)
            for i in range(urgent)
        ]
        self._urgent_threads = urgent
        self._shard_threads = threads
        for thread in self._threads:
            thread.start()

    @property
    def pending(self) -> int:
        """Jobs submitted and not yet finished (queued or running)."""
        with self._idle:
            return self._pending

    def submit(self, shard: str, job: Job) -> None:
        with self._idle:
            self._pending += 1
        held: list[tuple[str, Job]] | None = getattr(self._held, "jobs", None)
        if held is not None:
            held.append((shard, job))
        else:
            self._put(shard, job)

    def submit_urgent(self, job: Job) -> None:
        """Run `job` on the urgent pool, ahead of every shard's queue (not held: its deadline is its own)."""
        with self._idle:
            self._pending += 1
        with self._lock:
            self._urgent_jobs.append(job)
        self._urgent.put("")

    def _put(self, shard: str, job: Job) -> None:
        with self._lock:
            waiting = self._jobs.get(shard)
            if waiting is not None:  # queued or running: it takes its turn when the current job ends
                waiting.append(job)
                return
            self._jobs[shard] = deque([job])
        self._ready.put(shard)

    def _finished(self, shard: str, urgent: bool) -> None:
        if urgent:
            return
        with self._lock:
            waiting = self._jobs[shard]
            waiting.popleft()
            if not waiting:
                del self._jobs[shard]
                return
        self._ready.put(shard)  # to the back of the line: every other waiting user goes first

    @contextmanager
    def held(self) -> Iterator[None]:
        """Jobs submitted on this thread inside the block start only when it ends."""
        self._held.jobs = []
        try:
            yield
        finally:
            jobs, self._held.jobs = self._held.jobs, None
            for shard, job in jobs:
                self._put(shard, job)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every submitted job has finished (tests, benchmarks, shutdown); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """End the threads once the jobs queued so far are done (call `wait_idle` first to drain)."""
        for _ in range(self._shard_threads):
            self._ready.put(None)
        for _ in range(self._urgent_threads):
            self._urgent.put(None)
        for thread in self._threads:
            thread.join(timeout)

    def _run(self, ready: queue.Queue[str | None]) -> None:
        urgent = ready is self._urgent
        while True:
            shard = ready.get()
            if shard is None:
                return
            if urgent:
                with self._lock:
                    job = self._urgent_jobs.popleft()
            else:
                with self._lock:
                    job = self._jobs[shard][0]
            try:
                job()
            except Exception as exc:  # noqa: BLE001 - a worker must survive any one job
                log.error("slack job failed: %s", type(exc).__name__)
                log.debug("slack job failure", exc_info=True)
            finally:
                self._finished(shard, urgent)
                with self._idle:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.notify_all()
