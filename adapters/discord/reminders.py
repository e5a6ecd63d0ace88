"""Reminders to Discord users: post each leased reminder to the DM once, and report the result to the coach.

The coach leases due reminders (`Coach.deliver_due`); this module posts them
and reports `delivered` only after Discord accepted every message, or `failed`
(the reminder is due again when its lease runs out). Discord has no idempotency
key for a bot's message, so a retry (`Delivery.attempt > 1`) first reads the
DM's newest messages: when the bot already posted this reminder's first message
since it came due, the earlier attempt got through and it is only marked
delivered. A DM that can't be written to (50007: DMs closed; 10013: unknown
user) gives the reminder up with the code, so it never blocks the others.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from exit_coach.adapters import metrics
from exit_coach.adapters.discord import render
from exit_coach.adapters.discord.deliver import DM_CLOSED, _kwargs, error_code
from exit_coach.service import Delivery

if TYPE_CHECKING:
    from exit_coach.adapters.discord.client import CoachClient

log = logging.getLogger(__name__)

GONE = {*DM_CLOSED, 10013}
"""Error codes retrying can't fix (DMs closed, unknown user)."""
LOOK_BACK = 20
SKEW = timedelta(minutes=1)
"""Tolerance between our clock and Discord's message timestamps."""


async def deliver_due_once(client: CoachClient) -> int:
    """Lease the due reminders of Discord users, post each to its DM; returns how many were delivered."""
    due = await asyncio.to_thread(client.coach.deliver_due, platform="discord")
    metrics.REMINDERS.labels("discord", "due").inc(len(due))
    delivered = 0
    for delivery in due:
        async with client._locks.hold(delivery.key.user):
            result = await settle(client, delivery)
        delivered += result == "delivered"
        if result in ("retry", "given up"):
            metrics.REMINDERS.labels("discord", "failed").inc()
        if result != "delivered":
            log.info("discord: reminder %s: %s", delivery.reminder_id, result)
    return delivered


async def settle(client: CoachClient, delivery: Delivery) -> str:
    """Post one reminder and record the result: "delivered", "already", "retry" or "given up"."""
    messages = [m for reply in delivery.replies for m in render.render(reply)]
    try:
        channel = await client.outbox.dm_channel(delivery.key)
        if delivery.attempt > 1 and messages and await _already_shown(client, channel, delivery, messages[0]):
            await asyncio.to_thread(client.coach.delivered, delivery)
            return "already"
        for message in messages:
            await channel.send(**_kwargs(message))  # type: ignore[call-overload]
    except discord.HTTPException as exc:
        permanent = exc.code in GONE
        gave_up = await asyncio.to_thread(client.coach.failed, delivery, error_code(exc), permanent=permanent)
        return "given up" if gave_up else "retry"
    except Exception as exc:  # noqa: BLE001 - a dropped connection: the lease runs out and it is tried again
        gave_up = await asyncio.to_thread(client.coach.failed, delivery, type(exc).__name__)
        return "given up" if gave_up else "retry"
    await asyncio.to_thread(client.coach.delivered, delivery)
    return "delivered"


async def _already_shown(
    client: CoachClient, channel: discord.abc.Messageable, delivery: Delivery, first: render.Message
) -> bool:
    me = client.user
    since = delivery.due_at - SKEW
    try:
        async for message in channel.history(limit=LOOK_BACK):
            mine = me is not None and message.author.id == me.id
            if mine and message.content == first.content and message.created_at >= since:
                return True
    except discord.HTTPException as exc:
        log.warning("discord: reading the DM before re-posting a reminder failed: %s", error_code(exc))
    return False
