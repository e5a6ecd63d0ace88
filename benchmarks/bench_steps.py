"""Benchmark (a script, not a test): the cost of a full step against a raw sqlite3 read-modify-write.

A full step is `Coach.handle`: load the user's cases, run `step` (which renders
drafts and lints them), save with the version check, record the event id and
perform effects — on a SQLite file in WAL mode. It runs a realistic short
conversation (answer the questions, see the plan, draft, revise; then a new
case, and after three cases another user) with 1 and 8 threads, each thread
with its own users ("distinct") or all threads on the same users ("shared").

The yardstick is plain sqlite3 with the same pragmas: BEGIN IMMEDIATE; SELECT a
JSON row; change it; UPDATE; COMMIT. The headline `ratio` comes from running one
raw read-modify-write and one full step in turn, in one thread, so both see the
same moment-to-moment noise of a shared machine; `ratio_vs_tight_loop_rmw`
compares with the raw transaction in a tight loop of its own (hot caches), the
harsher yardstick. Both are in the same run.

A user with 100 cases is timed twice: steps in one process ("warm"), and two
processes (two stores on the same file) taking turns, so every step follows the
other one's write ("cold"); the second must cost about the same as the first.

Prints a table (p50 and p99 per run), then as the last line one JSON object
with step_us_median and _p99, raw_sqlite_rmw_us_median, ratio,
ratio_vs_tight_loop_rmw, locked_errors, lost_updates, and the 100-case
warm/cold medians and their ratio.

    python benchmarks/bench_steps.py [--quick] [--profile] [--many-cases-db URL]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from exit_coach.drafts import DraftRenderer  # noqa: E402
from exit_coach.flow.events import Choose, Event, Start, SubmitForm, Text  # noqa: E402
from exit_coach.flow.replies import Ask, AskForm, Reply, Say, ShowRevision  # noqa: E402
from exit_coach.schema import EVENT, USER  # noqa: E402
from exit_coach.service import BUSY, SORRY, Coach, UserKey  # noqa: E402
from exit_coach.store import Store  # noqa: E402

VALUES = {
    "company": "Acme",
    "role": "Data Engineer",
    "contact": "Sam Lee",
    "name": "Priya Natarajan",
    "email": "priya@example.org",
    "phone": "+44 20 7946 0000",
}
CYCLE = 14
"""Events per conversation: open a new case, answer everything, see the plan, draft, revise; then the next case."""
CASES_PER_USER = 3
"""After this many cases the next conversation is another user's: people hold a few cases, not hundreds."""


def user_at(key: UserKey, i: int) -> UserKey:
    """The user who sends event `i` of a run keyed by `key`."""
    return UserKey(key.platform, key.workspace, f"{key.user}.{i // (CYCLE * CASES_PER_USER)}")


@dataclass
class Run:
    name: str
    threads: int
    latencies_ns: list[int]
    wall_s: float
    locked: int = 0
    lost: int = 0
    failed: int = 0

    @property
    def steps(self) -> int:
        return len(self.latencies_ns)

    def percentile(self, q: float) -> float:
        """The q-quantile (0..1) of the step latencies in ns, by nearest rank."""
        lat = sorted(self.latencies_ns)
        return float(lat[min(len(lat) - 1, max(0, round(q * len(lat)) - 1))])

    def row(self) -> str:
        p50, p99 = self.percentile(0.5) / 1000, self.percentile(0.99) / 1000
        return (
            f"{self.name:<28}{self.threads:>8}{self.steps:>8}{self.steps / self.wall_s:>12.0f}"
            f"{p50:>10.0f}{p99:>10.0f}{self.locked:>8}{self.lost:>6}{self.failed:>7}"
        )


HEADER = (
    f"{'run':<28}{'threads':>8}{'steps':>8}{'steps/s':>12}{'p50 µs':>10}{'p99 µs':>10}"
    f"{'locked':>8}{'lost':>6}{'failed':>7}"
)


def answer(replies: tuple[Reply, ...], n: int) -> Event:
    """What a user does next with what is on screen."""
    for reply in reversed(replies):
        if isinstance(reply, AskForm):
            return SubmitForm(
                reply.question, {f.name: VALUES.get(f.name, "Thank you") for f in reply.fields}, reply.case_id
            )
        if isinstance(reply, Ask):
            return Choose(reply.options[0].value, reply.question, reply.case_id)
        if isinstance(reply, ShowRevision):
            return Choose(reply.actions[n % 2].value, f"rev:{reply.number}", reply.case_id)
    return Text("1")


def conversation(coach: Coach, key: UserKey, steps: int, tag: str, latencies: list[int], failed: list[int]) -> None:
    """Drive `steps` events for `key`, timing each `handle` call."""
    replies: tuple[Reply, ...] = ()
    for i in range(steps):
        replies = timed_step(coach, key, i, replies, f"{tag}-{i}", latencies, failed)


def timed_step(
    coach: Coach,
    key: UserKey,
    i: int,
    replies: tuple[Reply, ...],
    event_id: str,
    latencies: list[int],
    failed: list[int],
) -> tuple[Reply, ...]:
    """Event `i` of a conversation, answering what is on screen; its time goes to `latencies`."""
    event: Event = Start(new=True) if i % CYCLE == 0 else answer(replies, i)
    started = time.perf_counter_ns()
    outcome = coach.handle(user_at(key, i), event, event_id=event_id)
    latencies.append(time.perf_counter_ns() - started)
    if any(isinstance(r, Say) and r.text in (BUSY, SORRY) for r in outcome.replies):
        failed.append(1)
    return outcome.replies


def saves_of(store: Store, key: UserKey) -> int:
    """How many saves the users of a run keyed by `key` went through (each save bumps the version by one)."""
    with store.engine.connect() as conn:
        query = select(func.coalesce(func.sum(USER.c.version - 1), 0)).where(
            USER.c.platform == key.platform, USER.c.user_id.like(f"{key.user}.%")
        )
        return int(conn.execute(query).scalar() or 0)


def events_of(store: Store) -> int:
    with store.engine.connect() as conn:
        return len(conn.execute(select(EVENT.c.event_id)).all())


def run_steps(workdir: Path, name: str, threads: int, per_thread: int, *, shared: bool, profile: bool = False) -> Run:
    store = Store(f"sqlite:///{workdir / (name.replace(' ', '_') + f'{threads}.db')}")
    store.upgrade()
    coach = Coach(store, renderer=DraftRenderer())
    keys = [UserKey("bench", "W", "shared" if shared else f"user{t}") for t in range(threads)]
    # warm up (not timed): first contact, templates compiled, statements cached
    warm = UserKey("bench", "W", "warmup")
    conversation(coach, warm, CYCLE, "warm", [], [])
    before_events = events_of(store)
    latencies: list[list[int]] = [[] for _ in range(threads)]
    failed: list[int] = []
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        try:
            conversation(coach, keys[t], per_thread, f"{name}-{t}", latencies[t], failed)
        except BaseException as exc:  # noqa: BLE001 - counted and reported
            errors.append(exc)

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    if threads == 1:
        worker(0)  # in this thread, so the profiler sees it
    else:
        pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(timeout=600)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(60)
    wall = time.perf_counter() - started
    steps = threads * per_thread
    recorded = events_of(store) - before_events
    versions = sum(saves_of(store, k) for k in set(keys))
    lost = max(steps - recorded, 0) + max(steps - versions, 0)
    locked = coach.retries["locked"] + sum("database is locked" in str(e) for e in errors)
    store.close()
    return Run(
        name,
        threads,
        [x for lat in latencies for x in lat],
        wall,
        locked=locked,
        lost=lost,
        failed=len(failed) + len(errors),
    )


def read_modify_write(conn: sqlite3.Connection, row_id: int) -> None:
    """The yardstick transaction: take the write lock, read a JSON document, change it, write it back."""
    conn.execute("BEGIN IMMEDIATE")
    body = json.loads(conn.execute("SELECT body FROM doc WHERE id = ?", (row_id,)).fetchone()[0])
    body["n"] += 1
    conn.execute("UPDATE doc SET body = ? WHERE id = ?", (json.dumps(body), row_id))
    conn.execute("COMMIT")


def raw_rmw(workdir: Path, threads: int, per_thread: int) -> Run:
    """The yardstick: plain sqlite3, same pragmas, BEGIN IMMEDIATE; SELECT JSON; UPDATE; COMMIT."""
    path = workdir / f"raw{threads}.db"
    doc = json.dumps({"id": "c", "log": [{"at": "2025-01-01T00:00:00+00:00", "text": "x" * 40}] * 20, "n": 0})

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "busy_timeout=5000", "foreign_keys=ON", "synchronous=NORMAL"):
            conn.execute(f"PRAGMA {pragma}")
        return conn

    setup = connect()
    setup.execute("CREATE TABLE IF NOT EXISTS doc (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    setup.executemany("INSERT OR REPLACE INTO doc VALUES (?, ?)", [(t, doc) for t in range(threads)])
    setup.close()
    latencies: list[list[int]] = [[] for _ in range(threads)]
    locked: list[int] = []

    def worker(t: int) -> None:
        conn = connect()
        for _ in range(per_thread):
            started = time.perf_counter_ns()
            try:
                read_modify_write(conn, t)
            except sqlite3.OperationalError:
                locked.append(1)
                conn.execute("ROLLBACK")
            latencies[t].append(time.perf_counter_ns() - started)
        conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=600)
    return Run(
        "raw sqlite3 rmw",
        threads,
        [x for lat in latencies for x in lat],
        time.perf_counter() - started,
        locked=len(locked),
    )


def alternating(workdir: Path, steps: int) -> tuple[Run, Run]:
    """The headline ratio: one raw read-modify-write, then one full step, in turn, in one thread.

    Interleaving exposes both to the same moment-to-moment noise of a shared machine, so the
    ratio of their medians is stable from run to run even when absolute times drift.
    """
    path = workdir / "raw-alternating.db"
    raw = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode=WAL", "busy_timeout=5000", "foreign_keys=ON", "synchronous=NORMAL"):
        raw.execute(f"PRAGMA {pragma}")
    raw.execute("CREATE TABLE doc (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    doc = {"id": "c", "log": [{"at": "2025-01-01T00:00:00+00:00", "text": "x" * 40}] * 20, "n": 0}
    raw.execute("INSERT INTO doc VALUES (1, ?)", (json.dumps(doc),))
    store = Store(f"sqlite:///{workdir / 'alternating.db'}")
    store.upgrade()
    coach = Coach(store, renderer=DraftRenderer())
    key = UserKey("bench", "W", "alternating")
    conversation(coach, UserKey("bench", "W", "warmup"), CYCLE, "warm-alt", [], [])
    raw_ns: list[int] = []
    step_ns: list[int] = []
    failed: list[int] = []
    replies: tuple[Reply, ...] = ()
    for i in range(steps):
        begun = time.perf_counter_ns()
        read_modify_write(raw, 1)
        raw_ns.append(time.perf_counter_ns() - begun)
        replies = timed_step(coach, key, i, replies, f"alt-{i}", step_ns, failed)
    raw.close()
    store.close()
    # each row's rate counts its own time only (the two share one wall clock)
    return (
        Run("raw rmw, alternating", 1, raw_ns, sum(raw_ns) / 1e9),
        Run("full step, alternating", 1, step_ns, sum(step_ns) / 1e9, failed=len(failed)),
    )


def many_cases(workdir: Path, cases: int, steps: int, database: str | None = None) -> tuple[Run, Run]:
    """A user holding `cases` cases: steps in one process (warm), then two processes taking turns (cold).

    "Cold" is what a round-robin in front of two processes does to every step: the other one wrote
    last, so this one's remembered copy is one version behind. Only what changed may be read again.
    """
    url = database or f"sqlite:///{workdir / 'many-cases.db'}"
    one, two = Store(url), Store(url)
    one.upgrade()
    first, second = Coach(one, renderer=DraftRenderer()), Coach(two, renderer=DraftRenderer())
    key = UserKey("bench", "W", f"many-{time.time_ns()}")  # a new user each run, also on a kept database
    for n in range(cases):
        outcome = first.handle(key, Start(new=True), event_id=f"open-{n}")
        first.handle(key, answer(outcome.replies, n), event_id=f"first-{n}")
    second.overview(key)  # the second process has seen the user once, as it would have in production
    runs: list[Run] = []
    for name, coaches in (("100 cases, warm", (first,)), ("100 cases, cold (turns)", (first, second))):
        latencies: list[int] = []
        failed: list[int] = []
        replies: tuple[Reply, ...] = first.handle(key, Start(), event_id=f"{name}-screen").replies
        for i in range(steps):
            coach = coaches[i % len(coaches)]
            event = answer(replies, i)
            started = time.perf_counter_ns()
            outcome = coach.handle(key, event, event_id=f"{name}-{i}")
            latencies.append(time.perf_counter_ns() - started)
            replies = outcome.replies
            if any(isinstance(r, Say) and r.text in (BUSY, SORRY) for r in replies):
                failed.append(1)
        runs.append(Run(name.replace("100", str(cases)), 1, latencies, sum(latencies) / 1e9, failed=len(failed)))
    one.close()
    two.close()
    return runs[0], runs[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps (finishes in well under a minute)")
    parser.add_argument("--profile", action="store_true", help="cProfile the 1-thread run (to stderr)")
    parser.add_argument("--many-cases-db", metavar="URL", help="run the 100-case user on this database instead")
    args = parser.parse_args(argv)
    one, eight = (CYCLE * 30, CYCLE * 5) if args.quick else (CYCLE * 150, CYCLE * 30)
    raw_n = 3000 if args.quick else 20000
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        workdir = Path(tmp)
        alt_raw, alt_step = alternating(workdir, one)
        raw1 = raw_rmw(workdir, 1, raw_n)
        raw8 = raw_rmw(workdir, 8, raw_n // 8)
        step1 = run_steps(workdir, "step distinct", 1, one, shared=False, profile=args.profile)
        warm, cold = many_cases(workdir, 100, 100 if args.quick else 300, args.many_cases_db)
        runs += [
            alt_raw,
            alt_step,
            raw1,
            raw8,
            step1,
            run_steps(workdir, "step distinct", 8, eight, shared=False),
            run_steps(workdir, "step shared", 1, one, shared=True),
            run_steps(workdir, "step shared", 8, eight, shared=True),
            warm,
            cold,
        ]
    print(f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(HEADER)
    for run in runs:
        print(run.row())
    step_us = statistics.median(alt_step.latencies_ns) / 1000
    raw_us = statistics.median(alt_raw.latencies_ns) / 1000
    steps = [r for r in runs if r.name.startswith("step")]
    summary = {
        "step_us_median": round(step_us, 1),
        "step_us_p99": round(alt_step.percentile(0.99) / 1000, 1),
        "raw_sqlite_rmw_us_median": round(raw_us, 1),
        "ratio": round(step_us / raw_us, 2),
        "ratio_vs_tight_loop_rmw": round(
            statistics.median(step1.latencies_ns) / statistics.median(raw1.latencies_ns), 2
        ),
        "locked_errors": sum(r.locked for r in steps),
        "lost_updates": sum(r.lost for r in steps),
        "failed_steps": sum(r.failed for r in steps) + alt_step.failed,
        "steps_per_s_1_thread": round(step1.steps / step1.wall_s),
        "steps_per_s_8_threads_distinct": round(steps[1].steps / steps[1].wall_s),
        "steps_per_s_8_threads_shared": round(steps[3].steps / steps[3].wall_s),
        "many_cases_warm_us_median": round(warm.percentile(0.5) / 1000, 1),
        "many_cases_cold_us_median": round(cold.percentile(0.5) / 1000, 1),
        "many_cases_cold_over_warm": round(cold.percentile(0.5) / warm.percentile(0.5), 2),
        "many_cases_cold_us_p99": round(cold.percentile(0.99) / 1000, 1),
        "target_ratio_max": 10,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
