"""Reminders to Slack users: post a leased reminder to the DM, never twice, and keep the user's time zone fresh.

The coach leases due reminders (`Coach.deliver_due`); this module posts each
one to the user's DM and reports the result (`Coach.settle`). The first message
of a reminder carries Slack message metadata with the reminder's stable key
(`coach_reminder`), so a retry after an unknown outcome (the process died after
posting, or Slack's answer was lost) first reads the DM's newest messages and
only marks it delivered when the key is already there. A DM that can't be
opened or written to (user gone, DMs off) gives the reminder up with the error
code; anything else is tried again after the lease runs out.

`ZoneRefresher` reads the user's `tz` from `users.info` at most once a day per
user and process, and records it with `Coach.set_time_zone`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from exit_coach.adapters import metrics
from exit_coach.adapters.slack import render
from exit_coach.adapters.slack.deliver import Outbox, error_code
from exit_coach.service import Coach, Delivery, Undeliverable, UserKey

log = logging.getLogger(__name__)

EVENT_TYPE = "coach_reminder"
LOOK_BACK = 20
"""How many of the DM's newest messages a retry reads for the reminder's key."""
GONE = {
    "channel_not_found", "not_in_channel", "cannot_dm_bot", "messages_tab_disabled", "user_disabled",
    "is_archived", "restricted_action", "user_not_found", "account_inactive", "invalid_auth", "not_authed",
}
"""Errors retrying can't fix: the reminder is given up with the code."""
REFRESH_EVERY = 24 * 3600.0


def post_reminder(outbox: Outbox, delivery: Delivery) -> None:
    """Post the reminder's messages to the user's DM, the first one tagged with its key; raises on failure."""
    try:
        channel = outbox.dm_channel(delivery.key)
        # a reminder is a few short lines: never a file (`render` makes those only for long answers)
        messages = [m for reply in delivery.replies for m in render.render(reply) if isinstance(m, render.Message)]
        for index, message in enumerate(messages):
            outbox.client.chat_postMessage(
                channel=channel, text=message.text, blocks=message.blocks, unfurl_links=False, unfurl_media=False,
                metadata=_metadata(delivery) if index == 0 else None,
            )
    except SlackApiError as exc:
        code = error_code(exc)
        if code in GONE:
            raise Undeliverable(code) from exc
        raise


def already_shown(outbox: Outbox, delivery: Delivery) -> bool:
    """True when the DM's newest messages hold this reminder (an earlier attempt got through after all)."""
    try:
        channel = outbox.dm_channel(delivery.key)
        response = outbox.client.conversations_history(channel=channel, limit=LOOK_BACK, include_all_metadata=True)
    except SlackApiError as exc:
        log.warning("slack: reading the DM before re-posting a reminder failed: %s", error_code(exc))
        return False
    for message in response.get("messages") or []:
        meta = message.get("metadata") or {}
        payload = meta.get("event_payload") or {}
        if meta.get("event_type") == EVENT_TYPE and payload.get("key") == delivery.idempotency_key:
            return True
    return False


def _metadata(delivery: Delivery) -> dict[str, Any]:
    return {"event_type": EVENT_TYPE, "event_payload": {"key": delivery.idempotency_key}}


def deliver_due(coach: Coach, outbox: Outbox, queue: Callable[[UserKey, Callable[[], None]], None]) -> int:
    """Lease the due reminders of Slack users and queue each post on its user's worker; returns how many."""
    due = coach.deliver_due(platform="slack")
    for delivery in due:
        queue(delivery.key, partial(_settle, coach, outbox, delivery))
    return len(due)


def _settle(coach: Coach, outbox: Outbox, delivery: Delivery) -> None:
    result = coach.settle(
        delivery, lambda d: post_reminder(outbox, d), shown=lambda d: already_shown(outbox, d)
    )
    metrics.REMINDERS.labels("slack", "sent" if result in ("delivered", "already") else "failed").inc()
    if result != "delivered":
        log.info("slack: reminder %s: %s", delivery.reminder_id, result)


class ZoneRefresher:
    """Reads a user's time zone from `users.info` now and then (once a day per user and process)."""

    def __init__(self, client: WebClient, coach: Coach, *, every: float = REFRESH_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.coach = coach
        self.every = every
        self.clock = clock
        self._checked: dict[UserKey, float] = {}
        self._lock = threading.Lock()

    def maybe_refresh(self, key: UserKey, *, known: Mapping[str, Any] | None = None) -> bool:
        """Refresh `key`'s zone unless it was checked recently; True when it changed. Never raises.

        `known` is a `users.info` user the caller already read (a Start reads it for the locale): it is used
        instead of asking Slack again."""
        now = self.clock()
        with self._lock:
            last = self._checked.get(key)
            if last is not None and now - last < self.every:
                return False
            self._checked[key] = now
            if len(self._checked) > 50_000:
                self._checked.pop(next(iter(self._checked)))
        user: Mapping[str, Any] | None = known
        if user is None:
            try:
                user = self.client.users_info(user=key.user).get("user") or {}
            except Exception as exc:  # noqa: BLE001 - a missing zone must never stop a conversation
                log.warning("slack: users.info failed: %s", error_code(exc))
                return False
        tz = user.get("tz")
        return bool(tz) and self.coach.set_time_zone(key, str(tz))
