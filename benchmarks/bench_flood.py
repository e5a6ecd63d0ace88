"""Benchmark (a script, not a test): another user's latency while one user floods, and the cost of encryption.

A calm user steps through `Coach.handle` (typing `status`, a read-modify-write
step) while a flooder floods, on one SQLite
file. Measured three ways: the calm user alone; during the flood with the
per-user rate limit (30 events a minute: the flood is dropped before the
database); during the flood without it. The flood is two threads each sending
an event every millisecond (about 120,000 a minute). Then the median step with and
without COACH_ENCRYPTION_KEY (every save seals the case, every cold load opens it).

Prints a table, then one JSON object as the last line.

    python benchmarks/bench_flood.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exit_coach.crypto import Cipher, new_key  # noqa: E402
from exit_coach.drafts import DraftRenderer  # noqa: E402
from exit_coach.flow.events import Start, Text  # noqa: E402
from exit_coach.ratelimit import RateLimit  # noqa: E402
from exit_coach.service import Coach, UserKey  # noqa: E402
from exit_coach.store import Store  # noqa: E402

FLOODER = UserKey("slack", "T1", "U_FLOOD")


def coach_on(folder: Path, name: str, *, limit: bool, keys: tuple[str, ...] = ()) -> Coach:
    store = Store(f"sqlite:///{folder / name}", cipher=Cipher(keys))
    store.upgrade()
    return Coach(store, renderer=DraftRenderer(), rate_limit=RateLimit(limit=30) if limit else None)


def calm_steps(coach: Coach, n: int) -> list[float]:
    """`n` timed steps by calm users, each staying under the limit (20 steps, then the next user takes over)."""
    out: list[float] = []
    for i in range(n):
        user = UserKey("slack", "T1", f"U_CALM{i // 20}")
        if i % 20 == 0:
            coach.handle(user, Start())
        started = time.perf_counter()
        coach.handle(user, Text("status" if i % 2 else "help"))
        out.append((time.perf_counter() - started) * 1e6)
    return out


def flooded(coach: Coach, n: int) -> tuple[list[float], int]:
    stop = threading.Event()
    sent = [0]

    def flood() -> None:
        while not stop.is_set():
            coach.handle(FLOODER, Text("help"))
            sent[0] += 1
            time.sleep(0.001)  # events arrive over HTTP, about a thousand a second per thread, not a busy loop

    threads = [threading.Thread(target=flood, daemon=True) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        return calm_steps(coach, n), sent[0]
    finally:
        stop.set()
        for t in threads:
            t.join()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    n = 400 if parser.parse_args().quick else 3000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        alone = calm_steps(coach_on(folder, "alone.db", limit=True), n)
        limited, sent_limited = flooded(coach_on(folder, "limited.db", limit=True), n)
        unlimited, sent_unlimited = flooded(coach_on(folder, "unlimited.db", limit=False), n)
        clear = calm_steps(coach_on(folder, "clear.db", limit=False), n)
        sealed = calm_steps(coach_on(folder, "sealed.db", limit=False, keys=(new_key(),)), n)
    med = statistics.median
    p95 = lambda xs: sorted(xs)[int(len(xs) * 0.95)]  # noqa: E731
    rows = [("calm user alone", alone), ("calm user, flood, rate limit on", limited),
            ("calm user, flood, no rate limit", unlimited), ("step without a key", clear),
            ("step with COACH_ENCRYPTION_KEY", sealed)]
    for label, xs in rows:
        print(f"{label:36} median {med(xs):8.0f} µs   p95 {p95(xs):8.0f} µs")
    print(json.dumps({
        "calm_alone_us_median": round(med(alone)), "calm_flood_limited_us_median": round(med(limited)),
        "calm_flood_unlimited_us_median": round(med(unlimited)), "flood_events_limited": sent_limited,
        "flood_events_unlimited": sent_unlimited, "step_clear_us_median": round(med(clear)),
        "step_encrypted_us_median": round(med(sealed)),
    }))


if __name__ == "__main__":
    main()
