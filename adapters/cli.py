"""The `coach` command line: parses arguments and hands off to one front end.

Each subcommand lives in its own module and is imported only when chosen, so
`coach plan` never pays for importing slack_bolt or discord.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

# subcommand -> (module, one-line help); each module has add_arguments(parser) and run(args) -> int
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "chat": ("exit_coach.adapters.console", "the conversation in this terminal"),
    "plan": ("exit_coach.adapters.cli_plan", "the plan for one situation, without a conversation"),
    "lint": ("exit_coach.adapters.cli_lint", "check a draft you wrote"),
    "slack": ("exit_coach.adapters.slack.cli", "run the Slack bot (Socket Mode, or HTTP with --http)"),
    "discord": ("exit_coach.adapters.discord.cli", "run the Discord bot"),
    "export": ("exit_coach.adapters.cli_data", "print everything stored about one user as JSON"),
    "forget": ("exit_coach.adapters.cli_data", "delete everything stored about one user"),
    "db": ("exit_coach.adapters.cli_data", "database maintenance: upgrade, rotate-key, purge, new-key"),
    "stats": ("exit_coach.adapters.cli_stats", "aggregate numbers for operators (cells under 5 people hidden)"),
}


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit code 2."""


def one_line_error(parser: argparse.ArgumentParser) -> Callable[[str], NoReturn]:
    """An `error` for `parser` that prints one line (no usage block) and exits 2, as UsageError does."""

    def error(message: str) -> NoReturn:
        text = " ".join("".join(ch if ch.isprintable() else "?" for ch in part) for part in message.split())
        print(f"{parser.prog}: {text} (see --help)", file=sys.stderr)
        raise SystemExit(2)

    return error


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("exit-coach")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coach", description="Exit Coach: leave a job process well.")
    parser.add_argument("--version", action="version", version=f"coach {_version()}")
    parser.error = one_line_error(parser)  # type: ignore[method-assign]
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = _chosen_command(sys.argv[1:])
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        sp.error = one_line_error(sp)  # type: ignore[method-assign]
        if chosen == name:
            # Only the chosen subcommand's module is imported (keeps `coach plan` fast).
            module = importlib.import_module(module_name)
            module.add_arguments(sp, name)
            sp.set_defaults(_module=module)
    return parser


def _chosen_command(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `coach` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if argv is not None:
        sys.argv = [sys.argv[0], *args_list]
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        from exit_coach import logs
        from exit_coach.config import load_dotenv_once

        load_dotenv_once()
        logs.install()  # every log record of every command is redacted where it is made
        return int(args._module.run(args) or 0)
    except UsageError as exc:
        print(f"coach {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    # Run through the package module so `UsageError` is one class, not a __main__ twin.
    from exit_coach.adapters.cli import main as _main

    sys.exit(_main())
