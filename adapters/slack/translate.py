"""Slack payloads in, neutral events out: `(UserKey, Event, event_id)` plus where the user acted.

Pure functions of the request body Bolt hands to a listener; no Web API calls,
no database. Text arriving from Slack is Slack markup: links the client made
of what the user typed (`<https://x|x>`, `<mailto:a@b|a@b>`) become their text
again, mention tokens (`<@U1>`, `<#C1>`, `<!here>`) stay as literal text, and
entities (`&lt;`) are unescaped once, so the core sees what the user typed;
`render` escapes it again on the way out.

Text typed in a thread of the user's DM names that thread (`thread_ref`); the
coach resolves which case lives there inside the step's own transaction.

Event ids make retried or duplicated deliveries take effect once:
Events API `event_id`; a click `act:{message_ts}:{action_ts}`; a slash command
`cmd:{trigger_id}`; a modal submission `view:{view id}:{hash}`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exit_coach.adapters.slack import ids
from exit_coach.flow.events import GLOBAL_COMMANDS, Choose, Command, Event, Start, SubmitForm, Text
from exit_coach.flow.forms import form_problems
from exit_coach.flow.replies import FormField
from exit_coach.service import UserKey

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
    message_ts: str | None = None
    """The message holding the clicked button (or the "Fill in" that opened the form): collapsed once answered."""
    ephemeral: bool = False
    """Whether that message is ephemeral (only its `response_url` can replace it)."""
    record: str = ""
    """The answer in a few words ("After the final interview"), for the one-line record left in its place."""


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


def user_locale(users_info: Mapping[str, Any]) -> str:
    """The user's locale from a `users.info` answer ("es-ES"); "" when absent.

    Slack includes `user.locale` only when `users.info` is called with `include_locale=true`.
    """
    user = users_info.get("user")
    locale = user.get("locale") if isinstance(user, Mapping) else None
    return locale[:20] if isinstance(locale, str) else ""


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


def _label(act: Body) -> str:
    """The clicked button's text, or the picked option's."""
    text = act.get("text") if act.get("type") == "button" else (act.get("selected_option") or {}).get("text")
    return unescape(str((text or {}).get("text") or "")) if isinstance(text, Mapping) else ""


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
    ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
    origin = Origin(channel=channel, thread_ts=thread_ts, response_url=body.get("response_url"),
                    message_ts=message_ts, ephemeral=ephemeral, record=_label(act))
    if parsed.kind == ids.FORM:
        return OpenForm(key, parsed.case_id, parsed.question, str(body.get("trigger_id") or ""), origin)
    if parsed.kind != ids.CHOICE:
        return None
    if parsed.question == "home":  # the App Home's own buttons
        home: Event = Start(new=True) if parsed.value == "new" else Command("settings")
        return Incoming(key, home, f"act:home:{act.get('action_ts') or ''}", origin)
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


def form_fields(view: Body) -> list[FormField]:
    """The fields of one of our modals, rebuilt from its input blocks and the kinds in its metadata."""
    kinds = dict(pair.partition(":")[::2] for pair in metadata(view).get("kinds", "").split(",") if ":" in pair)
    fields = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        name = str(block.get("block_id") or "")
        element = block.get("element") or {}
        fields.append(FormField(name, name, required=not block.get("optional", False),
                                multiline=bool(element.get("multiline")),
                                max_length=int(element.get("max_length") or 3000), kind=kinds.get(name, "")))
    return fields


def form_errors(view: Body) -> dict[str, str]:
    """Each field's problem (required, length, control characters, email/phone shape) by block_id.

    Answered in the `view_submission` ack as `response_action: errors`, so the modal stays open with what
    was typed and the message under the field that needs fixing; empty when every field can be taken.
    """
    return form_problems(form_fields(view), form_values(view))


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
    values = form_values(view)
    record = " · ".join(v.strip().splitlines()[0] for v in values.values() if v.strip()) or "Saved"
    origin = Origin(channel=meta.get("channel"), thread_ts=meta.get("thread_ts") or None, kind="view",
                    message_ts=meta.get("message_ts") or None, record=record[:140])
    event = SubmitForm(parsed.question, values, parsed.case_id)
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


def home_opened(body: Body) -> tuple[UserKey, str, str] | None:
    """An `app_home_opened` event → (whose, which tab: "home" or "messages", the DM channel)."""
    event = body.get("event") or {}
    if event.get("tab", "home") not in ("home", "messages") or not event.get("user"):
        return None
    return key_of(str(body.get("team_id") or ""), str(event["user"])), str(event.get("tab", "home")), \
        str(event.get("channel") or "")
