"""Reminders on the user's clock: their kinds, when each is due, quiet hours, weekends, and how times read.

Pure functions over values: nothing here reads the wall clock, the database or
a platform. The flow asks `due(kind, now)` for a reminder's first moment; the
service moves every due moment to `next_allowed(moment, clock)` (out of the
user's quiet hours and, when they asked, their weekend) both when it schedules
a reminder and again just before it delivers one, so a changed setting or a
retry after a lease expired never lands at 3 a.m. `shown(moment, clock)` is
how every time reads to a user: "Tue 3 Dec, 10:00", in their zone.

Delivery itself (leases, tries, marking delivered) is the service's and the
store's business; the numbers it uses live here so they are stated once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ReminderKind(StrEnum):
    """What a reminder is for; stored by value in the reminder table."""

    NUDGE_SEND = "nudge_send"
    """The plan is shown but the message isn't marked as sent."""
    NEGOTIATION_CHECK = "negotiation_check"
    RELAY_CHECK = "relay_check"
    """Through a recruiter: did they confirm the news reached the hiring team?"""
    CHECKIN_2W = "checkin_2w"
    CHECKIN_3M = "checkin_3m"
    CHECKIN_MOBILITY = "checkin_mobility"
    CLOSEOUT = "closeout"
    """One nudge for a whole close-out batch (after accepting another offer), never one per case."""


CHECKIN_KINDS: tuple[ReminderKind, ...] = (
    ReminderKind.CHECKIN_2W,
    ReminderKind.CHECKIN_3M,
    ReminderKind.CHECKIN_MOBILITY,
)

DELAYS: dict[ReminderKind, timedelta] = {
    ReminderKind.NUDGE_SEND: timedelta(hours=48),
    ReminderKind.NEGOTIATION_CHECK: timedelta(days=7),
    ReminderKind.RELAY_CHECK: timedelta(days=2),
    ReminderKind.CHECKIN_2W: timedelta(days=14),
    ReminderKind.CHECKIN_3M: timedelta(days=60),
    ReminderKind.CHECKIN_MOBILITY: timedelta(days=180),
    ReminderKind.CLOSEOUT: timedelta(days=1),
}
"""How long after the moment that schedules it each kind first comes due (before quiet hours)."""

NUDGE_WHEN_ACCEPTED = timedelta(hours=24)
"""An accepted offer being withdrawn is urgent: its first nudge comes sooner."""
NUDGE_AGAIN = timedelta(days=1)
NEGOTIATION_AGAIN = timedelta(days=3)

SNOOZES: dict[str, timedelta] = {"snooze_1d": timedelta(days=1), "snooze_1w": timedelta(days=7)}
STOP = "stop"

LEASE = timedelta(minutes=5)
"""How long a worker owns a reminder it is posting; past it, another worker may try again."""
MAX_TRIES = 5
"""Posting attempts before a reminder is marked undeliverable (it then never blocks the others)."""

DEFAULT_QUIET = ("21:00", "08:00")


def due(kind: ReminderKind, now: datetime) -> datetime:
    """When a reminder of `kind` scheduled at `now` first comes due (quiet hours not yet applied)."""
    return now + DELAYS[kind]


@dataclass(frozen=True)
class UserClock:
    """A user's time zone, quiet hours and weekend choice; kept in their profile."""

    tz: str = "UTC"
    quiet_from: str = DEFAULT_QUIET[0]
    quiet_until: str = DEFAULT_QUIET[1]
    """Equal `quiet_from` and `quiet_until` mean no quiet hours."""
    quiet_weekends: bool = False
    """Off by default: reminders may come on Saturday and Sunday."""
    tz_source: str = ""
    """"" (the default, UTC), "platform" (Slack's profile) or "user" (chosen in `settings`, which wins)."""

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.tz)


def zone_of(name: str) -> ZoneInfo:
    """The zone named `name`, or UTC when the name is unknown here (never raises)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def valid_zone(name: str) -> str | None:
    """The canonical spelling of a known IANA zone name (case-insensitive), or None."""
    cleaned = name.strip().replace(" ", "_")
    if not cleaned or len(cleaned) > 64 or ".." in cleaned or cleaned.startswith("/"):
        return None
    if cleaned.upper() in ("UTC", "GMT", "Z"):
        return "UTC"
    try:
        ZoneInfo(cleaned)
        return cleaned
    except (ZoneInfoNotFoundError, ValueError):
        pass
    from zoneinfo import available_timezones  # only when the exact spelling missed: it reads the whole database

    lowered = cleaned.lower()
    return next((z for z in sorted(available_timezones()) if z.lower() == lowered), None)


def parse_hhmm(text: str) -> time | None:
    """"21:00", "9:30" or "8" as a time of day; None when it isn't one."""
    hours, _, minutes = text.strip().partition(":")
    if not hours.isdecimal() or (minutes and not minutes.isdecimal()) or len(hours) > 2 or len(minutes) > 2:
        return None
    h, m = int(hours), int(minutes or 0)
    return time(h, m) if 0 <= h < 24 and 0 <= m < 60 else None


def _quiet_bounds(clock: UserClock) -> tuple[time, time]:
    start = parse_hhmm(clock.quiet_from) or time(21)
    end = parse_hhmm(clock.quiet_until) or time(8)
    return start, end


def in_quiet_hours(moment: datetime, clock: UserClock) -> bool:
    """True when `moment` falls inside the user's quiet hours (a window may wrap past midnight)."""
    start, end = _quiet_bounds(clock)
    local = moment.astimezone(clock.zone).time().replace(second=0, microsecond=0)
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def on_weekend(moment: datetime, clock: UserClock) -> bool:
    return clock.quiet_weekends and moment.astimezone(clock.zone).weekday() >= 5


def next_allowed(moment: datetime, clock: UserClock) -> datetime:
    """The first minute at or after `moment` outside quiet hours and (if chosen) the weekend, in UTC."""
    zone = clock.zone
    start, end = _quiet_bounds(clock)
    current = moment.astimezone(UTC)
    for _ in range(10):  # at most: out of quiet hours, past a weekend, out of Monday's early hours
        local = current.astimezone(zone)
        if on_weekend(current, clock):
            days = 7 - local.weekday()
            current = datetime.combine(local.date() + timedelta(days=days), time(0), zone).astimezone(UTC)
            continue
        if in_quiet_hours(current, clock):
            day = local.date() if local.time() < end else local.date() + timedelta(days=1)
            current = datetime.combine(day, end, zone).astimezone(UTC)
            continue
        return current
    return current


def shown(moment: datetime | str | None, clock: UserClock, *, zone: bool = True, now: datetime | None = None) -> str:
    """A moment as a user reads it: "Tue 3 Dec, 10:00", their zone named (unless `zone=False`); never ISO.

    The year is added only when `now` is given and the moment falls in another year. The export keeps
    exact ISO times for machines; this is for people.
    """
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        try:
            at = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    else:
        at = moment
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    local = at.astimezone(clock.zone)
    year = f" {local.year}" if now is not None and now.astimezone(clock.zone).year != local.year else ""
    text = f"{local:%a} {local.day} {local:%b}{year}, {local:%H:%M}"
    return f"{text} ({zone_label(clock)})" if zone else text


def zone_label(clock: UserClock) -> str:
    return "UTC" if clock.zone.key == "UTC" else clock.zone.key


def describe(clock: UserClock) -> str:
    """The settings line: zone, quiet hours, weekends."""
    start, end = _quiet_bounds(clock)
    quiet = "none" if start == end else f"{start:%H:%M}–{end:%H:%M}"
    weekends = "quiet" if clock.quiet_weekends else "allowed"
    return f"Time zone: {zone_label(clock)}. Quiet hours: {quiet}. Weekends: {weekends}."
