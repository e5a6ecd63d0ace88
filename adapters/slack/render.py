"""Neutral replies → Block Kit: messages, the modal for a form, the App Home view.

Every piece of text that comes from a reply is escaped (`&`, `<`, `>`) before
it goes into mrkdwn, plain_text or a message's fallback `text`, so a company
named `<!channel>` shows as text and never pings; mrkdwn objects are
`verbatim` (no automatic linking of names, channels or URLs in user text).
A draft's copy-ready text is a plain message of its own (`mrkdwn` off, no
blocks), so a copy gives exactly the draft: no fences, no invisible characters;
exports and long histories go as files. URLs (mailto:, the help link) go only
into a button's `url`. A text input's `initial_value` is not a text object
(Slack documents no markup or entity parsing for it), so it carries the text
as is. Nothing here calls Slack or decides anything about the roadmap: it lays
out what the core said, within Slack's size limits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from exit_coach.adapters.copy_ready import copy_text
from exit_coach.adapters.slack import ids
from exit_coach.flow.replies import (
    Ask,
    AskForm,
    Attachment,
    CaseOverview,
    ChecklistLine,
    Option,
    Reply,
    Say,
    ShowChecklist,
    ShowPlan,
    ShowRevision,
)
from exit_coach.model import Action, Channel

Block = dict[str, Any]
SECTION_LIMIT = 2900  # Slack: 3000 characters per section text
LABEL_LIMIT = 75  # Slack: button text and option text
MAX_BUTTONS = 5  # more options than this become a static_select
BLOCKS_PER_MESSAGE = 45  # Slack: 50
INPUT_LIMIT = 3000  # Slack: plain_text_input max_length
TOO_LONG_TO_PREFILL = ("Your draft is longer than Slack's form allows ({limit} characters), so it isn't filled in "
                       "here: paste the part you want to change, or a shorter version, and I'll check it.")


def escape(text: str) -> str:
    """Slack's escaping for any text we send: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Message:
    """One chat message: fallback text, blocks, and whether it belongs in the case's thread.

    A draft's copy-ready text is a message of its own: `text` only, no blocks, `mrkdwn=False` (Slack formats
    nothing in it, so a long-press copy gives exactly the draft). `revision` marks that message with the
    draft's number, so `deliver` can make it visible from the DM's main view (see `deliver.Outbox`).
    """

    text: str
    blocks: list[Block] = field(default_factory=list)
    case_id: str | None = None
    threaded: bool = False
    mrkdwn: bool = True
    revision: int = 0
    title: str = ""


@dataclass(frozen=True)
class Upload:
    """A file for the user (`files_upload_v2`) with a short summary posted beside it."""

    filename: str
    content: str
    summary: str


def cut(value: str, limit: int) -> str:
    """`value` (already escaped) shortened to `limit` characters, never inside an entity such as `&amp;`."""
    if len(value) <= limit:
        return value
    end = limit - 1
    amp = value.rfind("&", max(0, end - 4), end)
    if amp != -1 and ";" not in value[amp:end]:
        end = amp
    return value[:end] + "…"


def plain(text: str, limit: int = LABEL_LIMIT) -> dict[str, Any]:
    """A plain_text object, escaped and cut to `limit` characters."""
    return {"type": "plain_text", "text": cut(escape(text), limit) or " ", "emoji": True}


def chunks(text: str, limit: int = SECTION_LIMIT) -> Iterator[str]:
    """Escaped pieces of `text`, each at most `limit` characters, cut at line ends where possible."""
    piece = ""
    for line in text.splitlines(keepends=True):
        escaped = escape(line)
        while len(escaped) > limit:  # a very long line: cut between characters, never inside an entity
            end = limit
            amp = escaped.rfind("&", limit - 4, limit)
            if amp != -1 and ";" not in escaped[amp:limit]:
                end = amp
            if piece:
                yield piece
                piece = ""
            yield escaped[:end]
            escaped = escaped[end:]
        if len(piece) + len(escaped) > limit:
            yield piece
            piece = ""
        piece += escaped
    if piece or not text:
        yield piece or " "


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn object for text already escaped; `verbatim` so Slack links nothing in it on its own."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def sections(text: str) -> list[Block]:
    """One or more mrkdwn sections holding `text` (escaped)."""
    return [{"type": "section", "text": mrkdwn(piece)} for piece in chunks(text, SECTION_LIMIT)]


def _fallback(text: str) -> str:
    return escape(text[:300])


def button(option: Option, action_id: str) -> Block:
    element: Block = {"type": "button", "text": plain(option.label), "action_id": action_id, "value": option.value}
    if option.style in ("primary", "danger"):
        element["style"] = option.style
    return element


def choices(case_id: str | None, question: str, options: tuple[Option, ...], *, select: bool | None = None) -> Block:
    """An actions block: buttons for up to five options, a static_select beyond."""
    if select is None:
        select = len(options) > MAX_BUTTONS
    if select:
        menu = {
            "type": "static_select",
            "action_id": ids.choice(case_id, question),
            "placeholder": plain("Choose…"),
            "options": [{"text": plain(o.label), "value": o.value} for o in options[:100]],
        }
        return {"type": "actions", "elements": [menu]}
    return {"type": "actions", "elements": [button(o, ids.choice(case_id, question, o.value)) for o in options]}


def say(reply: Say) -> Message:
    return Message(_fallback(reply.text), sections(reply.text), reply.case_id)


def ask(reply: Ask) -> Message:
    blocks = [*sections(reply.text), choices(reply.case_id, reply.question, reply.options)]
    return Message(_fallback(reply.text), blocks, reply.case_id)


def ask_form(reply: AskForm) -> Message:
    """The question and a "Fill in" button; the modal itself opens on click (see `modal`)."""
    text = f"{reply.title}\n{reply.text}" if reply.title else reply.text
    blocks = sections(text)
    fill = {"type": "button", "text": plain("Fill in"), "style": "primary",
            "action_id": ids.form(reply.case_id, reply.question), "value": reply.question}
    blocks.append({"type": "actions", "elements": [fill]})
    return Message(_fallback(text), blocks, reply.case_id)


def checklist_text(items: tuple[ChecklistLine, ...]) -> str:
    return "\n".join(f"{'☑' if i.done else '☐'} {i.text}" for i in items)


def show_plan(reply: ShowPlan) -> Message:
    blocks: list[Block] = [{"type": "header", "text": plain(f"Plan: {reply.title}", 150)}]
    what = f"What to do: {Action(reply.action).label}"
    if reply.channels:
        what += "\nIn this order: " + " → ".join(Channel(c).label for c in reply.channels)
    blocks += sections(what)
    if reply.reasoning:
        blocks += sections("Why:\n" + "\n".join(f"• {r}" for r in reply.reasoning))
    if reply.checklist:
        blocks += sections("Checklist:\n" + checklist_text(reply.checklist))
    if reply.help_url:
        blocks += sections("You might want a human coach: " + "; ".join(reply.help_reasons))
        link = {"type": "button", "text": plain("Talk to a person"), "url": reply.help_url,
                "action_id": ids.link(reply.case_id, "help")}
        blocks.append({"type": "actions", "elements": [link]})
    return Message(_fallback(f"Plan: {reply.title}"), blocks, reply.case_id)


def copy_message(reply: ShowRevision) -> Message:
    """The draft alone, as the user pastes it: plain message text, escaped, formatted by nothing."""
    return Message(escape(copy_text(reply.draft)), [], reply.case_id, threaded=True, mrkdwn=False,
                   revision=reply.number, title=reply.title)


def revision_card(reply: ShowRevision) -> Message:
    """Under the draft: which draft it is, its lint notes, and its actions (and the mail link)."""
    draft = reply.draft
    head = f"Draft {reply.number} (above): {draft.kind.label} ({draft.channel.label})"
    if reply.to_hint:
        head += f" · to {reply.to_hint}"
    blocks = sections(head)
    notes = [f"⚠ {f.message}" for f in reply.findings] or ["✓ No problems found in this draft."]
    blocks.append({"type": "context", "elements": [mrkdwn(next(chunks("\n".join(notes))))]})
    elements = [button(o, ids.choice(reply.case_id, f"rev:{reply.number}", o.value)) for o in reply.actions]
    if reply.mailto:
        elements.append({"type": "button", "text": plain("Open in mail app"), "url": reply.mailto,
                         "action_id": ids.link(reply.case_id, f"mailto:{reply.number}")})
    for start in range(0, len(elements), 25):
        blocks.append({"type": "actions", "elements": elements[start : start + 25]})
    return Message(_fallback(head), blocks, reply.case_id, threaded=True)


def answered(record: str) -> tuple[str, list[Block]]:
    """(text, blocks) of a question once answered: one line, "✓ <the answer>", no buttons."""
    line = cut(escape(f"✓ {record}"), 150)
    return line, [{"type": "context", "elements": [mrkdwn(line)]}]


def pointer(title: str, number: int, permalink: str) -> tuple[str, list[Block]]:
    """A one-line note in the DM's main view linking to a draft posted in its case's thread."""
    line = f"{escape(f'Draft {number} for {title} is ready in its thread:')} <{permalink}|open draft {number}>"
    return line, [{"type": "section", "text": {"type": "mrkdwn", "text": line}}]


def show_checklist(reply: ShowChecklist) -> Message:
    text = f"Checklist: {reply.title}\n{checklist_text(reply.items)}"
    return Message(_fallback(f"Checklist: {reply.title}"), sections(text), reply.case_id)


def attachment(reply: Attachment) -> Upload:
    kb = max(1, round(len(reply.content.encode()) / 1024))
    return Upload(reply.filename, reply.content, f"Your file: {reply.filename} ({kb} KB).")


LONG_TEXT = 3 * SECTION_LIMIT
"""A Say longer than this (a long `history`) goes as a file with its first lines as the summary."""


def long_say(reply: Say) -> Upload:
    first = reply.text.splitlines()[0] if reply.text else ""
    return Upload("exit-coach-history.txt", reply.text,
                  f"{first[:200]}\nThe whole text is in the attached file, as it is too long for one message.")


def render(reply: Reply) -> list[Message | Upload]:
    """The Slack messages (or files) for one neutral reply (usually one)."""
    if isinstance(reply, Attachment):
        return [attachment(reply)]
    if isinstance(reply, ShowRevision):
        return [copy_message(reply), revision_card(reply)]
    if isinstance(reply, Say) and len(reply.text) > LONG_TEXT:
        return [long_say(reply)]
    renderers = {Say: say, Ask: ask, AskForm: ask_form, ShowPlan: show_plan, ShowChecklist: show_checklist}
    message = renderers[type(reply)](reply)  # type: ignore[operator]
    if len(message.blocks) > BLOCKS_PER_MESSAGE:
        head, tail = message.blocks[:BLOCKS_PER_MESSAGE], message.blocks[BLOCKS_PER_MESSAGE:]
        return [Message(message.text, head, message.case_id, message.threaded),
                Message(message.text, tail, message.case_id, message.threaded)]
    return [message]


KINDS = "kinds"
"""private_metadata key: the fields whose value must look like an email or a phone ("email:email,phone:phone")."""


def _kinds(form: AskForm) -> str:
    return ",".join(f"{f.name}:{f.kind}" for f in form.fields if f.kind)


def modal(form: AskForm, *, metadata: Mapping[str, str]) -> dict[str, Any]:
    """The modal for a form: one input block per field (block_id = field name, action_id "value").

    A prefilled value is never cut: one longer than the input allows is left out, with a note saying so.
    """
    blocks: list[Block] = sections(form.text) if form.text else []
    for f in form.fields:
        limit = max(1, min(f.max_length, INPUT_LIMIT))
        element: Block = {"type": "plain_text_input", "action_id": "value", "multiline": f.multiline,
                          "max_length": limit}
        if f.initial and len(f.initial) <= limit:
            element["initial_value"] = f.initial
        elif f.initial:
            blocks += sections(TOO_LONG_TO_PREFILL.format(limit=limit))
        block: Block = {"type": "input", "block_id": f.name, "optional": not f.required,
                        "label": plain(f.label, 2000), "element": element}
        if f.hint:
            block["hint"] = plain(f.hint, 2000)
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": ids.view(form.case_id, form.question),
        "title": plain(form.title or "Exit Coach", 24),
        "submit": plain(form.submit_label or "Save", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({**metadata, KINDS: _kinds(form)})[:3000],
        "blocks": blocks[:100],
    }


HOME = "home"
"""The question id of the App Home's own buttons (`translate.action` turns them into Start / Command)."""
WELCOME = ("Hi, I'm Exit Coach. I help you leave a hiring process well: a few short questions, a plan, and a "
           "message you can send. Only you and the operator of this bot can read what you tell me (`privacy` says "
           "more). Type `start` here (or /withdraw anywhere) to begin.")


def home_view(cases: Sequence[CaseOverview], links: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The App Home tab as a dashboard: start a case, each case (newest first) with where it stands, a button
    to resume it and a link to its thread, and the check-in settings."""
    links = links or {}
    start = {"type": "button", "text": plain("Start a case"), "style": "primary",
             "action_id": ids.choice(None, HOME, "new"), "value": "new"}
    settings = {"type": "button", "text": plain("Check-in settings"), "action_id": ids.choice(None, HOME, "settings"),
                "value": "settings"}
    blocks: list[Block] = [{"type": "header", "text": plain("Exit Coach", 150)},
                           {"type": "actions", "elements": [start, settings]}]
    if not cases:
        blocks += sections("No cases yet. Start one here or type /withdraw. Only you and the operator of this bot "
                           "can read what you tell it: /withdraw privacy says what is kept and for how long.")
    for case in cases[:15]:
        text = f"*{escape(case.title)}*\n{escape(case.where)}"
        done = sum(line.done for line in case.checklist)
        if case.checklist:
            text += escape(f"\nChecklist: {done} of {len(case.checklist)} done")
        if case.case_id in links:
            text += f"\n<{links[case.case_id]}|Open its thread>"
        resume = {"type": "button", "text": plain("Resume"), "action_id": ids.choice(None, "cases", case.case_id),
                  "value": case.case_id}
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": cut(text, SECTION_LIMIT)},
                       "accessory": resume})
        blocks.append({"type": "divider"})
    hint = "/withdraw — start or resume · /withdraw cases · /withdraw help · /withdraw privacy"
    blocks.append({"type": "context", "elements": [mrkdwn(escape(hint))]})
    return {"type": "home", "blocks": blocks[:100]}
