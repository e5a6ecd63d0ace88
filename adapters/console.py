"""`coach chat`: the conversation in a terminal, on the embedded default store.

The console adapter is as thin as the others: it reads a line (or the fields
of a form), turns it into an event, calls the service, and prints the replies
as numbered options and sections. It works the same with a TTY and with piped
input (one answer per line), and exits cleanly at end of input.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from exit_coach.adapters.copy_ready import copy_text
from exit_coach.config import ConfigError, default_data_dir
from exit_coach.files import private_folder, write_private
from exit_coach.flow.events import GLOBAL_COMMANDS, Event, Start, SubmitForm, Text
from exit_coach.flow.followup import CONTROLS_WORDS, is_controls
from exit_coach.flow.followup import WORDS as REMINDER_WORDS
from exit_coach.flow.forms import field_problem
from exit_coach.flow.replies import (
    Ask,
    AskForm,
    Attachment,
    ChecklistLine,
    Reply,
    Say,
    ShowChecklist,
    ShowPlan,
    ShowRevision,
)
from exit_coach.model import Action, Channel
from exit_coach.service import Coach, UserKey, open_coach

COMMAND_WORDS = frozenset((*GLOBAL_COMMANDS, "start", "new", *REMINDER_WORDS))
"""Words that work anywhere, inside a form too (a reminder's `snooze` / `stop these` among them)."""
END_OF_TEXT = "."
"""A line holding only this ends a multi-line answer (an edited draft)."""


def add_arguments(parser: argparse.ArgumentParser, _name: str) -> None:
    parser.add_argument("--user", default=None, help="whose conversation (default: your login name)")


def run(args: argparse.Namespace) -> int:
    try:
        coach = open_coach()
    except ConfigError as exc:
        print(f"coach chat: {exc}", file=sys.stderr)
        return 2
    key = UserKey(platform="console", workspace="", user=args.user or _login())
    Console(coach, key, sys.stdin, sys.stdout).run()
    return 0


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers; any stable name will do
        return "me"


class Console:
    """One terminal session: read, send to the coach, print."""

    def __init__(self, coach: Coach, key: UserKey, stdin: TextIO, stdout: TextIO) -> None:
        self.coach = coach
        self.key = key
        self.stdin = stdin
        self.out = stdout
        self.export_dir = Path.cwd()
        self.echo_input = not _is_tty(stdin)

    def run(self) -> None:
        self.deliver_reminders()
        last = self.send(Start())
        while True:
            event = self.read_answer(last)
            if event is None:
                self.print("\nBye for now. Your progress is saved; `coach chat` picks it up again.")
                return
            last = self.send(event)

    def deliver_reminders(self) -> int:
        """Print this user's due reminders; each counts as delivered once printed. Returns how many."""
        try:
            due = self.coach.deliver_due(limit=20, key=self.key)
        except Exception:  # noqa: BLE001 - a reminder problem must not stop the chat
            return 0
        return sum(self.coach.settle(d, lambda d: self.show(d.replies)) == "delivered" for d in due)

    def send(self, event: Event) -> Reply | None:
        outcome = self.coach.handle(self.key, event)
        self.show(outcome.replies)
        return outcome.replies[-1] if outcome.replies else None

    def read_answer(self, last: Reply | None) -> Event | None:
        if isinstance(last, AskForm):
            return self.read_form(last)
        line = self.readline("> ")
        return None if line is None else Text(line)

    def read_form(self, form: AskForm) -> Event | None:
        """One prompt per field, each checked as it is entered: a refused value is asked again at once,
        `back` returns to the previous field (from the first, to the previous question)."""
        values: dict[str, str] = {}
        self.print(f"({form.title}: press Enter to keep what's in brackets; `back` goes to the previous field.)")
        index = 0
        while index < len(form.fields):
            field = form.fields[index]
            value = self.read_field(field.label, values.get(field.name, field.initial), multiline=field.multiline)
            if value is None:
                return None
            word = value.strip().lower().lstrip("/")
            if word == "back" and index > 0:
                index -= 1
                continue
            if word in COMMAND_WORDS:
                return Text(value)  # a command typed into a form works as it does anywhere else
            problem = field_problem(field, value)
            if problem:
                self.print(f"  {problem} Please try again.")
                continue
            values[field.name] = value
            index += 1
        return SubmitForm(form.question, values, form.case_id)

    def read_field(self, label: str, initial: str, *, multiline: bool) -> str | None:
        if not multiline:
            shown = f" [{initial}]" if initial else ""
            line = self.readline(f"{label}{shown}: ")
            if line is None:
                return None
            return line if line.strip() else initial
        self.print(f"{label} (end with a line holding only '{END_OF_TEXT}'; a lone '{END_OF_TEXT}' keeps it):")
        lines: list[str] = []
        while True:
            line = self.readline("")
            if line is None:
                return "\n".join(lines) if lines else None
            if line.strip() == END_OF_TEXT:
                return "\n".join(lines) if lines else initial
            if not lines and line.strip().lower().lstrip("/") in COMMAND_WORDS:
                return line  # a command word on the first line leaves the form, as it does in one-line fields
            lines.append(line)

    def readline(self, prompt: str) -> str | None:
        self.out.write(prompt)
        self.out.flush()
        line = self.stdin.readline()
        if not line:
            return None
        if not self.echo_input:
            return line.rstrip("\n")
        # Piped input is not echoed by a terminal: print it so the transcript reads like a conversation.
        self.out.write(line if line.endswith("\n") else line + "\n")
        return line.rstrip("\n")

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def show(self, replies: tuple[Reply, ...]) -> None:
        for reply in replies:
            self.print(render(reply, export_dir=self.export_dir))


def render(reply: Reply, *, export_dir: Path) -> str:
    """A reply as terminal text."""
    if isinstance(reply, Say):
        return reply.text
    if is_controls(reply):
        return CONTROLS_WORDS  # the terminal answers a reminder with words, not numbers
    if isinstance(reply, Ask):
        lines = [reply.text, *(f"  {i}. {o.label}" for i, o in enumerate(reply.options, start=1))]
        return "\n".join(lines)
    if isinstance(reply, AskForm):
        return reply.text
    if isinstance(reply, ShowPlan):
        return _plan(reply)
    if isinstance(reply, ShowRevision):
        return _revision(reply)
    if isinstance(reply, ShowChecklist):
        return "\n".join([f"Checklist — {reply.title}", *_checklist(reply.items)])
    if isinstance(reply, Attachment):
        return save_attachment(reply, export_dir)
    return ""


def save_attachment(reply: Attachment, folder: Path) -> str:
    """Write an export next to the user (the working folder), or in the data folder when that can't be
    written; never over an earlier file. Returns the line to print."""
    stem, dot, suffix = reply.filename.rpartition(".")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for place in (folder, default_data_dir() / "exports"):
        try:
            private_folder(place)
            for n in range(100):
                name = f"{stem}-{stamp}{f'-{n}' if n else ''}{dot}{suffix}"
                try:
                    write_private(place / name, reply.content)  # 0600: an export is the user's whole search
                    return f"Saved {name} to {place}"
                except FileExistsError:
                    continue
        except OSError:
            continue
    return f"I couldn't save {reply.filename} anywhere (the working folder and {default_data_dir()} refused)."


def _checklist(items: tuple[ChecklistLine, ...]) -> list[str]:
    return [f"  [{'x' if i.done else ' '}] {i.text}" for i in items]


def _plan(plan: ShowPlan) -> str:
    lines = [f"== Plan: {plan.title} ==", f"Action: {Action(plan.action).label}"]
    if plan.channels:
        lines.append("Channels: " + " → ".join(Channel(c).label for c in plan.channels))
    lines.append("Why:")
    lines += [f"  • {r}" for r in plan.reasoning]
    lines.append("Checklist:")
    lines += _checklist(plan.checklist)
    if plan.help_url:
        lines.append(f"A human coach could help ({'; '.join(plan.help_reasons)}): {plan.help_url}")
    return "\n".join(lines)


def _revision(rev: ShowRevision) -> str:
    """The draft's copy-ready text between two rule lines (nothing else inside them), then notes and actions."""
    draft = rev.draft
    head = f"--- {rev.title} · draft {rev.number}: {draft.kind.label} ({draft.channel.label}) ---"
    lines = [head, "", copy_text(draft), "", "-" * 3]
    if rev.findings:
        lines += [f"  ! {f.code}: {f.message}" for f in rev.findings]
    else:
        lines.append("  ✓ No problems found.")
    if rev.mailto:
        lines.append(f"Open in your mail app: {rev.mailto}")
    lines.append("What next?")
    lines += [f"  {i}. {o.label}" for i, o in enumerate(rev.actions, start=1)]
    return "\n".join(lines)
