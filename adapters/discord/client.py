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
import dataclasses
import logging
import sys
from collections import OrderedDict
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import tasks

from exit_coach.adapters import metrics
from exit_coach.adapters.discord import components, render, translate
from exit_coach.adapters.discord.bounded import LRU, UserLocks
from exit_coach.adapters.discord.deliver import MOVED, REST_ERRORS, SORRY, Origin, Outbox, error_code
from exit_coach.flow.events import SubmitForm
from exit_coach.flow.forms import form_problems
from exit_coach.flow.replies import AskForm, Say
from exit_coach.service import Coach, Outcome

log = logging.getLogger(__name__)
REMINDER_EVERY = 60.0
FORMS_REMEMBERED = 2_000


@dataclasses.dataclass(frozen=True)
class Typed:
    """A refused form's values, and the message that asked the question (collapsed once it is answered)."""

    values: dict[str, str]
    message: discord.Message | None


def dm_link(channel_id: int) -> str:
    """A link that opens the user's DM with the bot in any Discord client."""
    return f"https://discord.com/channels/@me/{channel_id}"


def clicked_label(interaction: discord.Interaction) -> str:
    """The text of the clicked button, or of the picked option, from the message it was on."""
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = data.get("custom_id")
    values: list[Any] = list(data.get("values") or [None])
    picked = values[0]
    for row in getattr(interaction.message, "components", None) or []:
        for item in getattr(row, "children", ()):
            if getattr(item, "custom_id", None) != custom_id:
                continue
            if isinstance(item, discord.components.SelectMenu):
                return next((o.label for o in item.options if o.value == picked), str(picked or ""))
            return str(getattr(item, "label", "") or "")
    return ""


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


SUBCOMMANDS: dict[str, str] = {
    "start": "Start a case, or pick up where you left off",
    "new": "Open a new case alongside the others",
    "cases": "Your cases and where each one stands",
    "status": "Where the current case stands",
    "history": "Your history, as a file",
    "export": "Everything I keep about you, as files",
    "settings": "Your signature, check-ins, time zone and quiet hours",
    "closeout": "I accepted another offer: close out my other applications",
    "reopen": "Reopen a withdrawn case (they came back with something new)",
    "faq": "Common questions about withdrawing",
    "forget": "Delete everything I keep about you",
    "privacy": "What I keep, who can read it, and for how long",
    "help": "What each command does (only you see this)",
}
"""`/withdraw <subcommand>` and its description, in the order Discord lists them."""
assert set(SUBCOMMANDS) == set(translate.SUBCOMMANDS)


def help_text() -> str:
    """The short list `/withdraw help` answers with, where it was asked."""
    return "\n".join(["**Exit Coach** (private to you; I answer in our DMs)",
                      *(f"`/withdraw {name}` — {text}" for name, text in SUBCOMMANDS.items() if name != "help")])


def _subcommand(name: str, description: str) -> app_commands.Command[Any, ..., None]:
    async def callback(interaction: discord.Interaction) -> None:
        client: CoachClient = interaction.client  # type: ignore[assignment]
        await client.on_withdraw(interaction, name)

    return app_commands.Command(name=name, description=description, callback=callback)


def withdraw_command() -> app_commands.Group:
    """`/withdraw` as a group of subcommands, each with its description; usable in guilds and the bot's DM."""
    group = app_commands.Group(
        name="withdraw", description="Exit Coach: leave a job process well (private to you)",
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False),
    )
    for name, description in SUBCOMMANDS.items():
        group.add_command(_subcommand(name, description))
    return group


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
        self._forms: LRU[tuple[str, str], AskForm] = LRU(FORMS_REMEMBERED)
        """The forms opened as modals here, by (user, modal custom_id): their fields are checked on submit."""
        self._typed: LRU[tuple[str, str | None, str], Typed] = LRU(FORMS_REMEMBERED)
        """What was typed in a refused form (to prefill it when it is reopened) and the question's message."""
        self._reminders: tasks.Loop[Any] | None = None

    # ---- lifecycle

    async def setup_hook(self) -> None:
        """Register the persistent components, sync `/withdraw`, start the reminder loop."""
        self.coach.store.warn_if_clear()  # once the token was accepted: "stored in clear" when there's no key
        self.add_dynamic_items(components.CoachItem)
        await self.sync_commands()
        if self.reminder_every:
            self.start_reminders(self.reminder_every)

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
        """Ack at once (deferred, ephemeral), say "continuing in your DMs" with a link outside the DM (the
        "thinking" note is removed in the DM), then run and post to the DM."""
        try:
            if subcommand == "help":  # answered where it was asked, privately, as a short list
                await interaction.response.send_message(help_text(), ephemeral=True)
                return
            in_dm = translate.in_bot_dm(_context(interaction), _channel_type(interaction))
            await self.outbox.bounded(interaction.response.defer(ephemeral=True, thinking=True))
            if not in_dm:
                await self._moved_note(interaction)
            locale = getattr(interaction.locale, "value", "") or ""  # discord.Locale, from the payload's "locale"
            incoming = translate.command(interaction.user.id, subcommand, interaction.id, locale)
            ok = await self.run_event(incoming, Origin(interaction, interaction.user)) is not None
            if in_dm and ok:
                await self.outbox.bounded(interaction.delete_original_response())
        except Exception as exc:  # noqa: BLE001 - log by type and code, never user text
            log.warning("discord: /withdraw failed: %s", error_code(exc))
            log.debug("/withdraw failure", exc_info=True)
        finally:
            self.finished.done(str(interaction.id))

    async def _moved_note(self, interaction: discord.Interaction) -> None:
        """Outside the DM: "I'll continue in our direct messages", with a link that opens that DM.

        The command was deferred first, so opening the DM (a REST call) never risks the 3-second deadline.
        """
        key = translate.key_of(interaction.user.id)
        try:
            dm = await self.outbox.dm_channel(key, interaction.user)
            text = f"{MOVED} Open it: {dm_link(getattr(dm, 'id', 0))}"
        except REST_ERRORS:
            text = MOVED  # deliver() tells the user why the DM can't be used
        await self.outbox.bounded(interaction.edit_original_response(content=text))

    async def on_coach_component(self, interaction: discord.Interaction) -> None:
        """A click on one of our buttons or selects (from `components.CoachItem`).

        The click is deferred as an update of its own message; once the coach has acted on it, that message
        becomes a one-line record of the answer with its buttons gone (`edit_original_response`).
        """
        try:
            got = translate.component(interaction.user.id, interaction.data or {}, interaction.id)
            if isinstance(got, translate.OpenForm):
                await self._open_form(interaction, got)
            elif got is None:
                await self.outbox.bounded(interaction.response.defer())
            else:
                await self.outbox.bounded(interaction.response.defer())
                outcome = await self.run_event(got, await self._origin(interaction))
                if outcome is not None and outcome.changed:
                    await self._collapse(interaction, clicked_label(interaction))
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
            assert isinstance(got.event, SubmitForm)
            submitted: dict[str, Any] = dict(interaction.data or {})
            form = self._forms.get((got.key.user, str(submitted.get("custom_id"))))
            problems = form_problems(form.fields, got.event.values) if form is not None else {}
            typed_key = (got.key.user, got.event.case_id, got.event.question)
            if form is not None and problems:  # keep what was typed; the "Fill in" below reopens it prefilled
                earlier = self._typed.get(typed_key)
                question_message = earlier.message if earlier is not None else interaction.message
                self._typed.put(typed_key, Typed(dict(got.event.values), question_message))
                labels = {f.name: f.label for f in form.fields}
                fill = components.view(render.ask_form(form)[-1].rows)
                await interaction.response.send_message(render.refused(labels, problems), view=fill or
                                                        discord.utils.MISSING, ephemeral=True)
                return
            await self.outbox.bounded(interaction.response.defer())
            outcome = await self.run_event(got, await self._origin(interaction))
            refused_before = self._typed.pop(typed_key)
            if outcome is not None and outcome.changed and interaction.message is not None:
                values = [v.strip().splitlines()[0] for v in got.event.values.values() if v.strip()]
                record = " · ".join(values)[:140] or "Saved"
                await self._collapse(interaction, record)
                question = refused_before.message if refused_before is not None else None
                if question is not None and question.id != interaction.message.id:
                    # reopened from the refusal note: the question's own message is answered too
                    try:
                        await question.edit(content=render.answered(record), view=None)
                    except discord.HTTPException as exc:
                        log.warning("discord: collapsing an answered form failed: %s", error_code(exc))
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
            # a reply to a case's root message answers that case: the coach resolves it inside the step
            thread = translate.reply_ref(message.channel.id, replied)
            await self.run_event(got, Origin(None, message.author), thread=thread)
        except Exception as exc:  # noqa: BLE001
            log.warning("discord: a DM failed: %s", error_code(exc))
        finally:
            self.finished.done(str(message.id))

    # ---- work

    async def run_event(
        self, incoming: translate.Incoming, origin: Origin, *, thread: str | None = None
    ) -> Outcome | None:
        """One event through the coach (in a thread), then its replies; one at a time per user.

        Returns the outcome once every reply was posted, None after telling the user something failed.
        """
        async with self._locks.hold(incoming.key.user):
            try:
                outcome = await asyncio.to_thread(self.coach.handle, incoming.key, incoming.event,
                                                  event_id=incoming.event_id, thread=thread, with_threads=True)
            except Exception as exc:  # noqa: BLE001 - tell the user rather than drop it
                log.error("discord: the coach failed on an event: %s", type(exc).__name__)
                await self.outbox.note(origin, SORRY)
                return None
            if outcome.duplicate:
                return outcome
            posted = await self.outbox.deliver(incoming.key, origin, outcome.replies, outcome.threads)
            return outcome if posted else None

    async def _collapse(self, interaction: discord.Interaction, record: str) -> None:
        """The answered question's message becomes "✓ <answer>" without buttons; a failure only leaves them."""
        try:
            await self.outbox.bounded(
                interaction.edit_original_response(content=render.answered(record or "Answered"), view=None))
        except REST_ERRORS as exc:
            log.warning("discord: collapsing an answered question failed: %s", error_code(exc))

    async def _origin(self, interaction: discord.Interaction) -> Origin:
        """Replies go to the clicker's DM when they clicked there; else ephemerally where they clicked."""
        key = translate.key_of(interaction.user.id)
        try:
            dm = await self.outbox.dm_channel(key, interaction.user)
        except REST_ERRORS as exc:
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
        typed = self._typed.get((got.key.user, got.case_id, got.question))
        if typed is not None:  # reopened after a refused field: what was typed comes back
            form = dataclasses.replace(form, fields=tuple(
                dataclasses.replace(f, initial=typed.values.get(f.name, f.initial)) for f in form.fields))
        modal = components.modal(form)
        self._forms.put((got.key.user, modal.custom_id), form)
        await interaction.response.send_modal(modal)

    # ---- reminders

    async def deliver_due_once(self) -> int:
        """Post the due reminders of Discord users to their DMs; returns how many were delivered."""
        from exit_coach.adapters.discord import reminders

        return await reminders.deliver_due_once(self)

    def start_reminders(self, every: float) -> tasks.Loop[Any]:
        """Deliver due reminders every `every` seconds on a discord.ext.tasks loop, which waits until the
        client is ready and reconnects with backoff when the connection drops."""
        loop = tasks.loop(seconds=every, reconnect=True)(self._remind_round)
        loop.before_loop(self.wait_until_ready)
        loop.start()
        self._reminders = loop
        return loop

    async def _remind_round(self) -> None:
        """One round of the reminder loop; a failure is logged and the next round tries again."""
        try:
            sent = await self.deliver_due_once()
            await asyncio.to_thread(self.coach.purge_if_due)  # the retention purge, once a day
        except Exception as exc:  # noqa: BLE001 - the loop must survive one bad minute
            metrics.REMINDERS.labels("discord", "failed").inc()
            log.warning("discord: delivering reminders failed: %s", error_code(exc))
            return
        metrics.REMINDERS.labels("discord", "sent").inc(sent)
