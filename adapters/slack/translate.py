"""Slack payloads in, neutral events out: `(UserKey, Event, event_id)` plus where the user acted.

Pure functions of the request body Bolt hands to a listener; no Web API calls,
no database. Text arriving from Slack is Slack markup: links the client made
of what the user typed (`<https://x|x>`, `<mailto:a@b|a@b>`) become their text
again, mention tokens (`<@U1>`, `<#C1>`, `<!here>`) stay as literal text, and
entities (`&lt;`) are unescaped once, so the core sees what the user typed;
`render` escapes it again on the way out.

Text typed in a thread of the user's DM names that thread (`thread_ref`); the
app asks the coach which case lives there and answers it (`in_case`).

Event ids make retried or duplicated deliveries take effect once:
Events API `event_id`; a click `act:{message_ts}:{action_ts}`; a slash command
`cmd:{trigger_id}`; a modal submission `view:{view id}:{hash}`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exit_coach.adapters.slack import ids
from exit_coach.flow.events import GLOBAL_COMMANDS, Choose, Command, Event, Start, SubmitForm, Text
from exit_coach.service import UserKey
from exit_coach.text import is_blank

PLATFORM = "slack"
Body = Mapping[str, Any]


@dataclass(frozen=True)
class Origin:
    """Where the user acted, so replies go back to the right place."""

    channel: str | None
    """The channel (or DM) of the command, click, form button or message."""
    thread_ts: str | None = None
    response_url: str | None = None
    kind: str = "action"
    """"command", "action", "view" or "message" (a message event comes from the user's own DM)."""


@dataclass(frozen=True)
class Incoming:
    """One neutral event for the coach, with its dedupe id and origin."""

    key: UserKey
    event: Event
    event_id: str | None
    origin: Origin


@dataclass(frozen=True)
class OpenForm:
    """A click on "Fill in": open the modal for `question` of `case_id` with this trigger."""

    key: UserKey
    case_id: str | None
    question: str
    trigger_id: str
    origin: Origin


def unescape(text: str) -> str:
    """Undo Slack's escaping of `<`, `>`, `&` in text it delivers."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_MARKUP = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def _link_text(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target[:1] in ("@", "#", "!"):  # a mention: keep it as the user's literal text (escaped on the way out)
        return match.group(0)
    return label if label else target


def plain_text(text: str) -> str:
    """What the user typed, from Slack's message markup: `<url|label>` → label, `<url>` → url, then entities.

    Links are resolved before unescaping, so a `<` the user typed (delivered as `&lt;`) never looks like one.
    """
    return unescape(_MARKUP.sub(_link_text, text))


def _team(body: Body) -> str:
    team = body.get("team")
    if isinstance(team, Mapping) and team.get("id"):
        return str(team["id"])
    user = body.get("user")
    if isinstance(user, Mapping) and user.get("team_id"):
        return str(user["team_id"])
    return str(body.get("team_id") or "")


def foreign(team: str | None, ours: str | None) -> bool:
    """True when a payload names a workspace and it isn't the one our token belongs to."""
    return bool(team and ours and team != ours)


def key_of(team: str, user: str) -> UserKey:
    return UserKey(platform=PLATFORM, workspace=team, user=user)


def command(body: Body) -> Incoming:
    """`/withdraw [start|new|cases|history|export|forget|faq|help|...]` → Start or Command."""
    text = plain_text(str(body.get("text") or "")).strip()
    word, _, arg = text.partition(" ")
    word = word.lower()
    event: Event
    if word in ("", "start"):
        event = Start()
    elif word == "new":
        event = Start(new=True)
    elif word in GLOBAL_COMMANDS:
        event = Command(word, arg.strip())
    else:
        event = Command(word[:40], arg.strip())
    origin = Origin(channel=body.get("channel_id"), response_url=body.get("response_url"), kind="command")
    trigger = body.get("trigger_id")
    return Incoming(key_of(_team(body), str(body.get("user_id") or "")), event,
                    f"cmd:{trigger}" if trigger else None, origin)


def _container(body: Body) -> tuple[str | None, str | None, str | None]:
    """(channel, message ts, thread ts) of the message holding the clicked element."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or message.get("ts")
    thread = container.get("thread_ts") or message.get("thread_ts")
    return channel, ts, thread


def action(body: Body) -> Incoming | OpenForm | None:
    """A `block_actions` payload → a Choose, an OpenForm, or None (a link button, not ours)."""
    actions = body.get("actions") or []
    if not actions:
        return None
    act = actions[0]
    parsed = ids.parse(str(act.get("action_id") or ""))
    if parsed is None or parsed.kind == ids.LINK:
        return None
    user = str((body.get("user") or {}).get("id") or "")
    key = key_of(_team(body), user)
    channel, message_ts, thread_ts = _container(body)
    origin = Origin(channel=channel, thread_ts=thread_ts, response_url=body.get("response_url"))
    if parsed.kind == ids.FORM:
        return OpenForm(key, parsed.case_id, parsed.question, str(body.get("trigger_id") or ""), origin)
    if parsed.kind != ids.CHOICE:
        return None
    value = parsed.value
    if act.get("type") == "static_select":
        value = str(((act.get("selected_option") or {}).get("value")) or "")
    if not value:
        return None
    stamp = act.get("action_ts") or ""
    event_id = f"act:{message_ts}:{stamp}" if message_ts or stamp else None
    return Incoming(key, Choose(value, parsed.question, parsed.case_id), event_id, origin)


def form_values(view: Body) -> dict[str, str]:
    """The submitted text of every input block, by block_id (our field names)."""
    values: dict[str, str] = {}
    state = ((view.get("state") or {}).get("values")) or {}
    for block_id, elements in state.items():
        for element in (elements or {}).values():
            values[str(block_id)] = unescape(str(element.get("value") or ""))
    return values


def form_errors(view: Body) -> dict[str, str]:
    """Required and length checks at the boundary, as modal errors by block_id; empty when fine."""
    values = form_values(view)
    errors: dict[str, str] = {}
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        block_id = str(block.get("block_id") or "")
        value = values.get(block_id, "").strip()
        limit = (block.get("element") or {}).get("max_length")
        if is_blank(value) and not block.get("optional", False):  # zero-width spaces alone are no answer
            errors[block_id] = "Please fill this in."
        elif limit and len(value) > int(limit):
            errors[block_id] = f"Please keep it under {int(limit)} characters."
    return errors


def metadata(view: Body) -> dict[str, str]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def submission(body: Body) -> Incoming | None:
    """A `view_submission` of one of our modals → SubmitForm; None when the view isn't ours."""
    view = body.get("view") or {}
    parsed = ids.parse(str(view.get("callback_id") or ""))
    if parsed is None or parsed.kind != ids.VIEW:
        return None
    user = str((body.get("user") or {}).get("id") or "")
    meta = metadata(view)
    origin = Origin(channel=meta.get("channel"), thread_ts=meta.get("thread_ts") or None, kind="view")
    event = SubmitForm(parsed.question, form_values(view), parsed.case_id)
    view_id, view_hash = view.get("id"), view.get("hash")
    event_id = f"view:{view_id}:{view_hash}" if view_id else None
    return Incoming(key_of(_team(body), user), event, event_id, origin)


def message(body: Body) -> Incoming | None:
    """A `message.im` event from a person → Text; None for edits, bots and other channels."""
    event = body.get("event") or {}
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return None
    user, text = event.get("user"), event.get("text")
    if not user or text is None:
        return None
    team = str(event.get("team") or body.get("team_id") or "")
    origin = Origin(channel=event.get("channel"), thread_ts=event.get("thread_ts"), kind="message")
    return Incoming(key_of(team, str(user)), Text(plain_text(str(text))), body.get("event_id"), origin)


def thread_ref(incoming: Incoming) -> str | None:
    """`"{channel}:{thread_ts}"` when DM text was typed inside a thread (the reference `Coach.set_thread` keeps)."""
    origin = incoming.origin
    if origin.kind != "message" or not isinstance(incoming.event, Text) or not origin.channel or not origin.thread_ts:
        return None
    return f"{origin.channel}:{origin.thread_ts}"


def in_case(incoming: Incoming, case_id: str | None) -> Incoming:
    """The same text, now answering `case_id` (the case whose thread it was typed in); unchanged for None."""
    if case_id is None or not isinstance(incoming.event, Text):
        return incoming
    return dataclasses.replace(incoming, event=Text(incoming.event.text, case_id=case_id))


def home_opened(body: Body) -> UserKey | None:
    """An `app_home_opened` event on the Home tab → whose home to publish."""
    event = body.get("event") or {}
    if event.get("tab", "home") != "home" or not event.get("user"):
        return None
    return key_of(str(body.get("team_id") or ""), str(event["user"]))
