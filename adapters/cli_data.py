"""`coach export`, `coach forget` and `coach db ...`: the user's data and the database from the command line.

Thin: parses the user's key, calls `exit_coach.service` / `exit_coach.store` / `exit_coach.upkeep`,
prints. Export is JSON on stdout (exit 1 with one line on stderr for an unknown
user); forget says what it deleted; `db upgrade` creates or migrates the schema
and prints its version; `db rotate-key` re-encrypts everything under the newest
COACH_ENCRYPTION_KEY (bots may keep running); `db purge` deletes what is past
COACH_RETENTION_DAYS; `db new-key` prints a fresh key. Problems are one line, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from exit_coach import config
from exit_coach.adapters.cli import UsageError
from exit_coach.crypto import KeyProblem, new_key
from exit_coach.service import UnknownUser, UserKey, open_coach
from exit_coach.store import dumps, open_store
from exit_coach.upkeep import purge, rotate_keys


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    if name == "db":
        parser.add_argument(
            "action", choices=["upgrade", "rotate-key", "purge", "new-key"],
            help="upgrade: create or migrate the schema; rotate-key: re-encrypt everything under the newest key; "
                 "purge: delete cases past COACH_RETENTION_DAYS; new-key: print a fresh encryption key",
        )
        return
    parser.add_argument("--platform", required=True, help="slack, discord or console")
    parser.add_argument("--workspace", default="", help="Slack workspace / Discord guild id (empty for DMs)")
    parser.add_argument("--user", required=True, help="the platform's user id")


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "db":
            return _db(args.action)
        key = _key(args)
        coach = open_coach()
    except config.ConfigError as exc:
        raise UsageError(str(exc)) from None
    try:
        if args.command == "export":
            try:
                data = coach.export(key)
            except UnknownUser:
                print(f"coach export: no data stored for {_who(key)}", file=sys.stderr)
                return 1
            print(dumps(data))
            return 0
        counts = coach.forget_counts(key)
        if counts is None:
            print(f"nothing stored for {_who(key)}; nothing deleted")
            return 0
        print(f"deleted {_who(key)}: {counts['cases']} case(s), {counts['reminders']} reminder(s), "
              f"{counts['processed_events']} processed event id(s), {counts['threads']} thread link(s)")
        return 0
    finally:
        coach.store.close()


def _db(action: str) -> int:
    if action == "new-key":
        print(new_key())
        return 0
    store = open_store(config.database_url())
    try:
        if action == "rotate-key":
            try:
                done = rotate_keys(store)
            except KeyProblem as exc:
                raise UsageError(str(exc)) from None
            print(f"re-encrypted {done.users} user(s) and {done.cases} case(s) under the newest key")
        elif action == "purge":
            days = config.retention_days()
            gone = purge(store, now=datetime.now(UTC), days=days)
            print(f"deleted what was untouched for {days} day(s) (or a user's shorter choice): {gone.cases} case(s), "
                  f"{gone.users} user(s), {gone.reminders} reminder(s), {gone.threads} thread link(s), "
                  f"{gone.events} processed event id(s)")
        else:
            print(f"database schema is at version {store.schema_version()}")
    finally:
        store.close()
    return 0


def _key(args: argparse.Namespace) -> UserKey:
    platform, user = args.platform.strip(), args.user.strip()
    if not platform or not user:
        raise UsageError(f"--platform and --user must not be empty (got {args.platform!r}, {args.user!r})")
    return UserKey(platform, args.workspace.strip(), user)


def _who(key: UserKey) -> str:
    where = f"{key.platform}/{key.workspace}" if key.workspace else key.platform
    return f"user {key.user!r} on {where}"
