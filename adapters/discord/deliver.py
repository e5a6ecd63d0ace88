"""Sending what the coach said: into the user's DM, as replies to the case's root message, or ephemerally.

`Outbox` turns neutral replies into REST calls (via `render` and
`components`) and decides only *where* each message goes:

- everything for a user goes to their DM with the bot, never to a guild channel;
- a click or form submitted anywhere but the clicker's own DM (someone else's
  message) is answered with ephemeral followups there, visible to the clicker only;
- DMs have no threads: a case's first message is its root (recorded with
  `Coach.set_thread` as "channel:message") and each later message for that case
  is a reply to it (`message_reference`).

A REST failure is never dropped silently: the user is told ephemerally where
they used the command or clicked (a 50007 "Cannot send messages to this user"
gets its own advice), and the status and error code — never user text or
tokens — are logged at WARNING.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import discord

from exit_coach.adapters.discord import components, render
from exit_coach.adapters.discord.bounded import LRU
from exit_coach.flow.replies import Reply
from exit_coach.service import Coach, UserKey

log = logging.getLogger(__name__)

MOVED = "I'll continue in our direct messages, so your search stays private."
# No upstream error text reaches the user (the code is in the log); FAILED follows a saved step.
CANT_DM = ("I couldn't send you a direct message. Please allow direct messages from "
           "this server's members (Privacy Settings), then try /withdraw again.")
FAILED = ("Your step is saved, but Discord didn't take my answer just now. "
          "Type `status` in a moment to see where we are.")
SORRY = "Something went wrong on my side, so nothing was changed. Please try again in a moment."
DM_CLOSED = {50007, 50278}  # Cannot send messages to this user; DMs closed for this app
DM_CACHE = 10_000  # users whose DM channel id is remembered (least recently used dropped first)


@dataclass(frozen=True)
class Origin:
    """Where the user acted: the interaction to answer ephemerally, if any, and whether replies stay there."""

    interaction: discord.Interaction | None = None
    user: discord.abc.User | None = None
    ephemeral: bool = False
    """True when replies must not leave the interaction (a click on someone else's message)."""


def error_code(exc: BaseException) -> str:
    """`403/50007`-style summary of a failed REST call, never its payload."""
    if isinstance(exc, discord.HTTPException):
        return f"{exc.status}/{exc.code}"
    return type(exc).__name__


def _thread_root(ref: str | None) -> tuple[int, int] | None:
    """(channel id, root message id) from the "channel:message" reference the coach keeps for a case."""
    channel, sep, message = (ref or "").partition(":")
    if not sep or not channel.isdigit() or not message.isdigit():
        return None
    return int(channel), int(message)


class Outbox:
    """Posts replies; runs on the client's event loop, the store work in threads."""

    def __init__(self, client: discord.Client, coach: Coach, *, dm_cache: int = DM_CACHE) -> None:
        self.client = client
        self.coach = coach
        self._dms: LRU[str, int] = LRU(dm_cache)

    async def dm_channel(self, key: UserKey, user: discord.abc.User | None = None) -> discord.abc.Messageable:
        """The user's DM with the bot (`POST /users/@me/channels` once, then cached); raises HTTPException."""
        known = self._dms.get(key.user)
        if known is not None:
            return self.client.get_partial_messageable(known, type=discord.ChannelType.private)
        if user is None:
            user = self.client.get_user(int(key.user)) or await self.client.fetch_user(int(key.user))
        channel = await user.create_dm()
        self._dms.put(key.user, channel.id)
        return channel

    async def note(self, origin: Origin, text: str) -> None:
        """An ephemeral note to the user where they acted; logged when there is nowhere (a DM, a reminder)."""
        interaction = origin.interaction
        if interaction is None:
            log.warning("discord: no interaction to tell the user about a failure")
            return
        try:
            if interaction.response.is_done():
                await interaction.followup.send(render.safe(text), ephemeral=True)
            else:
                await interaction.response.send_message(render.safe(text), ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("discord: could not reach the user with a note: %s", error_code(exc))

    async def deliver(self, key: UserKey, origin: Origin, replies: Sequence[Reply],
                      threads: Mapping[str, str] | None = None) -> bool:
        """Post every reply, in order; on a failure, tell the user and stop. True when all were posted.

        `threads` (from the step's `Outcome`) says which message each case's replies answer; only a case's
        first message is recorded as its root (`Coach.set_thread`): a step costs no other store access.
        """
        messages = [m for reply in replies for m in render.render(reply)]
        if not messages:
            return True
        if origin.ephemeral and origin.interaction is not None:
            return await self._followups(origin, messages)
        try:
            channel = await self.dm_channel(key, origin.user)
        except discord.HTTPException as exc:
            return await self._failed(origin, exc, "opening the DM")
        if threads is None:  # a caller without the step's outcome: read them once
            threads = await asyncio.to_thread(self.coach.threads, key)
        roots = {case: _thread_root(ref) for case, ref in threads.items()}
        for message in messages:
            try:
                await self._post(key, channel, message, roots)
            except discord.HTTPException as exc:
                return await self._failed(origin, exc, "posting a reply")
        return True

    async def _failed(self, origin: Origin, exc: discord.HTTPException, doing: str) -> bool:
        code = exc.code if isinstance(exc, discord.HTTPException) else 0
        log.warning("discord: %s failed: %s", doing, error_code(exc))
        await self.note(origin, (CANT_DM if code in DM_CLOSED else FAILED).format(error=code or exc.status))
        return False

    async def _followups(self, origin: Origin, messages: list[render.Message]) -> bool:
        assert origin.interaction is not None
        for message in messages:
            try:
                await origin.interaction.followup.send(**_kwargs(message), ephemeral=True)
            except discord.HTTPException as exc:
                log.warning("discord: an ephemeral followup failed: %s", error_code(exc))
                return False
        return True

    async def _post(self, key: UserKey, channel: discord.abc.Messageable, message: render.Message,
                    roots: dict[str, tuple[int, int] | None]) -> None:
        case_id = message.case_id
        channel_id = getattr(channel, "id", None)
        root = None
        if case_id:
            root = roots.get(case_id)
            if root and root[0] != channel_id:
                root = None
        kwargs = _kwargs(message)
        if root:
            kwargs["reference"] = discord.MessageReference(message_id=root[1], channel_id=root[0],
                                                           fail_if_not_exists=False)
        sent = await channel.send(**kwargs)
        if case_id and root is None:
            ref = await asyncio.to_thread(self.coach.set_thread, key, case_id, f"{channel_id}:{sent.id}")
            roots[case_id] = _thread_root(ref)


def _kwargs(message: render.Message) -> dict[str, object]:
    kwargs: dict[str, object] = {"content": message.content}
    view = components.view(message.rows)
    if view is not None:
        kwargs["view"] = view
    if message.file is not None:
        kwargs["file"] = discord.File(io.BytesIO(message.file.content.encode()), filename=message.file.filename)
    return kwargs
