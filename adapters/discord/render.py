"""Neutral replies → Discord messages: text (≤2000 characters) and rows of buttons or selects.

Plain messages, not embeds: they read well on a phone and in notifications.
Every piece of text that comes from a reply is made safe first (`safe`):
markdown is escaped and mention syntax (`@everyone`, `@here`, `<@123>`,
`<@&123>`, `<#123>`, `</cmd:1>`) is broken with a zero-width space, so user text
can neither ping nor restyle — on top of `AllowedMentions.none()` on the client.
Button and select labels are not markdown: they only get mentions broken and
their length cut (`label`). A draft's copy-ready text is a message of its own,
sent exactly as written (no escaping, no zero-width characters: mentions are
already disabled on every message), so "Copy Text" gives the draft. Nothing
here calls Discord or decides anything about the roadmap; `components.py`
turns the rows into discord.ui.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from discord.utils import escape_markdown

from exit_coach.adapters.copy_ready import copy_text, mail_link
from exit_coach.adapters.discord import ids
from exit_coach.flow.replies import (
    Ask,
    AskForm,
    Attachment,
    ChecklistLine,
    Option,
    Reply,
    Say,
    ShowChecklist,
    ShowPlan,
    ShowRevision,
)
from exit_coach.model import Action, Channel, Draft

CONTENT_LIMIT = 2000  # Discord: message content
LABEL_LIMIT = 80  # Discord: button label
OPTION_LIMIT = 100  # Discord: select option label
PER_ROW = 5  # Discord: buttons per action row
MAX_ROWS = 5  # Discord: action rows per message
PER_SELECT = 25  # Discord: options per select
ZWSP = "\u200b"

_MENTION = re.compile(r"<(?=[@#/:]|a:|t:)")
_PING = re.compile(r"(?<!\w)@(?=everyone|here)")
"""`@everyone` / `@here` where they start a word; an address (`sam@heretech.io`) keeps no invisible character."""


@dataclass(frozen=True)
class Button:
    label: str
    custom_id: str
    style: str = ""


@dataclass(frozen=True)
class Select:
    custom_id: str
    options: tuple[tuple[str, str], ...]
    """(label, value) pairs."""


Row = tuple[Button, ...] | Select


@dataclass(frozen=True)
class File:
    filename: str
    content: str


@dataclass(frozen=True)
class Message:
    """One Discord message; `case_id` says which case's thread it belongs to."""

    content: str
    rows: tuple[Row, ...] = ()
    case_id: str | None = None
    file: File | None = None


def unping(text: str) -> str:
    """Break every mention syntax with a zero-width space; the text still reads the same."""
    return _PING.sub("@" + ZWSP, _MENTION.sub("<" + ZWSP, text))


def safe(text: str) -> str:
    """Text from a reply, ready for a message: markdown escaped, mentions broken."""
    return unping(escape_markdown(text))


def code_body(text: str) -> str:
    """Text for inside a code block: mentions broken, a zero-width space between any two adjacent backticks."""
    return re.sub("`(?=`)", "`" + ZWSP, unping(text))


def fence(body: str) -> str:
    """A ``` block around `body` (from `code_body`); a backtick never touches the fence."""
    if body.startswith("`"):
        body = ZWSP + body
    if body.endswith("`"):
        body += ZWSP
    return f"```\n{body}\n```"




def code(text: str) -> str:
    """A copy-ready code block that nothing inside can close; mentions broken too."""
    return fence(code_body(text))


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def label(text: str, limit: int = LABEL_LIMIT) -> str:
    """A button or option label: not markdown, so no escaping — only mentions broken and the length cut."""
    return cut(unping(text), limit)


def pieces(text: str, limit: int = CONTENT_LIMIT) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at line ends where possible."""
    out: list[str] = []
    piece = ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:
            if piece:
                out.append(piece)
                piece = ""
            out.append(line[:limit])
            line = line[limit:]
        if len(piece) + len(line) > limit:
            out.append(piece)
            piece = ""
        piece += line
    if piece or not out:
        out.append(piece or ZWSP)
    return out


def _style(option: Option) -> str:
    return option.style if option.style in ("primary", "danger") else ""


def choices(case_id: str | None, question: str, options: tuple[Option, ...]) -> tuple[Row, ...]:
    """Buttons, five to a row, for up to 25 options whose ids fit; selects of 25 otherwise."""
    button_ids = [ids.choice_raw(case_id, question, o.value) for o in options]
    if len(options) <= PER_ROW * MAX_ROWS and all(ids.fits(i) for i in button_ids):
        buttons = [Button(label(o.label), i, _style(o)) for o, i in zip(options, button_ids, strict=True)]
        return tuple(tuple(buttons[i : i + PER_ROW]) for i in range(0, len(buttons), PER_ROW))
    usable = [o for o in options if len(o.value) <= ids.MAX_OPTION_VALUE]
    rows: list[Row] = []
    for n, start in enumerate(range(0, min(len(usable), PER_SELECT * MAX_ROWS), PER_SELECT)):
        chunk = usable[start : start + PER_SELECT]
        rows.append(Select(ids.select(case_id, question, n),
                           tuple((label(o.label, OPTION_LIMIT), o.value) for o in chunk)))
    return tuple(rows)


def _split(content: str, rows: tuple[Row, ...], case_id: str | None) -> list[Message]:
    """One message, or several when the text is long; the components go on the last."""
    texts = pieces(content)
    out = [Message(t, (), case_id) for t in texts[:-1]]
    out.append(Message(texts[-1], rows, case_id))
    return out


LONG_TEXT = 3 * CONTENT_LIMIT
"""A Say longer than this (a long `history`) goes as a file with its first line as the message."""


def say(reply: Say) -> list[Message]:
    if len(reply.text) > LONG_TEXT:
        first = reply.text.splitlines()[0][:200] if reply.text.strip() else ""
        note = f"{safe(first)}\nThe whole text is in the attached file, as it is too long for a few messages."
        return [Message(note, (), reply.case_id, File("exit-coach-history.txt", reply.text))]
    return _split(safe(reply.text), (), reply.case_id)


def ask(reply: Ask) -> list[Message]:
    return _split(safe(reply.text), choices(reply.case_id, reply.question, reply.options), reply.case_id)


def ask_form(reply: AskForm) -> list[Message]:
    """The question and a "Fill in" button; the modal opens on click (see `components.modal`)."""
    text = f"**{safe(reply.title)}**\n{safe(reply.text)}" if reply.title else safe(reply.text)
    fill = Button("Fill in", ids.form(reply.case_id, reply.question), "primary")
    return _split(text, ((fill,),), reply.case_id)


def checklist_text(items: tuple[ChecklistLine, ...]) -> str:
    return "\n".join(f"{'☑' if i.done else '☐'} {safe(i.text)}" for i in items)


def show_plan(reply: ShowPlan) -> list[Message]:
    lines = [f"**Plan: {safe(reply.title)}**", f"What to do: {safe(Action(reply.action).label)}"]
    if reply.channels:
        lines.append("In this order: " + " → ".join(safe(Channel(c).label) for c in reply.channels))
    if reply.reasoning:
        lines += ["", "**Why**", *(f"• {safe(r)}" for r in reply.reasoning)]
    if reply.checklist:
        lines += ["", "**Checklist**", checklist_text(reply.checklist)]
    if reply.help_url:
        lines += ["", "You might want a human coach: " + "; ".join(safe(r) for r in reply.help_reasons),
                  f"<{reply.help_url}>"]
    return _split("\n".join(lines), (), reply.case_id)


def copy_messages(reply: ShowRevision) -> list[Message]:
    """The draft alone, exactly as the user pastes it: no header, no fences, no escaping, nothing invisible.

    Nothing in it can ping: the client sends every message with `AllowedMentions.none()`. Markdown in a
    draft may show styled, but "Copy Text" gives the characters as written. Past 2000 characters the draft
    continues in the next message, cut at a line end.
    """
    return [Message(p, (), reply.case_id) for p in pieces(copy_text(reply.draft))]


def revision_card(reply: ShowRevision) -> list[Message]:
    """Under the draft: which draft it is, lint notes, the mail link, and the action buttons.

    Discord's link buttons accept only http(s) URLs (a `mailto:` is refused with 400), so the mail link is
    a code line to copy, and only the 2000-character message limit bounds it: the whole draft goes in the
    link (alone in its own message when it doesn't fit beside the card). Only a link longer than a whole
    message is shortened, and then a warning says the link would send an incomplete draft.
    """
    draft = reply.draft
    head = f"**Draft {reply.number} (above): {safe(draft.kind.label)} ({safe(draft.channel.label)})**"
    if reply.to_hint:
        head += f" · to {safe(reply.to_hint)}"
    lines = [head, *([f"⚠ {safe(f.message)}" for f in reply.findings] or ["✓ No problems found in this draft."])]
    rows = choices(reply.case_id, f"rev:{reply.number}", reply.actions)
    link_lines = _mail_link_lines(draft) if reply.mailto else []
    together = "\n".join([*lines, *link_lines])
    if len(together) <= CONTENT_LIMIT:
        return _split(together, rows, reply.case_id)
    # the link is one fenced line: never split across messages, so it gets a message of its own
    return [Message("\n".join(link_lines), (), reply.case_id), *_split("\n".join(lines), rows, reply.case_id)]


MAIL_LINK_SHORTENED = (
    "⚠ Mail link, shortened: it holds only the start of the draft and would send it incomplete. "
    "Paste the full text from above instead:"
)
MAIL_LINK_LIMIT = CONTENT_LIMIT - len(MAIL_LINK_SHORTENED) - len(fence("")) - 1
"""The longest mail link that fits one message with its heading and fence."""


def _mail_link_lines(draft: Draft) -> list[str]:
    link = mail_link(draft.subject, draft.body, MAIL_LINK_LIMIT)
    if link is None:
        return ["The subject is too long for a mail link: copy the draft above."]
    return [MAIL_LINK_SHORTENED if link.shortened else "Mail link:", code(link.url)]


def show_revision(reply: ShowRevision) -> list[Message]:
    return [*copy_messages(reply), *revision_card(reply)]


def answered(record: str) -> str:
    """What an answered question's message becomes: one line, "✓ <the answer>", no buttons."""
    return cut(f"✓ {safe(record)}", CONTENT_LIMIT)


def refused(labels: dict[str, str], problems: dict[str, str]) -> str:
    """Why a form was not taken, field by field, and how to get it back with what was typed."""
    lines = [f"**{safe(labels.get(name, name))}**: {safe(problem)}" for name, problem in problems.items()]
    lines.append("Nothing was saved. Press Fill in to reopen the form with what you typed.")
    return cut("\n".join(lines), CONTENT_LIMIT)


def show_checklist(reply: ShowChecklist) -> list[Message]:
    return _split(f"**Checklist: {safe(reply.title)}**\n{checklist_text(reply.items)}", (), reply.case_id)


def attachment(reply: Attachment) -> list[Message]:
    return [Message(f"Your file: {safe(reply.filename)}", (), None, File(reply.filename, reply.content))]


def render(reply: Reply) -> list[Message]:
    """The Discord messages for one neutral reply (usually one)."""
    renderers = {Say: say, Ask: ask, AskForm: ask_form, ShowPlan: show_plan, ShowRevision: show_revision,
                 ShowChecklist: show_checklist, Attachment: attachment}
    return renderers[type(reply)](reply)  # type: ignore[operator]
