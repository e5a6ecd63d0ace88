"""Reminders on Discord: a retry reads the DM before posting again; closed DMs give the reminder up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from exit_coach.adapters.discord import ids, reminders, render
from exit_coach.adapters.discord.deliver import _kwargs
from exit_coach.flow.events import Choose, Command, SubmitForm
from exit_coach.reminders import LEASE
from exit_coach.schema import REMINDER
from tests.adapters.discord.conftest import Rig
from tests.store.conftest import walk_to

USER = "111"


def nudge_due_now(rig: Rig) -> None:
    """A user at the plan, quiet hours off (the test runs at any hour), their nudge long due.

    Long: the fake's message ids (snowflakes, which carry a message's time) date from 2023, and a retry
    counts only the bot's messages made since the reminder came due."""
    key = rig.key(USER)
    walk_to(rig.coach, key, "plan")
    rig.coach.handle(key, Command("settings"))
    rig.coach.handle(key, Choose("quiet", "settings"))
    rig.coach.handle(key, SubmitForm("settings_quiet", {"start": "00:00", "end": "00:00"}))
    with rig.coach.store.engine.begin() as conn:
        conn.execute(update(REMINDER).values(due_at=datetime(2023, 1, 1, tzinfo=UTC)))


def first_row(rig: Rig) -> dict:
    with rig.coach.store.engine.connect() as conn:
        return dict(conn.execute(select(REMINDER).order_by(REMINDER.c.id)).first()._mapping)


def test_a_retry_finds_the_post_of_the_attempt_that_died(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        assert rig.client is not None
        nudge_due_now(rig)
        [delivery] = await asyncio.to_thread(rig.coach.deliver_due, platform="discord")
        channel = await rig.client.outbox.dm_channel(delivery.key)
        for reply in delivery.replies:  # posted, then the process died before recording it
            for message in render.render(reply):
                await channel.send(**_kwargs(message))  # type: ignore[arg-type]
        posted = len(rig.fake.messages(rig.fake.dm_channel(USER)))
        real = rig.coach.clock
        rig.coach.clock = lambda: real() + LEASE + timedelta(minutes=1)
        assert await reminders.deliver_due_once(rig.client) == 0, "marked delivered, not posted again"
        assert len(rig.fake.messages(rig.fake.dm_channel(USER))) == posted
        assert rig.fake.of("GET", r"/channels/\d+/messages"), "it read the DM first"
        assert first_row(rig)["delivered_at"] is not None

    run(scenario)


def test_closed_dms_give_the_reminder_up_with_the_code(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        assert rig.client is not None
        nudge_due_now(rig)
        rig.fake.fail[("POST", r"/channels/\d+/messages")] = (403, 50007, "Cannot send messages to this user")
        assert await reminders.deliver_due_once(rig.client) == 0
        row = first_row(rig)
        assert row["failed_at"] is not None and row["last_error"] == "403/50007"

    run(scenario)


def test_a_reminder_has_snooze_and_stop_buttons_that_work(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        assert rig.client is not None
        nudge_due_now(rig)
        assert await reminders.deliver_due_once(rig.client) == 1
        controls = next(p for p in rig.prompts(USER) if p.parsed().question.startswith("remind:"))
        assert [ids.parse(c["custom_id"]).value for c in controls.components] == ["snooze_1d", "snooze_1w", "stop"]
        await rig.click(USER, "stop", prompt=controls)
        assert any("no more of these reminders" in t for t in rig.texts(USER))
        assert await reminders.deliver_due_once(rig.client) == 0

    run(scenario)
