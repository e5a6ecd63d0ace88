"""Prometheus metrics of the running bot (`/metrics` in `coach slack --http`), on prometheus_client.

What an operator watches: how long a step takes, how fast acks go out, which
Web API errors come back, reminders due/sent/failed, database faults by kind,
users active in the last 15 minutes, and the backlog (worker jobs, inbox rows).
Labels are codes and kinds only, never ids or user text. The default registry
also carries the process's CPU and memory.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

ACTIVE_WINDOW = 15 * 60.0

STEP_SECONDS = Histogram(
    "coach_step_seconds", "Time to run one event through the coach (load, step, save).", ["platform"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ACK_SECONDS = Histogram(
    "coach_ack_seconds", "Time from a verified Slack request to its HTTP response (the ack).",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5),
)
ACKS = Counter("coach_acks_total", "Platform events acknowledged, by kind.", ["platform", "kind"])
REJECTED = Counter("coach_http_rejected_total", "Requests refused before Bolt saw them, by HTTP status.",
                   ["status"])
API_ERRORS = Counter("coach_web_api_errors_total", "Failed platform API calls, by error code.",
                     ["platform", "code"])
REMINDERS = Counter("coach_reminders_total", "Reminders by result: due, sent, failed.", ["platform", "result"])
RECOVERED = Counter("coach_inbox_recovered_total", "Acked events found unfinished after a crash.", ["saved"])


class _Active:
    """Users seen within `ACTIVE_WINDOW` seconds (keys are hashed by Python, never exported)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._seen: dict[object, float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def touch(self, key: object) -> None:
        with self._lock:
            self._seen[key] = self._clock()

    def count(self) -> int:
        cutoff = self._clock() - ACTIVE_WINDOW
        with self._lock:
            for key in [k for k, t in self._seen.items() if t < cutoff]:
                del self._seen[key]
            return len(self._seen)


ACTIVE = _Active()
Gauge("coach_active_users", "Users who sent an event in the last 15 minutes.").set_function(ACTIVE.count)
BACKLOG = Gauge("coach_backlog", "Work waiting, by queue (worker jobs, inbox rows).", ["queue"])


class _DbFaults(Collector):
    """`coach_db_faults_total` read from the running Coach's own count (the core keeps it, we export it)."""

    source: Callable[[], Mapping[str, int]] = dict

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily("coach_db_faults", "Steps given up on a database fault, by kind.",
                                     labels=["kind"])
        for kind, n in sorted(self.source().items()):
            family.add_metric([kind], n)
        yield family


_DB_FAULTS = _DbFaults()
REGISTRY.register(_DB_FAULTS)


def watch_db_faults(source: Callable[[], Mapping[str, int]]) -> None:
    """Export `source()` (the Coach's `faults` counter) as `coach_db_faults_total`."""
    _DB_FAULTS.source = source


def exposition() -> tuple[bytes, str]:
    """The text format body and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
