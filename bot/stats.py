"""Operator statistics: does the coach help anyone? Aggregates only, small cells suppressed.

Pure: `gather(conversations)` counts cases by stage, reason and channel, how
many reached "sent", the median time from opening a case to telling the
employer, and how many people accepted, snoozed or stopped check-ins. Each
count remembers how many distinct people stand behind it; `public(stats)` turns
every cell with fewer than `MIN_PEOPLE` people into None, so no one can be
singled out. Nothing here ever holds a name, company or text: only enum values
and numbers leave this module.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from exit_coach.flow.state import Conversation

MIN_PEOPLE = 5


@dataclass
class Cell:
    """A count of cases and the people behind them."""

    cases: int = 0
    people: set[int] = field(default_factory=set)

    def add(self, person: int) -> None:
        self.cases += 1
        self.people.add(person)

    def public(self) -> int | None:
        return self.cases if len(self.people) >= MIN_PEOPLE else None


@dataclass
class Stats:
    people: Cell = field(default_factory=Cell)
    by_stage: dict[str, Cell] = field(default_factory=dict)
    by_reason: dict[str, Cell] = field(default_factory=dict)
    by_channel: dict[str, Cell] = field(default_factory=dict)
    reached_sent: Cell = field(default_factory=Cell)
    hours_to_sent: list[tuple[int, float]] = field(default_factory=list)
    checkins_accepted: Cell = field(default_factory=Cell)
    snoozed: Cell = field(default_factory=Cell)
    stopped: Cell = field(default_factory=Cell)


def _hours(start: str, end: str) -> float | None:
    try:
        return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 3600
    except ValueError:
        return None


def gather(conversations: Iterable[Conversation]) -> Stats:
    """Count everything once; person numbers are positions in the iteration, never ids."""
    stats = Stats()
    for person, conv in enumerate(conversations):
        stats.people.add(person)
        profile = conv.profile
        if profile.checkins:
            stats.checkins_accepted.add(person)
        if profile.snoozes:
            stats.snoozed.add(person)
        if profile.stops:
            stats.stopped.add(person)
        for case in conv.cases:
            stage = case.answers.stage.value if case.answers.stage else "not_given"
            stats.by_stage.setdefault(stage, Cell()).add(person)
            stats.by_reason.setdefault(case.answers.reason.value, Cell()).add(person)
            if case.latest is not None:
                stats.by_channel.setdefault(case.latest.channel.value, Cell()).add(person)
            if case.sent_at:
                stats.reached_sent.add(person)
                hours = _hours(case.created_at, case.sent_at)
                if hours is not None and hours >= 0:
                    stats.hours_to_sent.append((person, hours))
    return stats


def public(stats: Stats) -> dict[str, Any]:
    """The numbers an operator may see: each cell a count, or None when fewer than MIN_PEOPLE stand behind it."""
    senders = {person for person, _ in stats.hours_to_sent}
    median = statistics.median(h for _, h in stats.hours_to_sent) if len(senders) >= MIN_PEOPLE else None
    return {
        "min_people_per_cell": MIN_PEOPLE,
        "people": stats.people.cases if len(stats.people.people) >= MIN_PEOPLE else None,
        "cases": sum(c.cases for c in stats.by_stage.values()) if len(stats.people.people) >= MIN_PEOPLE else None,
        "by_stage": {k: v.public() for k, v in sorted(stats.by_stage.items())},
        "by_reason": {k: v.public() for k, v in sorted(stats.by_reason.items())},
        "by_channel": {k: v.public() for k, v in sorted(stats.by_channel.items())},
        "reached_sent": stats.reached_sent.public(),
        "median_hours_start_to_sent": None if median is None else round(median, 1),
        "checkins": {
            "accepted": _people(stats.checkins_accepted),
            "snoozed": _people(stats.snoozed),
            "stopped": _people(stats.stopped),
        },
    }


def _people(cell: Cell) -> int | None:
    return len(cell.people) if len(cell.people) >= MIN_PEOPLE else None


def table(data: dict[str, Any]) -> str:
    """The public numbers as a plain-text table; "<5" marks a suppressed cell."""

    def show(value: int | float | None) -> str:
        return f"<{MIN_PEOPLE}" if value is None else str(value)

    lines = [f"People: {show(data['people'])}   Cases: {show(data['cases'])}", ""]
    for title, key in (("Stage", "by_stage"), ("Reason", "by_reason"), ("Channel", "by_channel")):
        lines.append(f"{title:<20} cases")
        lines += [f"  {name:<18} {show(value)}" for name, value in data[key].items()] or ["  —"]
        lines.append("")
    lines.append(f"Reached sent: {show(data['reached_sent'])}")
    median = data["median_hours_start_to_sent"]
    lines.append(f"Median time from start to sent: {show(median)}{'' if median is None else ' hours'}")
    checkins = data["checkins"]
    lines.append(
        f"Check-ins (people): accepted {show(checkins['accepted'])}, snoozed {show(checkins['snoozed'])}, "
        f"stopped {show(checkins['stopped'])}"
    )
    lines.append(f"(Cells with fewer than {MIN_PEOPLE} people are shown as <{MIN_PEOPLE}.)")
    return "\n".join(lines)
