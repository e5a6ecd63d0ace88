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

Every REST call made here for a user is bounded by `rest_timeout`: discord.py's
aiohttp session sets no timeout of its own, so a Discord that accepts a request and
never answers would hold the user's lock for aiohttp's default five minutes and
then escape as a bare `TimeoutError`. A call that times out counts as a failed
post. When the failed reply answered a message typed in the DM (no interaction to
answer ephemerally), the user is owed one note, posted in the DM before the next
reply that goes through.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
import discord

from exit_coach.adapters.discord import components, render
from exit_coach.adapters.discord.bounded import LRU
from exit_coach.flow.replies import Reply
from exit_coach.service import Coach, UserKey

log = logging.getLogger(__name__)
T = TypeVar("T")

MOVED = "I'll continue in our direct messages, so your search stays private."
# No upstream error text reaches the user (the code is in the log); FAILED follows a saved step.
CANT_DM = ("I couldn't send you a direct message. Please allow direct messages from "
           "this server's members (Privacy Settings), then try /withdraw again.")
FAILED = ("Your step is saved, but Discord didn't take my answer just now. "
          "Type `status` in a moment to see where we are.")
MISSED = ("Discord didn't take my last answer to you, but your step was saved. "
          "Type `status` any time to see where we are.")
SORRY = "Something went wrong on my side, so nothing was changed. Please try again in a moment."
DM_CLOSED = {50007, 50278}  # Cannot send messages to this user; DMs closed for this app
DM_CACHE = 10_000  # users whose DM channel id is remembered (least recently used dropped first)
REST_TIMEOUT = 20.0  # seconds one REST call for a user may take before it counts as failed
# a REST call that failed: an answer with an error, no answer in time (TimeoutError is an OSError), a dropped connection
REST_ERRORS = (discord.HTTPException, OSError, aiohttp.ClientError)


@dataclass(frozen=True)
class Origin:
    """Where the user acted: the interaction to answer ephemerally, if any, and whether replies stay there."""

    interaction: discord.Interaction | None = None
    user: discord.User | discord.Member | None = None
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

    def __init__(self, client: discord.Client, coach: Coach, *, dm_cache: int = DM_CACHE,
                 rest_timeout: float = REST_TIMEOUT) -> None:
        self.client = client
        self.coach = coach
        self.rest_timeout = rest_timeout
        self._dms: LRU[str, int] = LRU(dm_cache)
        self._owed: LRU[str, bool] = LRU(dm_cache)
        """Users whose DM message got no answer: told once (MISSED) before their next reply that posts."""

    async def bounded(self, call: Awaitable[T]) -> T:
        """`call` within `rest_timeout` seconds; a stalled call is cancelled and raises TimeoutError."""
        return await asyncio.wait_for(call, self.rest_timeout)

    async def dm_channel(
        self, key: UserKey, user: discord.User | discord.Member | None = None
    ) -> discord.abc.Messageable:
        """The user's DM with the bot (`POST /users/@me/channels` once, then cached); raises HTTPException."""
        known = self._dms.get(key.user)
        if known is not None:
            return self.client.get_partial_messageable(known, type=discord.ChannelType.private)
        if user is None:
            found = self.client.get_user(int(key.user))
            user = found if found is not None else await self.bounded(self.client.fetch_user(int(key.user)))
        channel = await self.bounded(user.create_dm())
        self._dms.put(key.user, channel.id)
        return channel

    async def note(self, origin: Origin, text: str) -> None:
        """An ephemeral note to the user where they acted; logged when there is nowhere (a DM, a reminder)."""
        interaction = origin.interaction
        if interaction is None:
            log.warning("discord: no interaction to tell the user about a failure (told in the DM later)")
            return
        try:
            if interaction.response.is_done():
                await self.bounded(interaction.followup.send(render.safe(text), ephemeral=True))
            else:
                await self.bounded(interaction.response.send_message(render.safe(text), ephemeral=True))
        except REST_ERRORS as exc:
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
        except REST_ERRORS as exc:
            return await self._failed(key, origin, exc, "opening the DM")
        if threads is None:  # a caller without the step's outcome: read them once
            threads = await asyncio.to_thread(self.coach.threads, key)
        roots = {case: _thread_root(ref) for case, ref in threads.items()}
        owed = bool(self._owed.get(key.user))
        if owed:
            messages = [render.Message(content=MISSED), *messages]
        for message in messages:
            try:
                await self._post(key, channel, message, roots)
            except REST_ERRORS as exc:
                return await self._failed(key, origin, exc, "posting a reply")
            if owed:  # the MISSED note went through: said once
                self._owed.pop(key.user)
                owed = False
        return True

    async def _failed(self, key: UserKey, origin: Origin, exc: BaseException, doing: str) -> bool:
        code = exc.code if isinstance(exc, discord.HTTPException) else 0
        log.warning("discord: %s failed: %s", doing, error_code(exc))
        if origin.interaction is None and code not in DM_CLOSED:
            self._owed.put(key.user, True)  # nowhere to say it now: say it in the DM once it takes a post
        await self.note(origin, CANT_DM if code in DM_CLOSED else FAILED)
        return False

    async def _followups(self, origin: Origin, messages: list[render.Message]) -> bool:
        assert origin.interaction is not None
        for message in messages:
            try:
                await self.bounded(origin.interaction.followup.send(**_kwargs(message), ephemeral=True))
            except REST_ERRORS as exc:
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
        sent = await self.bounded(channel.send(**kwargs))
        if case_id and root is None:
            ref = await asyncio.to_thread(self.coach.set_thread, key, case_id, f"{channel_id}:{sent.id}")
            roots[case_id] = _thread_root(ref)


def _kwargs(message: render.Message) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"content": message.content}
    view = components.view(message.rows)
    if view is not None:
        kwargs["view"] = view
    if message.file is not None:
        kwargs["file"] = discord.File(io.BytesIO(message.file.content.encode()), filename=message.file.filename)
    return kwargs
