"""Slow work after the ack: a few threads, each with a queue, sharded by user; plus a lane for urgent jobs.

Bolt listeners only acknowledge and hand a job here, so Slack gets its HTTP
response (or Socket Mode ack) at once. Jobs of one user run in order on one
thread (a click, then the next click); different users run in parallel.
A job that raises is logged by type only (never with user text) and dropped.

`submit_urgent` is for work with its own short deadline (opening a modal
within the 3 s a `trigger_id` lives): it runs on a small pool of its own, never
queued behind anyone's steps in a shard.

`held()` lets the HTTP server keep the jobs of one request until its response
has been written, so the worker doesn't compete with it for the GIL while
Slack is still waiting for the ack.
"""

from __future__ import annotations

import logging
import queue
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)
Job = Callable[[], None]


class Worker:
    """`submit(shard, job)` runs `job` soon on the thread that owns `shard`."""

    def __init__(self, *, threads: int = 4, urgent: int = 2, name: str = "slack-worker") -> None:
        if threads < 1 or urgent < 1:
            raise ValueError(f"threads and urgent must be at least 1, not {threads!r}, {urgent!r}")
        self._queues: list[queue.Queue[Job | None]] = [queue.Queue() for _ in range(threads)]
        self._urgent: queue.Queue[Job | None] = queue.Queue()
        self._pending = 0
        self._held = threading.local()
        self._idle = threading.Condition()
        self._threads = [
            threading.Thread(target=self._run, args=(q,), name=f"{name}-{i}", daemon=True)
            for i, q in enumerate(self._queues)
        ]
        self._threads += [
            threading.Thread(target=self._run, args=(self._urgent,), name=f"{name}-urgent-{i}", daemon=True)
            for i in range(urgent)
        ]
        self._urgent_threads = urgent
        for thread in self._threads:
            thread.start()

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
        self._urgent.put(job)

    def _put(self, shard: str, job: Job) -> None:
        self._queues[zlib.crc32(shard.encode()) % len(self._queues)].put(job)

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
        """Finish queued jobs, then end the threads."""
        for q in self._queues:
            q.put(None)
        for _ in range(self._urgent_threads):
            self._urgent.put(None)
        for thread in self._threads:
            thread.join(timeout)

    def _run(self, jobs: queue.Queue[Job | None]) -> None:
        while True:
            job = jobs.get()
            if job is None:
                return
            try:
                job()
            except Exception as exc:  # noqa: BLE001 - a worker must survive any one job
                log.error("slack job failed: %s", type(exc).__name__)
                log.debug("slack job failure", exc_info=True)
            finally:
                with self._idle:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.notify_all()
