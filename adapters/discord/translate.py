"""Discord payloads in, neutral events out: `Incoming(key, event, event_id)`.

Pure functions of ids, strings and the raw `interaction.data` dict; no REST
calls, no database, no discord.py objects. Every user is keyed by
`UserKey("discord", "", user_id)`: Discord user ids are global, and one
conversation must continue in the DM whether it began in a guild or there,
so the guild never enters the key.

DMs have no threads: a case's messages reply to its first message (the root,
recorded as "channel:message"). Text the user sends as a reply to that root
names it (`reply_ref`) and answers that case (`in_case`), not the active one.

Event ids make re-delivered events and double-submitted interactions take
effect once: `int:{interaction id}` for commands, clicks and modal submits,
`msg:{message id}` for DM text.

`interaction.data` is read defensively: a field of the wrong type (a `values`
that is not a list, a component that is not an object, a missing custom_id)
makes the payload "not ours" (None), never an exception.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from exit_coach.adapters.discord import ids
from exit_coach.flow.events import GLOBAL_COMMANDS, Choose, Command, Event, Start, SubmitForm, Text
from exit_coach.service import UserKey
from exit_coach.text import is_blank

PLATFORM = "discord"
SUBCOMMANDS: tuple[str, ...] = ("start", "new", "cases", "history", "export", "forget", "faq", "help", "status",
                                "settings", "closeout", "reopen", "privacy")
BOT_DM_CONTEXT = 1  # interaction `context`: 0 guild, 1 the bot's DM, 2 a private channel
DM_CHANNEL_TYPE = 1


@dataclass(frozen=True)
class Incoming:
    """One neutral event for the coach, with its dedupe id."""

    key: UserKey
    event: Event
    event_id: str | None


@dataclass(frozen=True)
class OpenForm:
    """A click on "Fill in": answer with the modal for `question` of `case_id` (within 3 s)."""

    key: UserKey
    case_id: str | None
    question: str


def key_of(user_id: int | str) -> UserKey:
    """The coach's key for a Discord user: no workspace, whatever guild they came from."""
    return UserKey(platform=PLATFORM, workspace="", user=str(user_id))


def in_bot_dm(context: int | None, channel_type: int | None) -> bool:
    """Whether an interaction happened in the user's DM with the bot (never a guild or group channel)."""
    if context is not None:
        return context == BOT_DM_CONTEXT
    return channel_type == DM_CHANNEL_TYPE


def command(user_id: int | str, subcommand: str | None, interaction_id: int | str, locale: str = "") -> Incoming:
    """`/withdraw [subcommand]` → Start, Start(new=True) or Command(name).

    `locale` is the interaction's `locale` (the user's client language, e.g. "de" or "es-ES"): a Start
    carries it, so a new case offers that language first for the drafts.
    """
    word = (subcommand or "start").strip().lower()
    event: Event
    if word == "start":
        event = Start(locale=locale)
    elif word == "new":
        event = Start(new=True, locale=locale)
    elif word in GLOBAL_COMMANDS:
        event = Command(word)
    else:
        event = Command(word[:40])
    return Incoming(key_of(user_id), event, f"int:{interaction_id}")


def component(user_id: int | str, data: Mapping[str, Any], interaction_id: int | str) -> Incoming | OpenForm | None:
    """A button or select click (`interaction.data`) → Choose, OpenForm, or None when it isn't ours."""
    if not isinstance(data, Mapping) or not isinstance(data.get("custom_id"), str):
        return None
    parsed = ids.parse(data["custom_id"])
    if parsed is None or parsed.kind == ids.VIEW:
        return None
    key = key_of(user_id)
    if parsed.kind == ids.FORM:
        return OpenForm(key, parsed.case_id, parsed.question)
    value = parsed.value
    if parsed.select:
        values = data.get("values")
        value = values[0] if isinstance(values, list | tuple) and values and isinstance(values[0], str) else ""
    if not value:
        return None
    return Incoming(key, Choose(value, parsed.question, parsed.case_id), f"int:{interaction_id}")


def _inputs(components: Sequence[Mapping[str, Any]]) -> Iterator[tuple[str, str]]:
    """(custom_id, value) of every text input in a modal submission, rows and labels included."""
    if not isinstance(components, list | tuple):
        return
    for comp in components:
        if not isinstance(comp, Mapping):
            continue
        if comp.get("type") == 1:
            yield from _inputs(comp.get("components") or [])
        elif comp.get("type") == 18 and isinstance(comp.get("component"), Mapping):
            yield from _inputs([comp["component"]])
        elif isinstance(comp.get("custom_id"), str) and isinstance(comp.get("value"), str | None):
            yield comp["custom_id"], comp.get("value") or ""


def submission(user_id: int | str, data: Mapping[str, Any], interaction_id: int | str) -> Incoming | None:
    """A modal submit (`interaction.data`) → SubmitForm; None when the modal isn't ours."""
    if not isinstance(data, Mapping) or not isinstance(data.get("custom_id"), str):
        return None
    parsed = ids.parse(data["custom_id"])
    if parsed is None or parsed.kind != ids.VIEW:
        return None
    values = dict(_inputs(data.get("components") or []))
    return Incoming(key_of(user_id), SubmitForm(parsed.question, values, parsed.case_id), f"int:{interaction_id}")


def message(author_id: int | str, content: str, message_id: int | str) -> Incoming | None:
    """Text a person typed in their DM with the bot → Text; None for an empty message (a sticker, a file)."""
    if not isinstance(content, str) or is_blank(content):
        return None
    return Incoming(key_of(author_id), Text(content), f"msg:{message_id}")


def reply_ref(channel_id: int | str, replied_to: int | str | None) -> str | None:
    """`"{channel}:{message}"` of the message a DM replies to (a case's root has this reference); else None."""
    return f"{channel_id}:{replied_to}" if replied_to else None


def in_case(incoming: Incoming, case_id: str | None) -> Incoming:
    """The same text, now answering `case_id` (the case whose root it replies to); unchanged for None."""
    if case_id is None or not isinstance(incoming.event, Text):
        return incoming
    return dataclasses.replace(incoming, event=Text(incoming.event.text, case_id=case_id))
