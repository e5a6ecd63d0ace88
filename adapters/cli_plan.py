"""`coach plan --stage S [...] [--json]`: the plan for one situation, without a conversation.

This module owns the options of `coach plan`, their validation (known values,
length caps, no control characters; UsageError with one line otherwise) and the
printing. The plan itself comes from `exit_coach.plan_output`. It imports no platform
or database library, so the command stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from enum import StrEnum
from typing import TypeVar

from exit_coach import config
from exit_coach.adapters.cli import UsageError
from exit_coach.model import Channel, Language, Reason, Signature, Situation, Stage
from exit_coach.plan_output import full_plan, plan_to_json, plan_to_text
from exit_coach.text import looks_like_email, looks_like_phone, text_problem

TEXT_LIMITS: dict[str, int] = {
    "company": 120, "role": 120, "contact": 80, "recruiter": 80, "name": 80, "email": 254, "phone": 40,
}
"""Most characters each free-text option may hold."""

MAIN_CHANNELS = (Channel.EMAIL, Channel.PHONE, Channel.LINKEDIN)
FLAGS: dict[str, str] = {
    "via_recruiter": "you applied through a recruiter or agency",
    "rapport": "you built a rapport with the hiring manager",
    "informal": "the relationship is informal",
    "signed": "you signed an offer or contract",
    "relocation": "you received relocation assistance",
    "signing_bonus": "you received a signing bonus",
    "visa": "the employer started visa sponsorship or relocation steps",
    "keep_door_open": "you want to keep the door open",
    "negotiable": "you'd still want the job if pay, scope or flexibility changed (ignored, with the reason "
    "why, where negotiating doesn't fit)",
    "tell_employer_too": "through a recruiter: you'll also contact the employer yourself instead of letting "
    "the recruiter pass it on",
}
_E = TypeVar("_E", bound=StrEnum)


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Declare the options of `coach plan` (values are checked in `run`, one line per error)."""
    parser.add_argument("--stage", help="how far it got (required): " + ", ".join(Stage))
    parser.add_argument("--reason", default=Reason.UNSPECIFIED.value, help="why you're leaving: " + ", ".join(Reason))
    parser.add_argument(
        "--main-channel", default=Channel.EMAIL.value, help="how you've mostly talked: email, phone, linkedin"
    )
    for flag, text in FLAGS.items():
        parser.add_argument("--" + flag.replace("_", "-"), dest=flag, action="store_true", help=text)
    for option in TEXT_LIMITS:
        parser.add_argument(f"--{option}", default="", help=f"at most {TEXT_LIMITS[option]} characters")
    parser.add_argument(
        "--lang",
        default=Language.EN.value,
        help="the drafts' language, the employer's (default: en): " + ", ".join(Language),
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object (SPEC §5)")


def run(args: argparse.Namespace) -> int:
    """Print the plan for the situation the options describe; 0 on success."""
    situation = situation_from_args(args)
    from exit_coach.drafts import DraftRenderer, TemplateProblem

    try:
        renderer = DraftRenderer(override_dir=config.templates_dir())
        full = full_plan(situation, renderer=renderer, help_url=config.help_url())
    except (config.ConfigError, TemplateProblem) as exc:
        raise UsageError(_one_line(str(exc))) from None
    if args.json:
        print(json.dumps(plan_to_json(full), indent=2))  # ASCII escapes: safe on any console encoding
    else:
        if hasattr(sys.stdout, "reconfigure"):  # a non-UTF-8 console shows "?" rather than a traceback
            sys.stdout.reconfigure(errors="replace")
        print(plan_to_text(full))
    return 0


def situation_from_args(args: argparse.Namespace) -> Situation:
    """The validated `Situation`; UsageError naming the option for any bad value."""
    text = {option: check_text(option, getattr(args, option)) for option in TEXT_LIMITS}
    if text["email"] and not looks_like_email(text["email"]):
        raise UsageError(f"--email {text['email']!r} does not look like an email address")
    if text["phone"] and not looks_like_phone(text["phone"]):
        raise UsageError(f"--phone {text['phone']!r} does not look like a phone number (digits, spaces, + - ( ) .)")
    if args.stage is None:
        raise UsageError("--stage is required; choose one of: " + ", ".join(Stage))
    main_channel = _choice(Channel, args.main_channel, "main-channel", allowed=MAIN_CHANNELS)
    return Situation(
        stage=_choice(Stage, args.stage, "stage"),
        reason=_choice(Reason, args.reason, "reason"),
        language=_choice(Language, getattr(args, "lang", Language.EN.value), "lang"),
        main_channel=main_channel,
        company=text["company"],
        role=text["role"],
        contact=text["contact"],
        recruiter=text["recruiter"],
        signature=Signature(name=text["name"], email=text["email"], phone=text["phone"]),
        **{flag: bool(getattr(args, flag)) for flag in FLAGS},
    )


def check_text(option: str, value: str | None) -> str:
    """`value` stripped; UsageError when it is too long or holds control characters."""
    value = value or ""
    problem = text_problem(value, max_length=TEXT_LIMITS[option])
    if problem:
        raise UsageError(f"--{option} {problem}")
    return value.strip()


def _choice(enum: type[_E], value: str, option: str, *, allowed: tuple[_E, ...] | None = None) -> _E:
    """`value` as a member of `enum` (within `allowed`); UsageError listing the valid values."""
    valid = allowed or tuple(enum)
    cleaned = value.strip().lower().replace("-", "_")
    for member in valid:
        if member.value == cleaned:
            return member
    shown = value if len(value) <= 40 else value[:40] + "…"
    raise UsageError(f"unknown --{option} {_printable(shown)!r}; choose one of: {', '.join(m.value for m in valid)}")


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _one_line(text: str) -> str:
    return " ".join(_printable(part) for part in text.split())
