"""`coach export`, `coach forget` and `coach db upgrade`: the user's data from the command line.

Thin: parses the user's key, calls `exit_coach.service` / `exit_coach.store`, prints. Export is
JSON on stdout (exit 1 with one line on stderr for an unknown user); forget says
what it deleted; `db upgrade` creates or migrates the schema and prints its version.
"""

from __future__ import annotations

import argparse
import sys

from exit_coach import config
from exit_coach.adapters.cli import UsageError
from exit_coach.service import UnknownUser, UserKey, open_coach
from exit_coach.store import dumps, open_store


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    if name == "db":
        parser.add_argument("action", choices=["upgrade"], help="upgrade: create or migrate the schema")
        return
    parser.add_argument("--platform", required=True, help="slack, discord or console")
    parser.add_argument("--workspace", default="", help="Slack workspace / Discord guild id (empty for DMs)")
    parser.add_argument("--user", required=True, help="the platform's user id")


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "db":
            store = open_store(config.database_url())
            version = store.schema_version()
            store.close()
            print(f"database schema is at version {version}")
            return 0
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


def _key(args: argparse.Namespace) -> UserKey:
    platform, user = args.platform.strip(), args.user.strip()
    if not platform or not user:
        raise UsageError(f"--platform and --user must not be empty (got {args.platform!r}, {args.user!r})")
    return UserKey(platform, args.workspace.strip(), user)


def _who(key: UserKey) -> str:
    where = f"{key.platform}/{key.workspace}" if key.workspace else key.platform
    return f"user {key.user!r} on {where}"
