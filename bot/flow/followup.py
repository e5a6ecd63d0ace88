"""Reminders in the conversation: what a due reminder says, Snooze / Stop these, and the clock settings.

A due reminder (`ReminderDue`) becomes a short note, the Snooze / Stop these
choice (buttons on Slack and Discord, words in the terminal) and the case's
current step. It stays silent when it is moot: the case closed, the message
already sent, check-ins turned off. Snoozing reschedules the same kind; stopping
ends that kind (check-ins: all of them, as `settings` would). The service moves
every scheduled moment out of the user's quiet hours; the times this module
shows are computed with the same function, so what the user reads is when it
comes.
"""

from __future__ import annotations

from dataclasses import replace

from exit_coach.flow.drafting import NUDGE_LIMIT, set_checkins
from exit_coach.flow.outcome import Context, Step
from exit_coach.flow.replies import (
    Ask,
    AskForm,
    CancelReminders,
    Effect,
    FormField,
    Option,
    Reply,
    Say,
    ScheduleReminder,
)
from exit_coach.flow.state import Case, Conversation, Phase
from exit_coach.flow.texts import CHECKIN_TEXT, FOREIGN, STALE
from exit_coach.flow.view import case_prompt, prompt
from exit_coach.model import Reason
from exit_coach.reminders import (
    CHECKIN_KINDS,
    NUDGE_AGAIN,
    SNOOZES,
    STOP,
    ReminderKind,
    UserClock,
    describe,
    next_allowed,
    parse_hhmm,
    shown,
    valid_zone,
)

REMIND_PREFIX = "remind:"
CONTROLS_TEXT = "Not now? Snooze it, or stop these reminders."
CONTROLS_WORDS = "Not now? Type `snooze` (a day), `snooze week`, or `stop these`."
WORDS: dict[str, str] = {
    "snooze": "snooze_1d",
    "snooze day": "snooze_1d",
    "snooze 1 day": "snooze_1d",
    "snooze week": "snooze_1w",
    "snooze 1 week": "snooze_1w",
    "stop these": STOP,
}
"""What the terminal user types to answer the newest reminder."""


def controls(kind: ReminderKind, case_id: str) -> Ask:
    """Snooze (1 day / 1 week) and Stop these, under every reminder."""
    options = (Option("Snooze 1 day", "snooze_1d"), Option("Snooze 1 week", "snooze_1w"), Option("Stop these", STOP))
    return Ask(f"{REMIND_PREFIX}{kind.value}", CONTROLS_TEXT, options, case_id)


def is_controls(reply: Reply) -> bool:
    return isinstance(reply, Ask) and reply.question.startswith(REMIND_PREFIX)


def _kind(value: str) -> ReminderKind | None:
    try:
        return ReminderKind(value)
    except ValueError:
        return None


# ---- a reminder comes due


def reminder_due(conv: Conversation, kind_value: str, case_id: str, ctx: Context) -> Step:
    """A due reminder: nudge an unsent message, check in, or say nothing when it is moot."""
    from exit_coach.flow import closeout  # closeout builds on this module

    kind = _kind(kind_value)
    case = conv.case(case_id)
    if kind is None or case is None:
        return Step(conv, ())
    if kind is ReminderKind.CLOSEOUT:
        got = closeout.nudge(conv, ctx)
    elif kind is ReminderKind.NUDGE_SEND:
        got = _nudge(conv, case, ctx)
    elif kind is ReminderKind.NEGOTIATION_CHECK and case.phase is Phase.NEGOTIATING:
        got = Step(conv, (Say(CHECKIN_TEXT[kind.value], case.id), *case_prompt(case, conv, ctx)))
    elif kind is ReminderKind.RELAY_CHECK and case.phase is Phase.SENT and "recruiter_confirmed" not in case.done:
        got = Step(conv, (Say(f"{case.title}. {CHECKIN_TEXT[kind.value]}", case.id), *case_prompt(case, conv, ctx)))
    elif kind in CHECKIN_KINDS and conv.profile.checkins and case.phase is not Phase.CANCELLED:
        text = kind.value
        if kind is ReminderKind.CHECKIN_2W and case.answers.reason is Reason.OTHER_OFFER:
            text = "checkin_2w_transition"  # article: after leaving for another offer, finalise the transition
        got = Step(conv, (Say(f"{case.title}. {CHECKIN_TEXT[text]}", case.id),))
    else:
        return Step(conv, ())
    if not got.replies:
        return got
    state = replace(got.state, profile=replace(got.state.profile, last_reminder=f"{kind.value}:{case.id}"))
    note, *rest = got.replies
    return Step(state, (note, controls(kind, case.id), *rest), got.effects)


def _nudge(conv: Conversation, case: Case, ctx: Context) -> Step:
    if case.phase not in (Phase.PLANNED, Phase.DRAFTING) or case.nudges >= NUDGE_LIMIT or case.sent_at:
        return Step(conv, ())
    batch = conv.profile.closeout
    if batch is not None and case.id in batch.cases:
        return Step(conv, ())  # the close-out's one nudge speaks for it
    case = replace(case, nudges=case.nudges + 1)
    conv = conv.with_case(case)
    note = Say(
        f"A nudge about {case.title}: your message isn't marked as sent yet. Sending it soon is kinder than silence.",
        case.id,
    )
    effects: tuple[Effect, ...] = (
        CancelReminders(case.id, (ReminderKind.NUDGE_SEND.value,)),
        ScheduleReminder(case.id, ReminderKind.NUDGE_SEND.value, ctx.now + NUDGE_AGAIN),
    )
    return Step(conv, (note, *case_prompt(case, conv, ctx)), effects)


# ---- Snooze / Stop these


def typed(conv: Conversation, text: str, ctx: Context) -> Step | None:
    """`snooze`, `snooze week` or `stop these` typed after a reminder; None when the text is something else."""
    value = WORDS.get(" ".join(text.lower().split()))
    if value is None or not conv.profile.last_reminder:
        return None
    kind, _, case_id = conv.profile.last_reminder.partition(":")
    return choose(conv, f"{REMIND_PREFIX}{kind}", value, case_id, ctx)


def choose(conv: Conversation, question: str, value: str, case_id: str | None, ctx: Context) -> Step:
    """A click (or word) on a reminder's Snooze / Stop these."""
    kind = _kind(question.removeprefix(REMIND_PREFIX))
    case = conv.case(case_id)
    if case is None or kind is None:
        return Step(conv, (Say(FOREIGN if case_id and kind else STALE), *prompt(conv, ctx)))
    profile = conv.profile
    if profile.last_reminder != f"{kind.value}:{case.id}":
        # only the newest reminder's buttons act, and only once: a double click changes nothing
        return Step(conv, (Say(STALE), *prompt(conv, ctx)))
    profile = replace(profile, last_reminder=None)
    if value in SNOOZES:
        when = ctx.now + SNOOZES[value]
        local = shown(next_allowed(when, profile.clock), profile.clock)
        case = case.logged(ctx.stamp, f"Snoozed a {kind.value.replace('_', ' ')} reminder")
        conv = replace(conv.with_case(case), profile=replace(profile, snoozes=profile.snoozes + 1))
        effects: tuple[Effect, ...] = (
            CancelReminders(case.id, (kind.value,)),
            ScheduleReminder(case.id, kind.value, when),
        )
        return Step(conv, (Say(f"Snoozed. I'll remind you {local}.", case.id), *prompt(conv, ctx)), effects)
    if value != STOP:
        return Step(conv, (Say("That isn't one of the options."), *prompt(conv, ctx)))
    conv = replace(conv, profile=replace(profile, stops=profile.stops + 1))
    if kind in CHECKIN_KINDS:
        conv, effects = set_checkins(conv, False, ctx)
        note = "Okay, no more check-ins. `settings` turns them back on."
    elif kind is ReminderKind.CLOSEOUT:
        from exit_coach.flow import closeout

        conv, effects = closeout.stop_nudges(conv)
        note = "Okay, no more close-out reminders."
    else:
        if kind is ReminderKind.NUDGE_SEND:
            case = replace(case, nudges=NUDGE_LIMIT)
        conv = conv.with_case(case.logged(ctx.stamp, f"Stopped {kind.value.replace('_', ' ')} reminders"))
        effects = (CancelReminders(case.id, (kind.value,)),)
        note = f"Okay, no more of these reminders about {case.title}."
    return Step(conv, (Say(note, case.id), *prompt(conv, ctx)), effects)


# ---- settings: time zone, quiet hours, weekends

SETTINGS_FORMS = ("settings_tz", "settings_quiet")


def settings_options(clock: UserClock) -> tuple[Option, ...]:
    weekends = "Allow reminders at weekends" if clock.quiet_weekends else "Keep weekends quiet"
    return (Option("Time zone", "tz"), Option("Quiet hours", "quiet"), Option(weekends, "weekends"))


def settings_line(clock: UserClock) -> str:
    line = describe(clock)
    return line + (" (from your Slack profile)" if clock.tz_source == "platform" else "")


def settings_form(conv: Conversation) -> AskForm:
    clock = conv.profile.clock
    fields: tuple[FormField, ...]
    if conv.pending == "settings_tz":
        fields = (
            FormField("tz", "Time zone", initial=clock.tz, max_length=64, hint="e.g. Europe/Paris, America/New_York"),
        )
        return AskForm("settings_tz", "Your time zone", "Which time zone are you in? (IANA name)", fields)
    fields = (
        FormField("start", "Quiet from", initial=clock.quiet_from, max_length=5, hint="HH:MM, e.g. 21:00"),
        FormField("end", "Quiet until", initial=clock.quiet_until, max_length=5, hint="HH:MM; the same time for none"),
    )
    return AskForm("settings_quiet", "Quiet hours", "When should reminders wait? (your local time)", fields)


def choose_setting(conv: Conversation, value: str, ctx: Context) -> Step | None:
    """A clock choice in `settings`; None when `value` isn't one of these."""
    clock = conv.profile.clock
    if value in ("tz", "quiet"):
        return Step(replace(conv, pending=f"settings_{value}"), prompt(replace(conv, pending=f"settings_{value}"), ctx))
    if value == "weekends":
        clock = replace(clock, quiet_weekends=not clock.quiet_weekends)
        conv = replace(conv, profile=replace(conv.profile, clock=clock), pending=None)
        return Step(conv, (Say(settings_line(clock)), *prompt(conv, ctx)))
    return None


def submit_setting(conv: Conversation, question: str, values: dict[str, str], ctx: Context) -> Step:
    if conv.pending != question:
        return Step(conv, (Say(STALE), *prompt(conv, ctx)))
    clock = conv.profile.clock
    if question == "settings_tz":
        zone = valid_zone(values.get("tz", ""))
        if zone is None:
            problem = f"I don't know the time zone {values.get('tz', '')[:64]!r}. Try a name like Europe/Paris."
            return Step(conv, (Say(problem), *prompt(conv, ctx)))
        clock = replace(clock, tz=zone, tz_source="user")
    else:
        start, end = parse_hhmm(values.get("start", "")), parse_hhmm(values.get("end", ""))
        if start is None or end is None:
            return Step(conv, (Say("Please give both times as HH:MM, e.g. 21:00 and 08:00."), *prompt(conv, ctx)))
        clock = replace(clock, quiet_from=f"{start:%H:%M}", quiet_until=f"{end:%H:%M}")
    conv = replace(conv, profile=replace(conv.profile, clock=clock), pending=None)
    note = f"Saved. {settings_line(clock)} Now it's {shown(ctx.now, clock)} for you."
    return Step(conv, (Say(note), *prompt(conv, ctx)))

