"""The gateway client: `/withdraw`, DMs, clicks and modal submits → the coach → the Outbox.

Every interaction is acknowledged first (Discord's deadline is 3 seconds) and
the slow work follows: `Coach.handle` runs in a thread (`asyncio.to_thread`;
the core is synchronous and must never block the event loop), one event at a
time per user, then the replies are posted. A "Fill in" click is the exception:
its first response must be the modal itself, so only a quick read of the
current form (also in a thread) comes before it.

No roadmap logic here: which question comes next, whether a click is stale or
belongs to someone else — all of that is the core's answer.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import OrderedDict
from typing import Any

import discord
import yarl
from discord import app_commands

from exit_coach.adapters.discord import components, render, translate
from exit_coach.adapters.discord.bounded import UserLocks
from exit_coach.adapters.discord.deliver import MOVED, SORRY, Origin, Outbox, error_code
from exit_coach.flow.replies import Say
from exit_coach.service import Coach

log = logging.getLogger(__name__)
REMINDER_EVERY = 60.0


def use_endpoints(*, api_base: str | None = None, gateway: str | None = None) -> None:
    """Point discord.py at another REST root (with the version) and gateway, e.g. a local test server."""
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


def intents() -> discord.Intents:
    """The minimum: guilds (state for app commands in guilds) and DM messages.

    No privileged intent: Discord delivers message content in DMs with the app
    without the Message Content intent.
    """
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.dm_messages = True
    return wanted


def withdraw_command() -> app_commands.Command[Any, ..., None]:
    """`/withdraw [subcommand]`, usable in guilds and in the bot's DM."""

    @app_commands.command(name="withdraw", description="Exit Coach: leave a job process well (private to you)")
    @app_commands.describe(subcommand="What to do; leave empty to start or resume")
    @app_commands.choices(subcommand=[app_commands.Choice(name=s, value=s) for s in translate.SUBCOMMANDS])
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def withdraw(interaction: discord.Interaction, subcommand: str | None = None) -> None:
        client: CoachClient = interaction.client  # type: ignore[assignment]
        await client.on_withdraw(interaction, subcommand)

    return withdraw


def _context(interaction: discord.Interaction) -> int | None:
    """The interaction's `context` (0 guild, 1 bot DM, 2 private channel); None when Discord sent none."""
    ctx = interaction.context
    if ctx.dm_channel:
        return translate.BOT_DM_CONTEXT
    if ctx.guild:
        return 0
    return 2 if ctx.private_channel else None


def _channel_type(interaction: discord.Interaction) -> int | None:
    channel = interaction.channel
    return channel.type.value if channel is not None else None


class Finished(OrderedDict[str, int]):
    """How many times each recent interaction or message id was fully handled; keeps the newest `size` ids."""

    def __init__(self, size: int = 4096) -> None:
        super().__init__()
        self.size = size

    def __missing__(self, key: str) -> int:
        return 0

    def done(self, key: str) -> None:
        self[key] = self[key] + 1
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class CoachClient(discord.Client):
    """The Exit Coach bot; `finished` counts the interactions and messages fully handled (by id)."""

    def __init__(self, coach: Coach, *, guild_id: int | None = None, reminder_every: float | None = REMINDER_EVERY,
                 **options: Any) -> None:
        super().__init__(intents=intents(), allowed_mentions=discord.AllowedMentions.none(), **options)
        self.coach = coach
        self.guild_id = guild_id
        self.reminder_every = reminder_every
        self.outbox = Outbox(self, coach)
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(withdraw_command())
        self.finished = Finished()
        self._locks = UserLocks()
        self._reminders: asyncio.Task[None] | None = None

    # ---- lifecycle

    async def setup_hook(self) -> None:
        """Register the persistent components, sync `/withdraw`, start the reminder loop."""
        self.coach.store.warn_if_clear()  # once the token was accepted: "stored in clear" when there's no key
        self.add_dynamic_items(components.CoachItem)
        await self.sync_commands()
        if self.reminder_every:
            self._reminders = asyncio.create_task(self._remind_loop(), name="coach-reminders")

    async def sync_commands(self) -> None:
        """To `DISCORD_GUILD_ID` only when set (instant), else globally (may take a while to appear)."""
        if self.guild_id:
            guild = discord.Object(self.guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()

    async def on_ready(self) -> None:
        print(f"coach discord: connected as {self.user}; Ctrl-C to stop", file=sys.stderr)

    async def close(self) -> None:
        if self._reminders is not None:
            self._reminders.cancel()
        await super().close()

    # ---- events

    async def on_withdraw(self, interaction: discord.Interaction, subcommand: str | None) -> None:
        """Ack at once (ephemeral "continuing in your DMs" outside the DM), then run and post to the DM."""
        try:
            in_dm = translate.in_bot_dm(_context(interaction), _channel_type(interaction))
            if in_dm:
                await interaction.response.defer(ephemeral=True, thinking=True)
            else:
                await interaction.response.send_message(MOVED, ephemeral=True)
            incoming = translate.command(interaction.user.id, subcommand, interaction.id)
            ok = await self.run(incoming, Origin(interaction, interaction.user))
            if in_dm and ok:
                await interaction.delete_original_response()
        except Exception as exc:  # noqa: BLE001 - log by type and code, never user text
            log.warning("discord: /withdraw failed: %s", error_code(exc))
            log.debug("/withdraw failure", exc_info=True)
        finally:
            self.finished.done(str(interaction.id))

    async def on_coach_component(self, interaction: discord.Interaction) -> None:
        """A click on one of our buttons or selects (from `components.CoachItem`)."""
        try:
            got = translate.component(interaction.user.id, interaction.data or {}, interaction.id)
            if isinstance(got, translate.OpenForm):
                await self._open_form(interaction, got)
            elif got is None:
                await interaction.response.defer()
            else:
                await interaction.response.defer()
                await self.run(got, await self._origin(interaction))
        except Exception as exc:  # noqa: BLE001
            log.warning("discord: a click failed: %s", error_code(exc))
        finally:
            self.finished.done(str(interaction.id))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Modal submits of ours (by custom_id, so a modal opened before a restart still counts)."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        try:
            got = translate.submission(interaction.user.id, interaction.data or {}, interaction.id)
            if got is None:
                return
            await interaction.response.defer()
            await self.run(got, await self._origin(interaction))
        except Exception as exc:  # noqa: BLE001
            log.warning("discord: a form submission failed: %s", error_code(exc))
        finally:
            self.finished.done(str(interaction.id))

    async def on_message(self, message: discord.Message) -> None:
        """Text a person types in their DM with the bot (a reply to a case's root answers that case)."""
        if message.author.bot or message.guild is not None or not isinstance(message.channel, discord.DMChannel):
            return
        try:
            got = translate.message(message.author.id, message.content, message.id)
            if got is None:
                return
            replied = message.reference.message_id if message.reference is not None else None
            ref = translate.reply_ref(message.channel.id, replied)
            if ref is not None:  # a reply to a case's root message answers that case
                got = translate.in_case(got, await asyncio.to_thread(self.coach.case_of_thread, got.key, ref))
            await self.run(got, Origin(None, message.author))
        except Exception as exc:  # noqa: BLE001
            log.warning("discord: a DM failed: %s", error_code(exc))
        finally:
            self.finished.done(str(message.id))

    # ---- work

    async def run(self, incoming: translate.Incoming, origin: Origin) -> bool:
        """One event through the coach (in a thread), then its replies; one at a time per user."""
        async with self._locks.hold(incoming.key.user):
            try:
                outcome = await asyncio.to_thread(self.coach.handle, incoming.key, incoming.event,
                                                  event_id=incoming.event_id)
            except Exception as exc:  # noqa: BLE001 - tell the user rather than drop it
                log.error("discord: the coach failed on an event: %s", type(exc).__name__)
                await self.outbox.note(origin, SORRY)
                return False
            if outcome.duplicate:
                return True
            return await self.outbox.deliver(incoming.key, origin, outcome.replies)

    async def _origin(self, interaction: discord.Interaction) -> Origin:
        """Replies go to the clicker's DM when they clicked there; else ephemerally where they clicked."""
        key = translate.key_of(interaction.user.id)
        try:
            dm = await self.outbox.dm_channel(key, interaction.user)
        except discord.HTTPException as exc:
            log.warning("discord: opening a DM failed: %s", error_code(exc))
            return Origin(interaction, interaction.user, ephemeral=True)
        own = getattr(dm, "id", None) == interaction.channel_id
        return Origin(interaction, interaction.user, ephemeral=not own)

    async def _open_form(self, interaction: discord.Interaction, got: translate.OpenForm) -> None:
        """Answer a "Fill in" click with the modal: it must be the first response, within 3 s."""
        form = await asyncio.to_thread(self.coach.current_form, got.key, got.case_id, got.question)
        if isinstance(form, Say):
            await interaction.response.send_message(render.safe(form.text), ephemeral=True)
            return
        await interaction.response.send_modal(components.modal(form))

    # ---- reminders

    async def deliver_due_once(self) -> int:
        """Post the due reminders of Discord users to their DMs; returns how many were delivered."""
        due = await asyncio.to_thread(self.coach.deliver_due, platform="discord")
        for key, outcome in due:
            async with self._locks.hold(key.user):
                await self.outbox.deliver(key, Origin(), outcome.replies)
        return len(due)

    async def _remind_loop(self) -> None:
        await self.wait_until_ready()
        while not self.is_closed():
            try:
                await self.deliver_due_once()
                await asyncio.to_thread(self.coach.purge_if_due)  # the retention purge, once a day
            except Exception as exc:  # noqa: BLE001 - the loop must survive one bad minute
                log.warning("discord: delivering reminders failed: %s", error_code(exc))
            await asyncio.sleep(self.reminder_every or REMINDER_EVERY)
