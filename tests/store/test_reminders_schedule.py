"""Reminders through the whole service with an injected clock: on the user's clock, once, and not when moot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from exit_coach.flow.events import Choose, Command, SubmitForm
from exit_coach.flow.replies import Ask
from exit_coach.reminders import ReminderKind, UserClock, in_quiet_hours
from exit_coach.schema import REMINDER
from exit_coach.service import Coach, Delivery, UserKey
from tests.store.conftest import FakeClock, walk_to

SAM = UserKey("console", "", "sam")
TOKYO = UserClock(tz="Asia/Tokyo")


def due_rows(coach: Coach, **where: str) -> list[tuple[str, datetime]]:
    query = select(REMINDER.c.kind, REMINDER.c.due_at).where(REMINDER.c.delivered_at.is_(None))
    for column, value in where.items():
        query = query.where(REMINDER.c[column] == value)
    with coach.store.engine.connect() as conn:
        return [(k, d.replace(tzinfo=UTC) if d.tzinfo is None else d) for k, d in conn.execute(query)]


def in_tokyo(coach: Coach, key: UserKey) -> None:
    coach.handle(key, Command("settings"))
    coach.handle(key, Choose("tz", "settings"))
    coach.handle(key, SubmitForm("settings_tz", {"tz": "Asia/Tokyo"}))


def deliver_all(coach: Coach) -> list[Delivery]:
    got = coach.deliver_due()
    for delivery in got:
        assert coach.settle(delivery, lambda d: None) == "delivered"
    return got


def test_a_nudge_comes_at_the_users_morning_once_and_a_snooze_moves_it(coach: Coach, clock: FakeClock) -> None:
    clock.now = datetime(2025, 3, 3, 13, 0, tzinfo=UTC)  # 22:00 in Tokyo
    coach.handle(SAM, Command("start"))
    in_tokyo(coach, SAM)
    walk_to(coach, SAM, "plan")
    [(kind, at)] = due_rows(coach)
    assert kind == "nudge_send"
    # 48 hours later is 22:00 in Tokyo, inside the quiet hours: it waits for 08:00 there
    assert at == datetime(2025, 3, 5, 23, 0, tzinfo=UTC)
    clock.now = at - timedelta(minutes=1)
    assert deliver_all(coach) == []
    clock.now = at
    [nudge] = deliver_all(coach)
    assert "isn't marked as sent" in nudge.replies[0].text  # type: ignore[union-attr]
    assert deliver_all(coach) == [], "not twice"
    controls = next(r for r in nudge.replies if isinstance(r, Ask) and r.question.startswith("remind:"))
    clock.advance(minutes=5)
    coach.handle(SAM, Choose("snooze_1w", controls.question, controls.case_id))
    [(kind, at)] = due_rows(coach)
    assert kind == "nudge_send" and at == clock.now + timedelta(days=7), "the snooze replaced the daily nudge"
    clock.now = at - timedelta(minutes=1)
    assert deliver_all(coach) == []
    clock.now = at
    assert len(deliver_all(coach)) == 1, "after the snooze, at the new time"


def test_no_reminder_after_the_case_is_closed(coach: Coach, clock: FakeClock) -> None:
    walk_to(coach, SAM, "plan")
    coach.handle(SAM, Command("cancel"))
    clock.advance(days=30)
    assert deliver_all(coach) == []


def test_every_kind_is_scheduled_outside_the_quiet_hours(coach: Coach, clock: FakeClock) -> None:
    clock.now = datetime(2025, 3, 3, 14, 30, tzinfo=UTC)  # 23:30 in Tokyo
    coach.handle(SAM, Command("start"))
    in_tokyo(coach, SAM)
    # pay is the problem and they'd stay for better terms: the negotiation path comes first (article)
    negotiating = {"stage": "screening", "reason": "compensation", "negotiable": "yes", "recruiter": "no"}
    outcome = walk_to(coach, SAM, "rev:", picks=negotiating)
    seen: set[str] = set()
    picks = {"outcome": "withdraw", "plan": "draft", "after": "checkins"}
    for _ in range(12):
        for kind, at in due_rows(coach):
            seen.add(kind)
            assert not in_quiet_hours(at, TOKYO), f"{kind} due at {at} is inside the quiet hours"
        last = outcome.replies[-1]
        if isinstance(last, Ask) and last.question == "after" and "checkin_2w" in seen:
            break
        if isinstance(last, Ask):
            outcome = coach.handle(SAM, Choose(picks[last.question], last.question, last.case_id))
        else:
            value = next(a.value for a in last.actions if a.value in ("sent", "call_done"))  # type: ignore[union-attr]
            outcome = coach.handle(SAM, Choose(value, f"rev:{last.number}", last.case_id))  # type: ignore[union-attr]
        clock.advance(hours=5)
    assert seen >= {"nudge_send", "negotiation_check", "checkin_2w", "checkin_3m"}
    first = min(at for kind, at in due_rows(coach) if kind == "checkin_2w")
    clock.now = first
    [checkin] = deliver_all(coach)
    assert checkin.kind == "checkin_2w"


def test_the_clock_and_a_closeout_batch_survive_a_save() -> None:
    from exit_coach.codec import decode_profile, encode_profile
    from exit_coach.flow.state import CloseoutBatch, Profile

    profile = Profile(clock=UserClock(tz="Asia/Tokyo", quiet_from="22:00", quiet_until="07:00", quiet_weekends=True,
                                      tz_source="user"),
                      last_reminder="checkin_2w:c1", snoozes=2, stops=1,
                      closeout=CloseoutBatch(("c2", "c3"), 3, "c2", 1))
    assert decode_profile(encode_profile(profile)) == profile
    assert decode_profile('{"checkins": true}').clock == UserClock(), "an older profile gets the defaults"


@pytest.mark.parametrize("kind", [k.value for k in ReminderKind])
def test_each_kind_fires_at_the_users_local_morning_not_in_the_night(coach: Coach, clock: FakeClock,
                                                                       kind: str) -> None:
    """Due at 23:30 in Tokyo: nothing until 08:00 there, then exactly one reminder of that kind."""
    from exit_coach.flow.state import Case, CloseoutBatch, Conversation, Phase, Profile

    night = datetime(2025, 3, 3, 14, 30, tzinfo=UTC)
    phase = {"nudge_send": Phase.PLANNED, "negotiation_check": Phase.NEGOTIATING, "closeout": Phase.DRAFTING}
    case = Case(id="c1", created_at=night.isoformat(), company="Acme", phase=phase.get(kind, Phase.SENT),
                sent_at=None if kind in phase else night.isoformat())
    batch = CloseoutBatch(("c1",), 1, "c1") if kind == "closeout" else None
    conv = Conversation(profile=Profile(checkins=True, clock=TOKYO, closeout=batch), cases=(case,), active="c1")
    with coach.store.transaction() as tx:
        loaded = tx.load(SAM, now=night, create=True)
        assert loaded is not None
        tx.save(loaded, conv, now=night)
        tx.add_reminder(loaded.user_pk, "c1", kind, night)
    clock.now = night
    assert deliver_all(coach) == []
    morning = datetime(2025, 3, 3, 23, 0, tzinfo=UTC)  # 08:00 on the 4th in Tokyo
    clock.now = morning - timedelta(minutes=1)
    assert deliver_all(coach) == []
    clock.now = morning
    [delivery] = deliver_all(coach)
    assert delivery.kind == kind and delivery.replies
    assert deliver_all(coach) == [], "not twice"
