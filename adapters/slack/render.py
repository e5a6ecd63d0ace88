"""Neutral replies → Block Kit: messages, the modal for a form, the App Home view.

Every piece of text that comes from a reply is escaped (`&`, `<`, `>`) before
it goes into mrkdwn, plain_text or a message's fallback `text`, so a company
named `<!channel>` shows as text and never pings; mrkdwn objects are
`verbatim` (no automatic linking of names, channels or URLs in user text).
Code blocks (drafts, exports) can't be closed from inside: adjacent backticks
are kept apart by a zero-width space. URLs (mailto:, the help link) go only
into a button's `url`. A text input's `initial_value` is not a text object
(Slack documents no markup or entity parsing for it), so it carries the text
as is. Nothing here calls Slack or decides anything about the roadmap: it lays
out what the core said, within Slack's size limits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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

Block = dict[str, Any]
SECTION_LIMIT = 2900  # Slack: 3000 characters per section text
LABEL_LIMIT = 75  # Slack: button text and option text
MAX_BUTTONS = 5  # more options than this become a static_select
BLOCKS_PER_MESSAGE = 45  # Slack: 50
INPUT_LIMIT = 3000  # Slack: plain_text_input max_length
ZWSP = "\u200b"
TOO_LONG_TO_PREFILL = ("Your draft is longer than Slack's form allows ({limit} characters), so it isn't filled in "
                       "here: paste the part you want to change, or a shorter version, and I'll check it.")


def escape(text: str) -> str:
    """Slack's escaping for any text we send: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Message:
    """One chat message: fallback text, blocks, and whether it belongs in the case's thread."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    case_id: str | None = None
    threaded: bool = False


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


def unfence(text: str) -> str:
    """`text` with a zero-width space between any two adjacent backticks, so no ``` can form inside it."""
    return re.sub("`(?=`)", "`" + ZWSP, text)


def fenced(piece: str) -> str:
    """A ``` block around `piece` (already escaped and unfenced); a backtick never touches the fence."""
    body = piece.strip("\n") or " "
    if body.startswith("`"):
        body = ZWSP + body
    if body.endswith("`"):
        body += ZWSP
    return f"```{body}```"


def sections(text: str, *, code: bool = False) -> list[Block]:
    """One or more mrkdwn sections holding `text` (escaped); `code=True` wraps each in ``` for copying."""
    if code:
        return [{"type": "section", "text": mrkdwn(fenced(piece))}
                for piece in chunks(unfence(text), SECTION_LIMIT - 8)]
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
    what = f"What to do: {reply.action.replace('_', ' ').capitalize()}"
    if reply.channels:
        what += "\nIn this order: " + " → ".join(c.capitalize() for c in reply.channels)
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


def show_revision(reply: ShowRevision) -> Message:
    """A numbered draft with its lint findings and its actions (a thread reply)."""
    draft = reply.draft
    kind = draft.kind.value.replace("_", " ").capitalize()
    head = f"Draft {reply.number}: {kind} by {draft.channel.value}"
    if reply.to_hint:
        head += f"\nTo: {reply.to_hint}"
    if draft.subject:
        head += f"\nSubject: {draft.subject}"
    blocks = [*sections(head), *sections(draft.body, code=True)]
    notes = [f"⚠ {f.message}" for f in reply.findings] or ["✓ No problems found in this draft."]
    blocks.append({"type": "context", "elements": [mrkdwn(next(chunks("\n".join(notes))))]})
    elements = [button(o, ids.choice(reply.case_id, f"rev:{reply.number}", o.value)) for o in reply.actions]
    if reply.mailto:
        elements.append({"type": "button", "text": plain("Open in mail app"), "url": reply.mailto,
                         "action_id": ids.link(reply.case_id, f"mailto:{reply.number}")})
    for start in range(0, len(elements), 25):
        blocks.append({"type": "actions", "elements": elements[start : start + 25]})
    return Message(_fallback(head), blocks, reply.case_id, threaded=True)


def show_checklist(reply: ShowChecklist) -> Message:
    text = f"Checklist: {reply.title}\n{checklist_text(reply.items)}"
    return Message(_fallback(f"Checklist: {reply.title}"), sections(text), reply.case_id)


def attachment(reply: Attachment) -> list[Message]:
    blocks = [{"type": "header", "text": plain(reply.filename, 150)}, *sections(reply.content, code=True)]
    return [Message(_fallback(reply.filename), blocks[i : i + BLOCKS_PER_MESSAGE])
            for i in range(0, len(blocks), BLOCKS_PER_MESSAGE)]


def render(reply: Reply) -> list[Message]:
    """The Slack messages for one neutral reply (usually one)."""
    if isinstance(reply, Attachment):
        return attachment(reply)
    renderers = {Say: say, Ask: ask, AskForm: ask_form, ShowPlan: show_plan, ShowRevision: show_revision,
                 ShowChecklist: show_checklist}
    message = renderers[type(reply)](reply)  # type: ignore[operator]
    if len(message.blocks) > BLOCKS_PER_MESSAGE:
        head, tail = message.blocks[:BLOCKS_PER_MESSAGE], message.blocks[BLOCKS_PER_MESSAGE:]
        return [Message(message.text, head, message.case_id, message.threaded),
                Message(message.text, tail, message.case_id, message.threaded)]
    return [message]


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
        "private_metadata": json.dumps(dict(metadata))[:3000],
        "blocks": blocks[:100],
    }


def home_view(cases: Sequence[CaseOverview]) -> dict[str, Any]:
    """The App Home tab: each case (newest first), where it stands, its checklist."""
    blocks: list[Block] = [{"type": "header", "text": plain("Exit Coach", 150)}]
    if not cases:
        blocks += sections("No cases yet. Type /withdraw to start one. Only you and the operator of this bot can "
                           "read what you tell it: /withdraw privacy says what is kept and for how long.")
    for case in cases[:20]:
        text = f"{case.title}\n{case.where}"
        if case.checklist:
            text += "\n" + checklist_text(case.checklist)
        blocks += sections(text)[:3]
        blocks.append({"type": "divider"})
    hint = "/withdraw — start or resume · /withdraw cases · /withdraw help · /withdraw privacy"
    blocks.append({"type": "context", "elements": [mrkdwn(escape(hint))]})
    return {"type": "home", "blocks": blocks[:100]}
