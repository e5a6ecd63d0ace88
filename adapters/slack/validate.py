"""The shape of a Slack request body, checked before Bolt or `translate` reads it.

Slack's payloads are JSON whose fields Bolt's context builder, its listener
matchers and our `translate` read without asking (`body["user"]["id"]`,
`action["action_id"]`): a payload whose `user` is a string or whose `actions`
is empty would end in a traceback and an HTTP 500. `refusal(body)` says why a
parsed body can't be one Slack sends (a short code for the log, never a
value), checking the type of every field anyone downstream reads; `guard`
wraps the WSGI application so such a request gets `400 {"error": "malformed
payload"}` and changes nothing. Bodies it can't parse (bad JSON, bad UTF-8,
oversized) are passed through untouched: those are the HTTP layer's to refuse.
It does not verify signatures (Bolt does, for every request that gets past here).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs

NONE = type(None)
MAX_CHECKED = 1_000_000
"""Bodies larger than this are left to the HTTP layer's size limit."""

# field -> allowed types, at the top of a body
_TOP: dict[str, tuple[type, ...]] = {
    "type": (str,), "token": (str,), "team_id": (str, NONE), "api_app_id": (str,), "event_id": (str,),
    "event_time": (int,), "trigger_id": (str,), "response_url": (str,), "team": (str, dict, NONE),
    "enterprise": (str, dict, NONE), "enterprise_id": (str, NONE), "user": (str, dict), "channel": (str, dict),
    "container": (dict,), "message": (dict,), "view": (dict,), "actions": (list,), "event": (dict,),
    "authorizations": (list,), "is_enterprise_install": (bool,), "is_ext_shared_channel": (bool,),
    "state": (dict,), "user_id": (str,), "channel_id": (str,), "command": (str,), "text": (str,),
}
# field -> {inner field -> allowed types}
_INNER: dict[str, dict[str, tuple[type, ...]]] = {
    "team": {"id": (str,), "domain": (str,), "enterprise_id": (str, NONE)},
    "enterprise": {"id": (str,)},
    "user": {"id": (str,), "team_id": (str,), "name": (str,)},
    "channel": {"id": (str,), "name": (str,)},
    "container": {"channel_id": (str,), "message_ts": (str,), "thread_ts": (str, NONE), "type": (str,),
                  "is_ephemeral": (bool,), "view_id": (str,)},
    "message": {"ts": (str,), "thread_ts": (str, NONE), "text": (str, NONE), "type": (str,)},
    "event": {"type": (str,), "user": (str, dict), "channel": (str, dict), "text": (str, NONE), "ts": (str,),
              "thread_ts": (str, NONE), "team": (str, NONE), "channel_type": (str,), "subtype": (str, NONE),
              "tab": (str,), "bot_id": (str, NONE), "event_ts": (str,), "view": (dict,), "message": (dict,)},
    "view": {"id": (str,), "hash": (str,), "callback_id": (str,), "private_metadata": (str,), "blocks": (list,),
             "state": (dict,), "team_id": (str, NONE), "app_installed_team_id": (str, NONE), "type": (str,)},
}
_ACTION: dict[str, tuple[type, ...]] = {
    "action_id": (str,), "type": (str,), "value": (str,), "action_ts": (str,), "block_id": (str,),
    "selected_option": (dict, NONE),
}
_BLOCK: dict[str, tuple[type, ...]] = {"type": (str,), "block_id": (str,), "element": (dict,), "optional": (bool,)}


def _wrong(data: Mapping[str, Any], types: Mapping[str, tuple[type, ...]], where: str) -> str | None:
    for name, allowed in types.items():
        if name in data and not isinstance(data[name], allowed):
            return f"{where}{name} has the wrong type"
    return None


def refusal(body: object) -> str | None:
    """Why `body` (as parsed) can't be a Slack request we could read, or None when its shape is fine."""
    if not isinstance(body, dict):
        return "the body is not an object"
    problem = _wrong(body, _TOP, "")
    if problem:
        return problem
    for name, inner in _INNER.items():
        value = body.get(name)
        if isinstance(value, dict) and (problem := _wrong(value, inner, f"{name}.")):
            return problem
    for item in body.get("authorizations") or []:
        if not isinstance(item, dict) or not isinstance(item.get("team_id", ""), str | NONE):
            return "authorizations has the wrong shape"
    kind = body.get("type")
    if "command" in body and not body.get("user_id"):
        return "a command without a user_id"
    user = body.get("user")
    if kind in ("block_actions", "view_submission") and not (isinstance(user, dict) and user.get("id")):
        return "a payload without a user id"
    if kind == "block_actions":
        return _actions_problem(body)
    if kind in ("view_submission", "view_closed"):
        return _view_problem(body)
    if kind == "event_callback" and not isinstance(body.get("event"), dict):
        return "event_callback without an event"
    event = body.get("event")
    if isinstance(event, dict) and (problem := _wrong(event.get("view") or {}, _INNER["view"], "event.view.")):
        return problem
    return None


def _actions_problem(body: Mapping[str, Any]) -> str | None:
    if not isinstance(body.get("user"), dict):
        return "block_actions without a user object"
    actions = body.get("actions")
    if not actions:
        return "block_actions without actions"
    for action in actions:
        if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
            return "an action without an action_id"
        if problem := _wrong(action, _ACTION, "action."):
            return problem
        option = action.get("selected_option")
        if isinstance(option, dict) and not isinstance(option.get("value", ""), str):
            return "action.selected_option.value has the wrong type"
    return None


def _view_problem(body: Mapping[str, Any]) -> str | None:
    view = body.get("view")
    if not isinstance(view, dict) or not isinstance(body.get("user"), dict):
        return "a view payload without a view or a user object"
    for block in view.get("blocks") or []:
        if not isinstance(block, dict) or _wrong(block, _BLOCK, "view.block."):
            return "view.blocks has the wrong shape"
        limit = (block.get("element") or {}).get("max_length")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)):
            return "view.block.element.max_length has the wrong type"
    values = (view.get("state") or {}).get("values", {})
    if not isinstance(values, dict):
        return "view.state.values has the wrong type"
    for elements in values.values():
        if not isinstance(elements, dict):
            return "view.state.values has the wrong shape"
        for element in elements.values():
            if not isinstance(element, dict) or not isinstance(element.get("value"), str | NONE):
                return "view.state.values has the wrong shape"
    return None


def parse(raw: bytes, content_type: str) -> object:
    """The body as Bolt will see it (a JSON object, or a form's fields with `payload` decoded); raises
    ValueError when it can't be parsed (not ours to refuse)."""
    text = raw.decode("utf-8")
    if content_type.startswith("application/json"):
        return json.loads(text)
    fields = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
    if "payload" in fields:
        return json.loads(fields["payload"])
    return fields


StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
MALFORMED = b'{"error":"malformed payload"}'


def guard(application: WsgiApp, *, on_refusal: Callable[[str], None] = lambda _code: None) -> WsgiApp:
    """`application` behind the shape check: a POST whose parsed body `refusal` rejects gets a 400."""

    def guarded(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return application(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return application(environ, start_response)
        if not 0 < length <= MAX_CHECKED:
            return application(environ, start_response)
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)
        try:
            problem = refusal(parse(raw, str(environ.get("CONTENT_TYPE") or "")))
        except ValueError:  # bad JSON, bad UTF-8: the HTTP layer's to answer
            problem = None
        if problem is None:
            return application(environ, start_response)
        on_refusal(problem)
        start_response("400 Bad Request", [("Content-Type", "application/json"),
                                           ("Content-Length", str(len(MALFORMED)))])
        return [MALFORMED]

    return guarded
