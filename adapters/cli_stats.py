"""`coach stats [--json]`: aggregate numbers for operators, with every cell under five people suppressed.

Thin: reads every conversation in one read-only transaction, hands them to
`exit_coach.stats`, prints a table or JSON. No names, companies or text are
ever printed; a cell with fewer than five people behind it shows as "<5" (null
in JSON).
"""

from __future__ import annotations

import argparse
import json

from exit_coach import config
from exit_coach.adapters.cli import UsageError
from exit_coach.stats import gather, public, table
from exit_coach.store import open_store


def add_arguments(parser: argparse.ArgumentParser, _name: str) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    try:
        store = open_store(config.database_url())
    except config.ConfigError as exc:
        raise UsageError(str(exc)) from None
    try:
        with store.reading() as tx:
            data = public(gather(tx.every_conversation()))
    finally:
        store.close()
    print(json.dumps(data, indent=2) if args.json else table(data))
    return 0
