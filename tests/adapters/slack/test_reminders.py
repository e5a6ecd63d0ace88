"""Reminders on Slack: posted to the DM with Snooze / Stop these, never twice, given up when the DM is gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from exit_coach.adapters.slack import ids, reminders
from exit_coach.reminders import LEASE
from exit_coach.schema import REMINDER
from tests.adapters.slack.conftest import Rig
from tests.store.conftest import walk_to

USER = "U1"


def plan_shown(rig: Rig) -> datetime:
    """Walk the user to the plan (a nudge is scheduled) and move the clock to when it is due, at noon UTC."""
    walk_to(rig.coach, rig.coach_key(USER), "plan")
    noon = (datetime.now(UTC) + timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)
    rig.coach.clock = lambda: noon
    return noon


def run_due(rig: Rig) -> int:
    assert rig.bot is not None
    count = reminders.deliver_due(rig.coach, rig.bot.outbox, rig.bot.queue)
    rig.settle()
    return count


def reminder_posts(rig: Rig) -> list:
    """Posts tagged as reminders (every post carries metadata: the Web API client tags its own for post-once)."""
    return [c for c in rig.stub.of("chat.postMessage") if reminders.EVENT_TYPE in str(c.data.get("metadata"))]


def row(rig: Rig) -> dict:
    with rig.coach.store.engine.connect() as conn:
        return dict(conn.execute(select(REMINDER).order_by(REMINDER.c.id)).first()._mapping)


def test_a_reminder_goes_to_the_dm_with_snooze_and_stop_and_is_delivered_once(rig: Rig) -> None:
    plan_shown(rig)
    assert run_due(rig) == 1
    [post] = reminder_posts(rig)
    assert post.data["channel"] == "D" + USER and "isn't marked as sent" in post.data["text"]
    assert run_due(rig) == 0, "delivered: not again"
    values = [ids.parse(e["action_id"]).value for _, e in rig.prompts(USER) if "remind:" in e["action_id"]]
    assert values == ["snooze_1d", "snooze_1w", "stop"]
    message, element = next((c, e) for c, e in rig.prompts(USER) if e["action_id"].endswith("snooze_1w")
                            or ids.parse(e["action_id"]).value == "snooze_1w")
    assert rig.post_payload(rig.action_payload(USER, message, element)).status == 200
    rig.settle()
    assert any("Snoozed. I'll remind you" in t for t in rig.texts(USER))


def test_a_retry_after_an_unknown_outcome_finds_the_first_post(rig: Rig) -> None:
    noon = plan_shown(rig)
    [delivery] = rig.coach.deliver_due(platform="slack")
    assert rig.bot is not None
    reminders.post_reminder(rig.bot.outbox, delivery)  # posted, then the process died before recording it
    rig.coach.clock = lambda: noon + LEASE + timedelta(minutes=1)
    assert run_due(rig) == 1
    assert len(reminder_posts(rig)) == 1, "the retry read the DM and did not post again"
    assert rig.stub.of("conversations.history"), "it looked before posting"
    assert row(rig)["delivered_at"] is not None


def test_a_closed_dm_gives_the_reminder_up_with_the_code(rig: Rig) -> None:
    plan_shown(rig)
    rig.stub.fail["conversations.open"] = "user_not_found"
    assert run_due(rig) == 1
    got = row(rig)
    assert got["failed_at"] is not None and got["last_error"] == "user_not_found"


def test_the_time_zone_comes_from_the_slack_profile(rig: Rig) -> None:
    rig.stub.zones[USER] = "Asia/Tokyo"
    rig.command(USER)
    assert rig.coach.export(rig.coach_key(USER))["profile"]["clock"]["tz"] == "Asia/Tokyo"
    calls = len(rig.stub.of("users.info"))
    rig.command(USER, "status")
    assert len(rig.stub.of("users.info")) == calls, "read now and then, not on every event"
