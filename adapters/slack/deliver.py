"""Sending what the coach said: to the user's DM, into the case's thread, or as an ephemeral note.

`Outbox` turns neutral replies into Web API calls (via `render`) and decides
only *where* each message goes:

- a slash command anywhere continues in the user's DM with the bot, and one
  typed anywhere but that DM first gets an ephemeral "I'll continue in our
  direct messages" (decided once the DM channel is known, not from a cache);
- a click or form submitted outside the clicker's own DM (someone else's
  message) is answered ephemerally there, so nothing lands where others read it;
- draft revisions go into the case's thread; replies for a case whose action
  came from inside that thread stay in it; the first message for a case roots it.

A Web API failure is never dropped silently: the user gets an ephemeral note
where they typed the command (`response_url`, or `chat.postEphemeral`), and the
error code (never user text) is logged at WARNING.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from exit_coach.adapters.slack import render
from exit_coach.adapters.slack.translate import Origin
from exit_coach.flow.replies import CaseOverview, Reply, Say
from exit_coach.service import Coach, UserKey

log = logging.getLogger(__name__)

# No upstream error text reaches the user (the code is in the log); FAILED follows a step that was
# saved, so it never asks to repeat it.
CANT_DM = ("I couldn't send you a direct message. Please check that messages from "
           "Exit Coach are allowed (its Messages tab), then try /withdraw again.")
FAILED = ("Your step is saved, but Slack didn't take my answer just now. "
          "Type `status` in a moment to see where we are.")
FORM_SLOW = "That form took too long to open. Please click Fill in again."
FORM_FAILED = "I couldn't open that form just now, so nothing was changed. Please click Fill in again in a moment."
MOVED = "I'll continue in our direct messages, so your search stays private."
TOO_BIG = ("Slack refused my answer as too large or malformed ({error}); trying again won't help. "
           "Type `export` in our DM to get everything as a file.")
PRIVATE_FILE = "Files go to our direct messages only: type `export` there."
DM_CACHE = 10_000  # users whose DM channel id is remembered (least recently used dropped first)


def error_code(exc: Exception) -> str:
    """The Slack error code of a failed call (`channel_not_found`, `ratelimited`, ...), never its payload."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or "unknown_error")
    return type(exc).__name__


class Outbox:
    """Posts replies for one user at a time; safe to share between worker threads."""

    def __init__(self, client: WebClient, coach: Coach, *, dm_cache: int = DM_CACHE) -> None:
        self.client = client
        self.coach = coach
        self._dms: OrderedDict[UserKey, str] = OrderedDict()
        self._dm_cache = dm_cache
        self._lock = threading.Lock()

    def known_dm(self, key: UserKey) -> str | None:
        with self._lock:
            channel = self._dms.get(key)
            if channel is not None:
                self._dms.move_to_end(key)
            return channel

    def dm_channel(self, key: UserKey) -> str:
        """The user's DM with the bot (`conversations.open`, cached); raises SlackApiError."""
        known = self.known_dm(key)
        if known:
            return known
        response = self.client.conversations_open(users=key.user)
        channel = str(response["channel"]["id"])
        self.remember_dm(key, channel)
        return channel

    def remember_dm(self, key: UserKey, channel: str) -> None:
        with self._lock:
            self._dms[key] = channel
            self._dms.move_to_end(key)
            while len(self._dms) > self._dm_cache:
                self._dms.popitem(last=False)

    def moved_note(self, key: UserKey, origin: Origin) -> None:
        """After a slash command: "I'll continue in our direct messages" (with a link that opens that DM)
        unless it was typed in that DM.

        When the DM can't be opened nothing is said here: `deliver` tells the user why.
        """
        try:
            dm = self.dm_channel(key)
        except Exception:  # noqa: BLE001 - deliver() reports this failure to the user
            return
        if origin.channel and origin.channel != dm:
            self.note(key, origin, MOVED, link=(dm_link(key.workspace, dm), "Open our DM"))

    def note(self, key: UserKey, origin: Origin, text: str, *, link: tuple[str, str] | None = None) -> None:
        """An ephemeral note where the user acted (with a `<url|label>` link after it); logs when even that fails."""
        line = render.escape(text) + (f" <{link[0]}|{render.escape(link[1])}>" if link else "")
        try:
            if origin.response_url:
                sent = WebhookClient(origin.response_url, retry_handlers=self.client.retry_handlers).send(
                    text=line, response_type="ephemeral", replace_original=False
                )
                if sent.status_code == 200:
                    return
                log.warning("slack: response_url post failed with HTTP %s", sent.status_code)
            if origin.channel:
                self.client.chat_postEphemeral(channel=origin.channel, user=key.user, text=line)
                return
        except Exception as exc:  # noqa: BLE001
            log.warning("slack: could not reach the user with a note: %s", error_code(exc))
            return
        log.warning("slack: nowhere to send a note to the user")

    def collapse(self, origin: Origin) -> None:
        """Replace the answered question's message by its one-line record, buttons gone.

        `chat.update` for a message in a channel or DM; an ephemeral one can only be replaced through the
        action's `response_url`. A failure leaves the old buttons (a later click on them is answered as
        stale), so it is logged, never shown.
        """
        if not origin.message_ts or not origin.channel:
            return
        text, blocks = render.answered(origin.record or "Answered")
        try:
            if origin.ephemeral:
                if origin.response_url:
                    WebhookClient(origin.response_url, retry_handlers=self.client.retry_handlers).send(
                        text=text, blocks=blocks, replace_original=True)
                return
            self.client.chat_update(channel=origin.channel, ts=origin.message_ts, text=text, blocks=blocks)
        except Exception as exc:  # noqa: BLE001
            log.warning("slack: collapsing an answered question failed: %s", error_code(exc))

    def _target(self, key: UserKey, origin: Origin) -> tuple[str, bool] | None:
        """(channel, ephemeral) for this origin's replies, or None after telling the user why not."""
        if origin.kind == "message" and origin.channel:
            self.remember_dm(key, origin.channel)
            return origin.channel, False
        try:
            dm = self.dm_channel(key)
        except Exception as exc:  # noqa: BLE001
            log.warning("slack: conversations.open failed: %s", error_code(exc))
            self.note(key, origin, CANT_DM.format(error=error_code(exc)))
            return None
        if origin.kind != "command" and origin.channel and origin.channel != dm:
            return origin.channel, True
        return dm, False

    def deliver(self, key: UserKey, origin: Origin, replies: Sequence[Reply],
                threads: Mapping[str, str] | None = None) -> None:
        """Post every reply, in order; on a failure, tell the user and stop.

        `threads` (from the step's `Outcome`) says where each case already lives; only a case's very first
        message is recorded as its new root (`Coach.set_thread`), so a step costs no other store access.
        Without it (a caller that has no outcome threads) they are read once here.
        """
        if not replies:
            return
        target = self._target(key, origin)
        if target is None:
            return
        channel, ephemeral = target
        roots = dict(threads) if threads is not None else self.coach.threads(key)
        threaded_cases: set[str] = set()
        for reply in replies:
            for message in render.render(reply):
                try:
                    if isinstance(message, render.Upload):
                        self._upload(key, origin, channel, ephemeral, message)
                    elif ephemeral:
                        self.client.chat_postEphemeral(channel=channel, user=key.user, text=message.text,
                                                       blocks=message.blocks or None, mrkdwn=message.mrkdwn)
                    else:
                        self._post(key, channel, origin, message, roots, threaded_cases)
                except Exception as exc:  # noqa: BLE001
                    code = error_code(exc)
                    log.warning("slack: posting a reply failed: %s", code)
                    advice = CANT_DM if code in _DM_BLOCKED else TOO_BIG if code in _NOT_RETRYABLE else FAILED
                    self.note(key, origin, advice.format(error=code))
                    return

    def _post(self, key: UserKey, channel: str, origin: Origin, message: render.Message,
              roots: dict[str, str], threaded_cases: set[str]) -> None:
        case_id = message.case_id
        root = _thread_root(roots.get(case_id)) if case_id else None
        if root and root[0] != channel:
            root = None
        thread_ts: str | None = None
        if case_id and root and (
            message.threaded or case_id in threaded_cases or origin.thread_ts == root[1]
        ):
            thread_ts = root[1]
            threaded_cases.add(case_id)
        elif not case_id and origin.thread_ts:
            thread_ts = origin.thread_ts
        # The first draft of a case is also shown in the DM's main view (reply_broadcast); later ones get a
        # one-line pointer there instead, so the main view stays short (see the README).
        broadcast = bool(thread_ts and message.revision == 1)
        response = self.client.chat_postMessage(
            channel=channel, text=message.text, blocks=message.blocks or None, thread_ts=thread_ts,
            reply_broadcast=broadcast or None, mrkdwn=message.mrkdwn, unfurl_links=False, unfurl_media=False,
        )
        if case_id and root is None and response.get("ts"):
            roots[case_id] = self.coach.set_thread(key, case_id, f"{channel}:{response['ts']}")
            if message.threaded:
                threaded_cases.add(case_id)
        if thread_ts and message.revision > 1 and response.get("ts"):
            self._point_to(channel, str(response["ts"]), message)

    def _point_to(self, channel: str, ts: str, message: render.Message) -> None:
        """A one-line link in the DM's main view to a draft posted in its thread; a failure only loses the link."""
        try:
            permalink = str(self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
            text, blocks = render.pointer(message.title, message.revision, permalink)
            self.client.chat_postMessage(channel=channel, text=text, blocks=blocks, unfurl_links=False,
                                         unfurl_media=False)
        except Exception as exc:  # noqa: BLE001
            log.warning("slack: pointing to a new draft failed: %s", error_code(exc))

    def _upload(self, key: UserKey, origin: Origin, channel: str, ephemeral: bool, upload: render.Upload) -> None:
        """A file with its summary as the comment (`files_upload_v2`); never into someone else's channel."""
        if ephemeral:
            self.client.chat_postEphemeral(channel=channel, user=key.user, text=render.escape(PRIVATE_FILE))
            return
        self.client.files_upload_v2(channel=channel, content=upload.content, filename=upload.filename,
                                    title=upload.filename, initial_comment=render.escape(upload.summary),
                                    thread_ts=origin.thread_ts if origin.kind == "message" else None)

    def open_form(self, key: UserKey, origin: Origin, *, trigger_id: str, case_id: str | None,
                  question: str) -> None:
        """Open the modal for a "Fill in" click with its trigger (valid for 3 s); `current_form` may raise."""
        form = self.coach.current_form(key, case_id, question)
        if isinstance(form, Say):
            self.note(key, origin, form.text)
            return
        meta = {"channel": origin.channel or "", "thread_ts": origin.thread_ts or "",
                "message_ts": "" if origin.ephemeral else origin.message_ts or ""}
        try:
            self.client.views_open(trigger_id=trigger_id, view=render.modal(form, metadata=meta))
        except Exception as exc:  # noqa: BLE001
            code = error_code(exc)
            log.warning("slack: views.open failed: %s", code)
            self.note(key, origin, FORM_SLOW.format(error=code))

    def publish_home(self, key: UserKey, cases: Sequence[CaseOverview], threads: Mapping[str, str]) -> None:
        """The App Home dashboard, with a permalink to each case's thread (one that can't be had is left out)."""
        links: dict[str, str] = {}
        for case in cases[:15]:
            root = _thread_root(threads.get(case.case_id))
            if root is None:
                continue
            try:
                links[case.case_id] = str(self.client.chat_getPermalink(channel=root[0], message_ts=root[1])
                                          ["permalink"])
            except Exception as exc:  # noqa: BLE001
                log.warning("slack: a thread link for the Home tab failed: %s", error_code(exc))
        try:
            self.client.views_publish(user_id=key.user, view=render.home_view(cases, links))
        except Exception as exc:  # noqa: BLE001
            log.warning("slack: views.publish failed: %s", error_code(exc))

    def welcome(self, key: UserKey, channel: str) -> None:
        """A short welcome the first time the Messages tab opens: when our DM holds no message yet."""
        try:
            if self.client.conversations_history(channel=channel, limit=1).get("messages"):
                return
            self.remember_dm(key, channel)
            self.client.chat_postMessage(channel=channel, text=render.escape(render.WELCOME))
        except Exception as exc:  # noqa: BLE001
            log.warning("slack: the welcome note failed: %s", error_code(exc))


def dm_link(team: str, channel: str) -> str:
    """A link that opens the user's DM with the app, in the desktop or mobile client (`app_redirect`)."""
    return f"https://slack.com/app_redirect?channel={quote(channel)}&team={quote(team)}"


def _thread_root(ref: str | None) -> tuple[str, str] | None:
    """(channel, thread_ts) from the "channel:ts" reference the coach keeps for a case."""
    if not ref or ":" not in ref:
        return None
    channel, _, ts = ref.partition(":")
    return channel, ts


_NOT_RETRYABLE = {"msg_blocks_too_long", "invalid_blocks", "msg_too_long", "invalid_blocks_format",
                  "too_many_attachments", "invalid_arguments"}
_DM_BLOCKED = {"channel_not_found", "not_in_channel", "cannot_dm_bot", "messages_tab_disabled",
               "user_disabled", "is_archived", "restricted_action"}
