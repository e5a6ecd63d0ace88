"""Reminders on the user's clock, in the pure core: quiet hours, weekends, local times, Snooze / Stop these."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exit_coach.flow.events import Choose
from exit_coach.flow.followup import CONTROLS_TEXT
from exit_coach.flow.replies import Ask, CancelReminders, Reply, ScheduleReminder
from exit_coach.flow.state import Phase
from exit_coach.reminders import (
    DELAYS,
    UserClock,
    due,
    in_quiet_hours,
    next_allowed,
    on_weekend,
    parse_hhmm,
    shown,
    valid_zone,
)
from tests.core.conversation import Talk, answer_through

SCREENING = dict(
    stage="screening", negotiable="no", reason="not_a_fit", recruiter="no", main_channel="email", door="no"
)
PARIS = UserClock(tz="Europe/Paris")
TOKYO = UserClock(tz="Asia/Tokyo")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---- pure time arithmetic


def test_times_read_like_a_person_wrote_them_in_the_users_zone() -> None:
    moment = utc(2024, 12, 3, 9, 0)
    assert shown(moment, PARIS) == "Tue 3 Dec, 10:00 (Europe/Paris)"
    assert shown(moment, UserClock()) == "Tue 3 Dec, 09:00 (UTC)"
    assert shown(moment.isoformat(), TOKYO, zone=False) == "Tue 3 Dec, 18:00"
    assert shown(moment, PARIS, now=utc(2025, 6, 1)) == "Tue 3 Dec 2024, 10:00 (Europe/Paris)", "another year says so"
    assert not re.search(r"\d{4}-\d\d-\d\d|T\d\d:", shown("2024-12-03T09:00:00+00:00", PARIS)), "never ISO"


def test_a_moment_in_quiet_hours_waits_for_the_end_of_them_locally() -> None:
    late = utc(2026, 12, 2, 22, 30)  # 23:30 in Paris, inside 21:00–08:00
    assert in_quiet_hours(late, PARIS)
    assert next_allowed(late, PARIS) == utc(2026, 12, 3, 7, 0)  # 08:00 in Paris
    early = utc(2026, 12, 2, 5, 0)  # 06:00 in Paris, the same morning
    assert next_allowed(early, PARIS) == utc(2026, 12, 2, 7, 0)
    noon = utc(2026, 12, 2, 11, 0)
    assert next_allowed(noon, PARIS) == noon, "an allowed minute stays as it is"


def test_quiet_hours_can_be_changed_or_turned_off() -> None:
    lunch = replace(PARIS, quiet_from="12:00", quiet_until="13:30")
    assert next_allowed(utc(2026, 12, 2, 11, 15), lunch) == utc(2026, 12, 2, 12, 30)
    assert next_allowed(utc(2026, 12, 2, 23, 0), replace(PARIS, quiet_from="08:00", quiet_until="08:00")) == utc(
        2026, 12, 2, 23, 0
    ), "equal bounds: no quiet hours"


def test_weekends_are_allowed_unless_the_user_keeps_them_quiet() -> None:
    saturday = utc(2026, 12, 5, 11, 0)
    assert next_allowed(saturday, PARIS) == saturday, "default: weekends allowed"
    quiet = replace(PARIS, quiet_weekends=True)
    assert on_weekend(saturday, quiet)
    assert next_allowed(saturday, quiet) == utc(2026, 12, 7, 7, 0), "Monday 08:00 in Paris"


def test_daylight_saving_moves_the_utc_moment_not_the_local_one() -> None:
    ny = UserClock(tz="America/New_York")
    winter = next_allowed(utc(2026, 1, 15, 3, 0), ny)  # 22:00 New York
    summer = next_allowed(utc(2026, 7, 15, 2, 0), ny)  # 22:00 New York
    assert shown(winter, ny, zone=False).endswith("08:00") and shown(summer, ny, zone=False).endswith("08:00")
    assert winter.hour == 13 and summer.hour == 12


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(["UTC", "Europe/Paris", "Asia/Kolkata", "America/Los_Angeles", "Pacific/Auckland"]),
    st.integers(0, 23),
    st.integers(0, 23),
    st.booleans(),
)
def test_the_next_allowed_minute_is_never_quiet_never_earlier_and_within_days(
    moment: datetime, tz: str, start: int, end: int, weekends: bool
) -> None:
    clock = UserClock(tz=tz, quiet_from=f"{start:02d}:00", quiet_until=f"{end:02d}:00", quiet_weekends=weekends)
    got = next_allowed(moment, clock)
    assert got >= moment
    assert got - moment <= timedelta(days=4)
    assert not in_quiet_hours(got, clock) and not on_weekend(got, clock)


def test_settings_input_is_checked() -> None:
    assert valid_zone("europe/paris") == "Europe/Paris"
    assert valid_zone("utc") == "UTC"
    assert valid_zone("Mars/Olympus") is None and valid_zone("../etc/passwd") is None
    assert parse_hhmm("7:30") is not None and parse_hhmm("25:00") is None and parse_hhmm("noon") is None


def test_the_delay_table_covers_every_kind() -> None:
    from exit_coach.reminders import ReminderKind

    assert set(DELAYS) == set(ReminderKind)
    assert due(ReminderKind.CHECKIN_2W, utc(2026, 1, 1)) == utc(2026, 1, 15)


# ---- in the conversation


def click_on(talk: Talk, ask: Ask, value: str) -> tuple[Reply, ...]:
    """Press a button of a message further up (a reminder's), not of the last one shown."""
    return talk.send(Choose(value, ask.question, ask.case_id))


def sent_with_checkins(talk: Talk) -> str:
    answer_through(talk, **SCREENING)
    talk.click("draft")
    talk.click("sent")
    talk.click("checkins")
    return talk.case.id


def test_a_checkin_comes_with_snooze_and_stop_and_snooze_reschedules_it() -> None:
    talk = Talk()
    case_id = sent_with_checkins(talk)
    talk.due("checkin_2w", case_id)
    controls = next(r for r in talk.replies if isinstance(r, Ask) and r.question == "remind:checkin_2w")
    assert controls.text == CONTROLS_TEXT
    before = talk.now
    replies = click_on(talk, controls, "snooze_1w")
    [schedule] = [e for e in talk.effects if isinstance(e, ScheduleReminder)]
    assert schedule.kind == "checkin_2w" and schedule.due == before + timedelta(days=7)
    assert any("Snoozed. I'll remind you" in getattr(r, "text", "") for r in replies)
    assert talk.state.profile.snoozes == 1


def test_stop_these_turns_checkins_off() -> None:
    talk = Talk()
    case_id = sent_with_checkins(talk)
    talk.due("checkin_2w", case_id)
    controls = next(r for r in talk.replies if isinstance(r, Ask) and r.question == "remind:checkin_2w")
    click_on(talk, controls, "stop")
    assert not talk.state.profile.checkins and talk.state.profile.stops == 1
    assert any(isinstance(e, CancelReminders) and "checkin_2w" in e.kinds for e in talk.effects)
    assert talk.due("checkin_3m", case_id) == (), "no check-in after stopping them"


def test_the_terminal_answers_a_reminder_with_words() -> None:
    talk = Talk()
    case_id = sent_with_checkins(talk)
    talk.due("checkin_2w", case_id)
    talk.say("snooze")
    [schedule] = [e for e in talk.effects if isinstance(e, ScheduleReminder)]
    assert schedule.kind == "checkin_2w"
    talk.say("snooze")
    assert not any(isinstance(e, ScheduleReminder) for e in talk.effects), "the word answers one reminder once"


def test_a_nudge_stops_once_the_case_is_closed() -> None:
    talk = Talk()
    answer_through(talk, **SCREENING)
    case_id = talk.case.id
    assert talk.due("nudge_send", case_id), "a plan not sent yet gets a nudge"
    talk.command("cancel")
    case = talk.state.case(case_id)
    assert case is not None and case.phase is Phase.CANCELLED
    assert talk.due("nudge_send", case_id) == ()


def test_old_reminder_buttons_act_once() -> None:
    talk = Talk()
    case_id = sent_with_checkins(talk)
    talk.due("checkin_2w", case_id)
    controls = next(r for r in talk.replies if isinstance(r, Ask) and r.question == "remind:checkin_2w")
    click_on(talk, controls, "snooze_1d")
    state = talk.state
    click_on(talk, controls, "snooze_1d")
    assert talk.state == state, "a double click changes nothing"


@pytest.mark.parametrize("value,label", [("tz", "Time zone"), ("quiet", "Quiet hours")])
def test_settings_offer_the_clock(value: str, label: str) -> None:
    talk = Talk()
    talk.start()
    talk.command("settings")
    assert label in {o.label for o in talk.last.options}  # type: ignore[union-attr]
    assert "Time zone: UTC" in talk.last.text  # type: ignore[union-attr]


def test_a_time_zone_set_in_settings_is_used_for_every_time_shown() -> None:
    talk = Talk()
    answer_through(talk, **SCREENING)
    talk.command("settings")
    talk.click("tz")
    talk.fill(tz="asia/tokyo")
    assert talk.state.profile.clock.tz == "Asia/Tokyo" and talk.state.profile.clock.tz_source == "user"
    talk.command("status")
    status = talk.texts()
    assert "Opened: Mon 30 Nov, 18:00 (Asia/Tokyo)" in status
    talk.command("settings")
    talk.click("quiet")
    talk.fill(start="22:00", end="07:00")
    assert (talk.state.profile.clock.quiet_from, talk.state.profile.clock.quiet_until) == ("22:00", "07:00")
    talk.command("settings")
    talk.click("tz")
    talk.fill(tz="Nowhere/Special")
    assert "I don't know the time zone" in talk.texts() and talk.state.profile.clock.tz == "Asia/Tokyo"
