"""Load: N simulated users go through whole conversations against `coach slack --http`, as real processes.

The bot runs as one or more `coach slack --http` processes on one database
(SQLite file or PostgreSQL), all pointed at a keep-alive Web API stub on
127.0.0.1; requests alternate between the processes (round-robin). Each user
sends the slash command, fills both forms, answers every question, asks for the
draft, clicks four revisions (each must be a new draft), and types a message
— 15 steps. Steady mode runs `--concurrency` users at a time; `--burst` starts
every user at once and delivers every step twice (the second time with Slack's
retry headers, to the next process), as Slack does when an ack is late.

Afterwards it checks the database: each acknowledged step of each user was
recorded (its event id is written in the same transaction as its save; one
missing is a lost update), and the stub saw exactly one prompt per step (more
is a duplicate the user would see).
Then it makes the pending nudge of `--reminders` users due and waits (bounded)
for the processes' reminder loops: each must be delivered exactly once. (A
loop claims at most 50 reminders a minute, so the sample stays under that.)

CPU per step is the bot processes' CPU time (from /proc) over the load, divided
by steps; the core step's own CPU cost (`Coach.handle` in this process, same
database, before and after the load) is measured in the same run, so their
ratio is comparable across runs on a shared machine. So is the floor: the CPU a
bare Bolt app (it only acks) spends per signed request in its own process.

    python benchmarks/load_slack.py [--database URL] [--processes N] [--users N]
                                    [--concurrency N] [--burst] [--reminders N]

Prints a table, then one JSON line. Only 127.0.0.1 traffic; every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from slack_stub import WebApiStub  # noqa: E402
from slackbench import BotProcess, SimUser, Tally, percentile, round_robin  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

NUDGE = "A nudge about"
REMINDER_WAIT = 75.0
"""`coach slack` looks for due reminders every 60 s: wait a little longer than one round, never forever."""


def core_step_cpu(database: str, steps: int) -> float:
    """CPU seconds of one `Coach.handle` (load, step, save) in this process, on the same database."""
    from bench_steps import CYCLE, conversation

    from exit_coach.service import UserKey, open_coach

    coach = open_coach(database)
    tag = uuid.uuid4().hex[:8]
    conversation(coach, UserKey("core-bench", "W", f"warm{tag}"), CYCLE, f"warm{tag}", [], [])
    started = time.thread_time()  # this thread's CPU only: the stub's threads in this process don't count
    conversation(coach, UserKey("core-bench", "W", f"core{tag}"), steps, f"core{tag}", [], [])
    spent = time.thread_time() - started
    coach.store.close()
    return spent / steps


def bare_bolt_cpu(stub: WebApiStub, tmp: Path, requests: int = 400) -> float:
    """CPU seconds a bare Bolt app (it only acks) spends per signed click, in its own process: the floor
    that any Bolt-over-HTTP process pays before doing any work."""
    import subprocess

    from slackbench import TEAM, free_port, send

    port = free_port()
    bare = subprocess.Popen([sys.executable, str(Path(__file__).with_name("bench_slack.py")), "--bare", str(port),
                             "--api", stub.api])
    try:
        payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "UFLOOR", "team_id": TEAM},
                   "api_app_id": "A1", "token": "x", "trigger_id": "trig.UFLOOR.1", "channel": {"id": "DUFLOOR"},
                   "container": {"type": "message", "message_ts": "1.1", "channel_id": "DUFLOOR"},
                   "message": {"ts": "1.1", "text": "x"}, "response_url": f"{stub.url}/floor",
                   "actions": [{"type": "button", "action_id": "coach|c1|rev:1|warmer", "value": "warmer",
                                "action_ts": "1.2"}]}
        body = urlencode({"payload": json.dumps(payload)}).encode()
        deadline = time.monotonic() + 30
        while send(port, body, "application/x-www-form-urlencoded")[0] != 200:
            if time.monotonic() > deadline:
                raise SystemExit("the bare Bolt app did not start")
            time.sleep(0.1)
        for _ in range(50):
            send(port, body, "application/x-www-form-urlencoded")
        before = _proc_cpu(bare.pid)
        for _ in range(requests):
            send(port, body, "application/x-www-form-urlencoded")
        return (_proc_cpu(bare.pid) - before) / requests
    finally:
        bare.terminate()
        bare.wait(10)


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def db_backend_cpu(database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving this database (empty for SQLite, or when the
    server is not on this machine): the database's own share of a step."""
    if not database.startswith("postgresql"):
        return {}
    engine = create_engine(database)
    with engine.connect() as conn:
        pids = [int(r[0]) for r in conn.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))]
    engine.dispose()
    out: dict[int, float] = {}
    for pid in pids:
        try:
            out[pid] = _proc_cpu(pid)
        except OSError:
            continue
    return out


def db_checks(database: str, users: list[str]) -> dict[str, int]:
    """Steps recorded per user: the processed event ids, each written in the same transaction as its save.

    (Not the row's version: the bot also writes a user's row outside steps, e.g. their time zone.)
    """
    engine = create_engine(database)
    with engine.connect() as conn:
        rows = conn.execute(
            text('SELECT u.user_id, COUNT(e.event_id) FROM "user" u JOIN processed_event e ON e.user_pk = u.pk '
                 "WHERE u.platform = 'slack' AND u.user_id IN :ids GROUP BY u.user_id").bindparams(
                _expanding("ids")), {"ids": users}).all()
    engine.dispose()
    return {r[0]: int(r[1]) for r in rows}


def _expanding(name: str):  # noqa: ANN202
    from sqlalchemy import bindparam

    return bindparam(name, expanding=True)


def make_nudges_due(database: str, users: list[str]) -> int:
    """Move every pending nudge of these users to a minute ago (time travel, so the loop finds them now)."""
    engine = create_engine(database)
    past = datetime.now(UTC) - timedelta(minutes=1)
    with engine.begin() as conn:
        result = conn.execute(
            text("UPDATE reminder SET due_at = :past WHERE delivered_at IS NULL AND kind = 'nudge_send' AND "
                 'user_pk IN (SELECT pk FROM "user" WHERE platform = \'slack\' AND user_id IN :ids)').bindparams(
                _expanding("ids")),
            {"past": past.replace(tzinfo=None) if database.startswith("sqlite") else past, "ids": users})
        count = int(result.rowcount)
    engine.dispose()
    return count


def wait_reminders(stub: WebApiStub, users: list[str], expected: int, timeout: float) -> dict[str, int]:
    """Nudges posted per user, once `expected` have arrived (or the bounded wait ends, then 1 s more)."""
    deadline = time.monotonic() + timeout

    def counts() -> dict[str, int]:
        return {u: sum(p.text.startswith(NUDGE) for p in stub.posts(u)) for u in users}

    while time.monotonic() < deadline and sum(counts().values()) < expected:
        time.sleep(0.5)
    time.sleep(1.0)  # a second delivery, if any, would land now
    return counts()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file in a temp folder)")
    parser.add_argument("--processes", type=int, default=1, help="coach slack --http processes (round-robin)")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20, help="users at a time in steady mode")
    parser.add_argument("--burst", action="store_true", help="every user at once, every delivery twice")
    parser.add_argument("--reminders", type=int, default=40,
                        help="users whose pending nudge is made due after the load (0: skip the ~60 s round)")
    parser.add_argument("--core-steps", type=int, default=300, help="steps for the in-process core measurement")
    args = parser.parse_args(argv)
    if not (1 <= args.processes <= 8 and 1 <= args.users <= 5000 and 1 <= args.concurrency <= 500):
        parser.error("--processes 1..8, --users 1..5000, --concurrency 1..500")
    with tempfile.TemporaryDirectory(prefix="coach-load-") as tmp:
        database = args.database or f"sqlite:///{Path(tmp) / 'load.db'}"
        return run(args, database, Path(tmp))


def run(args: argparse.Namespace, database: str, tmp: Path) -> int:
    from exit_coach.store import open_store

    open_store(database).close()  # schema first, so the processes don't race to create it
    stub = WebApiStub().start()
    bots = [BotProcess(stub, database, tmp / f"bot{i}.log") for i in range(args.processes)]
    try:
        for bot in bots:
            bot.wait_ready()
        core_before = core_step_cpu(database, args.core_steps)
        bare_cpu = bare_bolt_cpu(stub, tmp)
        run_id = uuid.uuid4().hex[:6].upper()
        users = [f"U{run_id}{i:05d}" for i in range(args.users)]
        tally = Tally()
        pick = round_robin([b.port for b in bots])
        sims = [SimUser(u, stub, pick, tally, duplicate=args.burst) for u in users]
        calls_before = dict(stub.calls)
        cpu_before = [b.cpu_seconds() for b in bots]
        db_before = db_backend_cpu(database)
        started = time.perf_counter()
        drive(sims, args.users if args.burst else args.concurrency)
        wall = time.perf_counter() - started
        time.sleep(0.5)  # the last replies' tails (a post after the prompt) settle
        cpu = sum(b.cpu_seconds() - c for b, c in zip(bots, cpu_before, strict=True))
        db_cpu = sum(v - db_before.get(pid, 0.0) for pid, v in db_backend_cpu(database).items())
        core_after = core_step_cpu(database, args.core_steps)
        core_cpu = (core_before + core_after) / 2
        calls = {k: v - calls_before.get(k, 0) for k, v in stub.calls.items()}
        recorded = db_checks(database, users)
        steps = sum(tally.steps.values())
        lost = sum(max(0, tally.steps.get(u, 0) - recorded.get(u, 0)) for u in users)
        doubled = sum(max(0, recorded.get(u, 0) - tally.steps.get(u, 0)) for u in users)
        prompts = {u: sum(bool(p.elements) for p in stub.posts(u)) for u in users}
        doubled_effects = sum(max(0, prompts[u] - tally.steps.get(u, 0)) for u in users)
        reminders: dict[str, int] = {}
        due = 0
        if args.reminders:
            sample = users[: args.reminders]
            due = make_nudges_due(database, sample)
            got = wait_reminders(stub, sample, due, REMINDER_WAIT)
            reminders = {"due": due, "delivered": sum(got.values()),
                         "delivered_twice": sum(1 for n in got.values() if n > 1)}
        connections = stub.connections
    finally:
        for bot in bots:
            bot.stop()
        stub.stop()
    web_calls = sum(v for k, v in calls.items() if k != "auth.test")
    cpu_per_step = cpu / steps if steps else 0.0
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores",
        "database": database.split(":", 1)[0].split("+", 1)[0],
        "processes": args.processes,
        "mode": "burst (every delivery twice)" if args.burst else f"steady ({args.concurrency} at a time)",
        "users": args.users,
        "steps": steps,
        "wall_s": round(wall, 2),
        "steps_per_s": round(steps / wall, 1) if wall else 0.0,
        "ack_ms_p50": ms(percentile(tally.acks, 0.5)),
        "ack_ms_p99": ms(percentile(tally.acks, 0.99)),
        "ack_ms_max": ms(max(tally.acks, default=0.0)),
        "acks_over_3s": sum(a > 3.0 for a in tally.acks),
        "reply_ms_p50": ms(percentile(tally.replies, 0.5)),
        "reply_ms_p99": ms(percentile(tally.replies, 0.99)),
        "cpu_ms_per_step": ms(cpu_per_step),
        "core_step_cpu_ms": ms(core_cpu),
        "core_step_cpu_ms_before_after": [ms(core_before), ms(core_after)],
        "cpu_ratio_to_core_step": round(cpu_per_step / core_cpu, 2) if core_cpu else None,
        "bare_bolt_cpu_ms_per_request": ms(bare_cpu),
        "db_server_cpu_ms_per_step": ms(db_cpu / steps) if steps and db_before else None,
        "web_api_calls_per_step": round(web_calls / steps, 2) if steps else 0.0,
        "web_api_calls_by_method": dict(sorted(calls.items())),
        "web_api_connections": connections,
        "revisions_checked": tally.revisions_checked,
        "errors": len(tally.errors),
        "lost_updates": lost,
        "duplicates": doubled + doubled_effects,
        "reminders": reminders,
    }
    print_table(report, tally.errors)
    print(json.dumps(report))
    ok = not tally.errors and not lost and not report["duplicates"]
    ok = ok and (not args.reminders or (reminders["delivered"] == due and not reminders["delivered_twice"]))
    return 0 if ok else 1


def drive(sims: list[SimUser], at_once: int) -> None:
    """Run every user's conversation, `at_once` at a time; each thread ends when its users are done."""
    pending = list(reversed(sims))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                sim = pending.pop()
            sim.run()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(at_once, len(sims)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def print_table(report: dict[str, object], errors: list[str]) -> None:
    width = max(len(k) for k in report)
    for key, value in report.items():
        print(f"{key:<{width}}  {value}")
    kinds = Counter(re.sub(r"^U[0-9A-F]+: ", "", line) for line in errors)
    for kind, count in kinds.most_common():
        print(f"error: {count} x {kind}")


if __name__ == "__main__":
    sys.exit(main())
