"""A reminder worker process for the kill test: the real `Coach.deliver_due` / `settle` against a fake platform.

The "platform" is a table (`fake_post`) in the same database: posting inserts a
row with the reminder's key, and `shown` looks for one, as a Slack retry looks
for the key in the DM's metadata. Nothing stops two rows with one key: a double
delivery would show up as one.

    python -m tests.store.reminder_worker URL NOW NAME [--kill-point lease|post --kill-at N]

It prints READY, waits for a line on stdin, then delivers until nothing is due.
At its N-th reminder it prints LEASED (after the lease, before posting) or
POSTED (after posting, before marking delivered) and waits on stdin, so the test
can `kill -9` it right there. At the end it prints DONE and its counts.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from sqlalchemy import text

from exit_coach.drafts import DraftRenderer
from exit_coach.service import Coach, Delivery
from exit_coach.store import Store

CREATE = "CREATE TABLE IF NOT EXISTS fake_post (id SERIAL PRIMARY KEY, key TEXT NOT NULL, worker TEXT NOT NULL)"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("now")
    parser.add_argument("name")
    parser.add_argument("--kill-point", choices=("lease", "post"))
    parser.add_argument("--kill-at", type=int, default=0)
    parser.add_argument("--no-check", action="store_true", help="retry without looking for an earlier post")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now)
    store = Store(args.url)
    coach = Coach(store, renderer=DraftRenderer(), clock=lambda: now)
    seen = 0

    def post(delivery: Delivery) -> None:
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO fake_post (key, worker) VALUES (:k, :w)"),
                         {"k": delivery.idempotency_key, "w": args.name})
        if args.kill_point == "post" and seen == args.kill_at:
            print("POSTED", delivery.reminder_id, flush=True)
            sys.stdin.readline()

    def shown(delivery: Delivery) -> bool:
        with store.engine.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM fake_post WHERE key = :k"), {"k": delivery.idempotency_key})
            return found.first() is not None

    print("READY", flush=True)
    sys.stdin.readline()
    results: dict[str, int] = {}
    while True:
        due = coach.deliver_due(limit=3)
        if not due:
            break
        for delivery in due:
            seen += 1
            if args.kill_point == "lease" and seen == args.kill_at:
                print("LEASED", delivery.reminder_id, flush=True)
                sys.stdin.readline()
            result = coach.settle(delivery, post, shown=None if args.no_check else shown)
            results[result] = results.get(result, 0) + 1
    print("DONE", " ".join(f"{k}={v}" for k, v in sorted(results.items())), flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
