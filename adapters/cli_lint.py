"""`coach lint [FILE|-] [--stage S] [--kind K] [--lang L] [--json]`: run the draft checks on any text.

This module owns reading the draft (a file or stdin, UTF-8, size-capped), turning
the options into model values and printing the findings. The checks themselves
live in `exit_coach.lint`. Exit codes: 0 clean, 1 findings, 2 bad usage (via UsageError).
"""

from __future__ import annotations

import argparse
import json
import sys
from enum import StrEnum
from typing import TypeVar

from exit_coach.adapters.cli import UsageError
from exit_coach.lint import lint_text
from exit_coach.lint_rules import LANGUAGES
from exit_coach.model import DraftKind, Finding, Stage

MAX_CHARS = 100_000
_MAX_BYTES = 4 * MAX_CHARS + 4  # enough for MAX_CHARS characters of UTF-8, plus a BOM
_E = TypeVar("_E", bound=StrEnum)


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Declare the options of `coach lint`."""
    parser.add_argument("file", nargs="?", default="-", metavar="FILE", help="the draft to check; '-' or none: stdin")
    parser.add_argument("--stage", help="how far the application got: " + ", ".join(Stage))
    parser.add_argument("--kind", help="what the draft is (default: email): " + ", ".join(DraftKind))
    parser.add_argument("--lang", default="en", help="the draft's language (default: en): " + ", ".join(LANGUAGES))
    parser.add_argument("--json", action="store_true", help='print {"findings": [...], "clean": true|false}')


def run(args: argparse.Namespace) -> int:
    """Lint the draft, print the findings; 0 when clean, 1 with findings."""
    stage = _choice(Stage, args.stage, "stage")
    kind = _choice(DraftKind, args.kind, "kind")
    lang = args.lang.strip().lower()
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {args.lang!r}; choose one of: {', '.join(LANGUAGES)}")
    text = read_draft(args.file)
    findings = lint_text(text, stage=stage, kind=kind, lang=lang)
    print(render(findings, as_json=args.json))
    return 1 if findings else 0


def render(findings: tuple[Finding, ...], *, as_json: bool) -> str:
    """The findings as `code: message` lines, or as one JSON object."""
    if as_json:
        items = [{"code": f.code, "message": f.message} for f in findings]
        return json.dumps({"findings": items, "clean": not findings}, indent=2)
    if not findings:
        return "clean: no findings"
    return "\n".join(f"{f.code}: {f.message}" for f in findings)


def read_draft(path: str) -> str:
    """The draft's text from `path` ('-' is stdin); UsageError when unreadable, not UTF-8 or too long."""
    if path == "-":
        source = "stdin"
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text stream without bytes underneath (e.g. io.StringIO)
            return _check_length(sys.stdin.read(MAX_CHARS + 1), source)
        if sys.stdin.isatty():
            print("Paste your draft, then press Ctrl-D (Ctrl-Z Enter on Windows).", file=sys.stderr)
        data = stream.read(_MAX_BYTES + 1)
    else:
        source = repr(path)
        try:
            with open(path, "rb") as handle:
                data = handle.read(_MAX_BYTES + 1)
        except FileNotFoundError:
            raise UsageError(f"no such file: {path!r}") from None
        except IsADirectoryError:
            raise UsageError(f"{path!r} is a directory, not a draft file") from None
        except OSError as exc:
            raise UsageError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    if len(data) > _MAX_BYTES:
        raise UsageError(f"{source} is too long to lint; the limit is {MAX_CHARS:,} characters")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text; save the draft as UTF-8 and try again") from None
    return _check_length(text, source)


def _check_length(text: str, source: str) -> str:
    if len(text) > MAX_CHARS:
        raise UsageError(f"{source} is too long to lint; the limit is {MAX_CHARS:,} characters")
    return text


def _choice(enum: type[_E], value: str | None, option: str) -> _E | None:
    """`value` as a member of `enum`, None when not given; UsageError listing the valid values."""
    if value is None:
        return None
    try:
        return enum(value.strip().lower())
    except ValueError:
        valid = ", ".join(enum)
        raise UsageError(f"unknown {option} {value!r}; choose one of: {valid}") from None
