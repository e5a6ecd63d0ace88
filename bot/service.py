"""The one entry point every front end calls: load → step → save, in one transaction.

`Coach.handle` runs one event for one user: it drops duplicated deliveries,
loads the conversation (locking it), runs the pure `step`, saves what changed
with a version check, records the event id and performs the step's effects
(reminder rows, export attachments, forgetting) before committing. A lost race
is retried from the load; a bug in the core is logged by ids only and answered
with an apology, nothing saved. `deliver_due` leases due reminder rows (one
worker at a time, across processes) and the adapter reports `delivered` only
after the platform accepted the post, or `failed`: at-least-once delivery that a
crash between lease and post cannot lose. This module does no platform I/O: it
returns replies, the adapters send them.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from exit_coach.config import DEFAULT_RETENTION_DAYS
from exit_coach.drafts import DraftRenderer
from exit_coach.export import EXPORT_CSV, EXPORT_JSON, EXPORT_MD, cases_csv, export_dict, history_markdown
from exit_coach.flow.events import Event, ReminderDue, Text
from exit_coach.flow.outcome import Context, Step
from exit_coach.flow.replies import (
    AskForm,
    Attachment,
    CancelReminders,
    CaseOverview,
    Effect,
    ExportData,
    ForgetUser,
    Reply,
    Say,
    ScheduleReminder,
)
from exit_coach.flow.state import Conversation
from exit_coach.flow.step import step
from exit_coach.flow.view import form_on_screen, overview
from exit_coach.ratelimit import SLOW_DOWN, RateLimit, Verdict
from exit_coach.reminders import LEASE, MAX_TRIES, next_allowed, valid_zone
from exit_coach.store import DueReminder, Loaded, Store, Tx, UserKey, dumps, fault_kind, open_store
from exit_coach.store_faults import db_errors
from exit_coach.upkeep import Purged, purge

log = logging.getLogger(__name__)
_T = TypeVar("_T")

ATTEMPTS = 5
LEASE_ROUNDS = 5
EVENTS_PER_MINUTE = 30
"""The per-user rate limit of the bots: a person clicking and typing stays far below it."""
SORRY = "Sorry — something went wrong on my side; your progress so far is saved."
BUSY = "Your case changed at the same moment from somewhere else, so I didn't apply that. Please try again."
# A database fault is told as what it is; nothing of the step was saved (its transaction rolled back).
UNREACHABLE = "I couldn't reach my database just now, so I couldn't save that. Please try again in a moment."
DB_BUSY = "My database was too busy to save that just now. Please try again in a moment."
NO_WRITES = ("My database isn't accepting changes right now (it is read-only or full), so I couldn't save that. "
             "Please try again in a moment.")
FAULT_REPLIES = {"unreachable": UNREACHABLE, "timeout": UNREACHABLE, "other": UNREACHABLE, "locked": DB_BUSY,
                 "read_only": NO_WRITES, "disk_full": NO_WRITES}
RETRIES = {"conflict": ATTEMPTS, "integrity": ATTEMPTS, "locked": 3, "unreachable": 2}
"""Attempts per fault: a lost race is retried from the load; a killed connection once on a fresh one;
a timeout, a read-only or full database not at all (the wait already happened, or it won't change)."""

__all__ = ["BUSY", "FAULT_REPLIES", "SORRY", "Coach", "Delivery", "Outcome", "Undeliverable", "UnknownUser", "UserKey",
           "open_coach"]


@dataclass(frozen=True)
class Outcome:
    """What to send back for one event; `duplicate` when the event id was already processed."""

    replies: tuple[Reply, ...]
    duplicate: bool = False
    changed: bool = False
    """Whether the step changed the conversation: a click it acted on (adapters collapse that question),
    not a stale, foreign or refused one."""
    threads: dict[str, str] = field(default_factory=dict)
    """Where each case the replies speak about already lives on the platform (case id -> the adapter's
    reference, e.g. "channel:ts"), read in the step's own transaction; a case missing here has no thread yet."""


class UnknownUser(LookupError):
    """`export` for a user the store has never seen."""


class _StepFailed(Exception):
    """The core raised: roll back, apologise."""


class Undeliverable(Exception):
    """Raised by a front end's post when retrying can't help (DMs closed, user gone): the reminder is given up."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Delivery:
    """One leased reminder and what to post for it; report `Coach.delivered` or `Coach.failed` afterwards."""

    reminder_id: int
    key: UserKey
    kind: str
    case_id: str
    attempt: int
    """1 the first time; higher after a lease ran out (an earlier attempt may have reached the user)."""
    replies: tuple[Reply, ...]
    due_at: datetime
    """When it came due: no earlier attempt can have posted it before this."""

    @property
    def idempotency_key(self) -> str:
        """Stable across attempts: what a platform dedupes on, or what a re-post check looks for."""
        return f"coach-reminder-{self.reminder_id}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


class Coach:
    """Runs events for users against one store; safe to share between threads."""

    def __init__(
        self,
        store: Store,
        *,
        renderer: DraftRenderer,
        help_url: str | None = None,
        clock: Callable[[], datetime] = _utc_now,
        new_id: Callable[[], str] = _new_id,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self.store = store
        self.retention_days = retention_days
        """Cases untouched this long are deleted by `purge_if_due` (COACH_RETENTION_DAYS)."""
        self.rate_limit = rate_limit
        """Per-user events a minute (`open_coach` sets 30); None: no limit (tests, benchmarks of one user)."""
        self._last_purge: datetime | None = None
        self.renderer = renderer
        self.help_url = help_url
        self.clock = clock
        self.new_id = new_id
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.retries: Counter[str] = Counter()
        """Why steps were retried ("conflict", "locked", "integrity", "operational"); read by the benchmark."""
        self.faults: Counter[str] = Counter()
        """Steps given up on, by `store.fault_kind` ("unreachable", "read_only", ...); read by /metrics."""
        self._retries_lock = threading.Lock()

    # ---- events

    def handle(
        self,
        key: UserKey,
        event: Event,
        *,
        event_id: str | None = None,
        thread: str | None = None,
        with_threads: bool = False,
    ) -> Outcome:
        """Apply one event for one user, atomically; a repeated `event_id` changes nothing.

        `thread` is the platform's reference of the thread a text was typed in: the text then answers the
        case that lives there, resolved in the same transaction as the step. `with_threads` asks for
        `Outcome.threads` (front ends with threads; the terminal has none).
        A user over the rate limit gets one `SLOW_DOWN` note, then nothing, and nothing is read or saved.
        """
        verdict = Verdict.ALLOW if self.rate_limit is None else self.rate_limit.check(key, self.clock())
        if verdict is not Verdict.ALLOW:
            if verdict is Verdict.NOTE:
                log.info("rate limit: platform=%s user=%s", key.platform, key.user)
            return Outcome((Say(SLOW_DOWN),) if verdict is Verdict.NOTE else ())
        return self._run(key, event, event_id=event_id, thread=thread, with_threads=with_threads)

    def _run(
        self, key: UserKey, event: Event, *, event_id: str | None, thread: str | None, with_threads: bool
    ) -> Outcome:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.store.transaction() as tx:
                    return self._once(tx, key, event, event_id=event_id, thread=thread, with_threads=with_threads)
            except _StepFailed:
                log.exception("step failed: platform=%s event=%s id=%s", key.platform, type(event).__name__, event_id)
                return Outcome((Say(SORRY),))
            except db_errors() as exc:
                kind, failure = fault_kind(exc), exc
                if attempt < RETRIES.get(kind, 1):
                    self._count_retry(exc, attempt)
                    continue
                break
        else:
            kind, failure = "conflict", None
        with self._retries_lock:
            self.faults[kind] += 1
        if kind in ("conflict", "integrity"):
            log.warning("gave up on a step after %d attempts: platform=%s event_id=%s", ATTEMPTS, key.platform,
                        event_id)
            return Outcome((Say(BUSY),))
        log.error("database fault: %s (%s); platform=%s event_id=%s", kind,
                  type(getattr(failure, "orig", None) or failure).__name__, key.platform, event_id)
        return Outcome((Say(FAULT_REPLIES[kind]),))

    def _in_transaction(self, work: Callable[[Tx], _T], *, otherwise: _T) -> _T:
        """`work` in one transaction, retried on a database fault as often as a step would be; `otherwise`
        once given up (the fault is logged by kind only)."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.store.transaction() as tx:
                    return work(tx)
            except db_errors() as exc:
                if attempt >= RETRIES.get(fault_kind(exc), 1):
                    log.error("database fault: %s; giving up for now", fault_kind(exc))
                    break
                self._count_retry(exc, attempt)
        return otherwise

    def _count_retry(self, exc: BaseException, attempt: int) -> None:
        reason = _retry_reason(exc)
        with self._retries_lock:
            self.retries[reason] += 1
        log.info("retrying a step after %s (attempt %d)", reason, attempt)

    def _once(
        self, tx: Tx, key: UserKey, event: Event, *, event_id: str | None, thread: str | None, with_threads: bool
    ) -> Outcome:
        if event_id is not None and tx.seen(event_id):
            return Outcome((), duplicate=True)
        now = self.clock()
        loaded = tx.load(key, now=now, create=True)
        assert loaded is not None
        if thread is not None and isinstance(event, Text) and event.case_id is None:
            event = replace(event, case_id=tx.case_of_thread(loaded.user_pk, thread))
        result = self._step(loaded.conversation, event, now)
        if any(isinstance(effect, ForgetUser) for effect in result.effects):
            tx.delete_user(loaded.user_pk)
            return Outcome(result.replies)
        tx.save(loaded, result.state, now=now)
        if event_id is not None:
            tx.record_event(event_id, loaded.user_pk, now=now)
        extra = self._perform(tx, key, loaded, result.state, result.effects, now=now)
        replies = (*result.replies, *extra)
        threads = {}
        if with_threads and any(getattr(reply, "case_id", None) for reply in replies):
            threads = {row["case_id"]: row["ref"] for row in tx.threads(loaded.user_pk)}
        return Outcome(replies, changed=result.state != loaded.conversation, threads=threads)

    def _step(self, conv: Conversation, event: Event, now: datetime) -> Step:
        ctx = Context(now=now, new_id=self.new_id(), render=self.renderer.render, help_url=self.help_url,
                      retention_days=self.retention_days, encrypted=self.store.cipher.enabled)
        try:
            return step(conv, event, ctx)
        except Exception as exc:
            raise _StepFailed from exc

    def _perform(
        self,
        tx: Tx,
        key: UserKey,
        loaded: Loaded,
        state: Conversation,
        effects: tuple[Effect, ...],
        *,
        now: datetime,
        keep: int | None = None,
    ) -> tuple[Reply, ...]:
        """Carry out effects inside the step's transaction; returns replies they add (attachments).

        Reminders are scheduled at the user's next allowed minute (quiet hours, weekends); `keep` is the
        reminder being delivered, which its own step's cancellations must not delete.
        """
        exports = False
        for effect in effects:
            if isinstance(effect, ScheduleReminder):
                due = next_allowed(effect.due, state.profile.clock)
                tx.add_reminder(loaded.user_pk, effect.case_id, effect.kind, due)
            elif isinstance(effect, CancelReminders):
                tx.cancel_reminders(loaded.user_pk, effect.case_id, effect.kinds, keep=keep)
            elif isinstance(effect, ExportData):
                exports = True
        if not exports:
            return ()
        data = _export(tx, key, loaded, state, now)
        return (
            Attachment(EXPORT_JSON, dumps(data), "application/json"),
            Attachment(EXPORT_MD, history_markdown(data), "text/markdown"),
            Attachment(EXPORT_CSV, cases_csv(data), "text/csv"),
        )

    # ---- reminders: lease, post (the adapter), then delivered or failed

    def deliver_due(
        self, *, limit: int = 50, platform: str | None = None, key: UserKey | None = None
    ) -> list[Delivery]:
        """Lease due reminders and run each through `step`; returns what the caller must post now.

        At-least-once: a leased reminder counts as delivered only when the caller reports `delivered`
        after the platform accepted the post. If the caller dies or reports `failed`, the reminder is
        due again once its lease (`LEASE`) runs out, with `Delivery.attempt` raised, so the caller can
        check the platform before posting again. A retry runs the reminder's step again on the
        conversation as it is then, so a nudge for a message sent in the meantime stays silent (and is
        simply marked done). A reminder due inside the user's quiet hours (or on a
        weekend they keep free) is moved to their next allowed minute instead. A front end passes its
        `platform` (or, for the terminal, its one `key`) so it never leases another front end's reminders.
        """
        now = self.clock()
        leased: list[Delivery] = []
        tried: set[int] = set()
        for _ in range(LEASE_ROUNDS):  # rows another worker leased between our read and our claim: read on
            with self.store.transaction() as tx:
                due = tx.due_reminders(now, limit - len(leased), platform=platform, key=key, skip=tried)
            if not due:
                break
            for reminder in due:
                tried.add(reminder.id)
                delivery = self._lease(reminder)
                if delivery is not None:
                    leased.append(delivery)
            if len(leased) >= limit:
                break
        return leased

    def _lease(self, reminder: DueReminder) -> Delivery | None:
        return self._in_transaction(lambda tx: self._lease_once(tx, reminder), otherwise=None)

    def _lease_once(self, tx: Tx, reminder: DueReminder) -> Delivery | None:
        now = self.clock()
        loaded = tx.load(reminder.key, now=now, create=False)  # locks the user: one step at a time for them
        if loaded is None:
            return None
        allowed = next_allowed(now, loaded.conversation.profile.clock)
        if allowed > now:
            tx.defer_reminder(reminder.id, allowed)
            return None
        attempt = tx.lease_reminder(reminder.id, by=self.worker, now=now, until=now + LEASE)
        if attempt is None:
            return None  # another worker holds it, delivered it, or it was cancelled
        try:
            result = self._step(loaded.conversation, ReminderDue(reminder.kind, reminder.case_id), now)
        except _StepFailed:
            # a reminder that crashes the core is given up, not retried forever (ids only in the log)
            log.exception("reminder step failed: id=%s kind=%s", reminder.id, reminder.kind)
            tx.mark_failed(reminder.id, "core error", now=now, permanent=True, max_tries=MAX_TRIES)
            return None
        tx.save(loaded, result.state, now=now)
        self._perform(tx, reminder.key, loaded, result.state, result.effects, now=now, keep=reminder.id)
        if not result.replies:
            tx.mark_delivered(reminder.id, now=now, note="nothing to say")
            return None
        return Delivery(
            reminder.id,
            reminder.key,
            reminder.kind,
            reminder.case_id,
            attempt,
            result.replies,
            reminder.due_at,
        )

    def delivered(self, delivery: Delivery) -> bool:
        """The platform accepted the post: the reminder is done. False when it already was."""
        with self.store.transaction() as tx:
            return tx.mark_delivered(delivery.reminder_id, now=self.clock())

    def failed(self, delivery: Delivery, reason: str, *, permanent: bool = False) -> bool:
        """The post failed: due again after the lease, or given up (`permanent`, or `MAX_TRIES` used).

        `reason` is an error code, never user text. Returns True when the reminder was given up.
        """
        with self.store.transaction() as tx:
            gave_up = tx.mark_failed(
                delivery.reminder_id, reason, now=self.clock(), permanent=permanent, max_tries=MAX_TRIES
            )
        if gave_up:
            log.warning("reminder %s given up after %d attempt(s): %s", delivery.reminder_id, delivery.attempt, reason)
        return gave_up

    def settle(
        self,
        delivery: Delivery,
        post: Callable[[Delivery], object],
        *,
        shown: Callable[[Delivery], bool] | None = None,
    ) -> str:
        """Post one leased reminder with `post` and record the result; for synchronous front ends.

        On a retry, `shown(delivery)` asks the platform whether an earlier attempt got through after all
        (the process died, or the answer was lost, after posting): then it is only marked delivered.
        `post` raises `Undeliverable` for a failure retrying can't fix, anything else for one it may.
        Returns "delivered", "already", "retry" or "given up".
        """
        try:
            if delivery.attempt > 1 and shown is not None and shown(delivery):
                self.delivered(delivery)
                return "already"
            post(delivery)
        except Undeliverable as exc:
            self.failed(delivery, exc.reason, permanent=True)
            return "given up"
        except Exception as exc:  # noqa: BLE001 - any other failure: the lease runs out and it is tried again
            return "given up" if self.failed(delivery, type(exc).__name__) else "retry"
        self.delivered(delivery)
        return "delivered"

    def set_time_zone(self, key: UserKey, tz: str) -> bool:
        """Record the zone a platform reports for the user (Slack's `users.info`); True when it changed.

        Unknown names are ignored, and so is the platform when the user chose a zone in `settings`.
        Does nothing for a user the store has never seen.
        """
        zone = valid_zone(tz)
        if zone is None:
            return False

        def record(tx: Tx) -> bool:
            loaded = tx.load(key, now=self.clock(), create=False)
            if loaded is None:
                return False
            profile = loaded.conversation.profile
            if profile.clock.tz_source == "user" or profile.clock.tz == zone:
                return False
            clock = replace(profile.clock, tz=zone, tz_source="platform")
            tx.save(loaded, replace(loaded.conversation, profile=replace(profile, clock=clock)), now=self.clock())
            return True

        return self._in_transaction(record, otherwise=False)

    def purge_if_due(self) -> Purged | None:
        """The retention purge, at most once a day per process (the bots call this every minute); None when
        it was not due or failed (logged by error type only: the next day tries again)."""
        now = self.clock()
        with self._retries_lock:
            if self._last_purge is not None and now - self._last_purge < timedelta(days=1):
                return None
            self._last_purge = now
        try:
            purged = purge(self.store, now=now, days=self.retention_days)
        except Exception as exc:  # noqa: BLE001 - a failed purge must not stop reminders
            log.warning("retention purge failed: %s", type(exc).__name__)
            return None
        log.info("retention purge: %d case(s), %d user(s) deleted", purged.cases, purged.users)
        return purged

    # ---- what adapters read between events

    def seen(self, event_id: str) -> bool:
        """Whether the step of `event_id` was saved (for an event acked before a crash)."""
        with self.store.reading() as tx:
            return tx.seen(event_id)

    def overview(self, key: UserKey) -> tuple[CaseOverview, ...]:
        """The user's cases at a glance (newest first); empty for a user never seen."""
        conv = self._peek(key)
        return () if conv is None else overview(conv)

    def home(self, key: UserKey) -> tuple[tuple[CaseOverview, ...], dict[str, str]]:
        """The user's cases at a glance and where each case's thread lives (case id -> reference), in one read."""
        with self.store.reading() as tx:
            loaded = tx.load(key, now=self.clock(), create=False)
            if loaded is None:
                return (), {}
            return overview(loaded.conversation), {r["case_id"]: r["ref"] for r in tx.threads(loaded.user_pk)}

    def current_form(self, key: UserKey, case_id: str | None, question: str) -> AskForm | Say:
        """The form to open for a "Fill in" click, or a note to show instead (closed, or not theirs)."""
        return form_on_screen(self._peek(key) or Conversation(), case_id, question)

    def thread(self, key: UserKey, case_id: str) -> str | None:
        """The platform's reference for where the case's messages live, if one was recorded."""
        with self.store.reading() as tx:
            pk = tx.user_pk(key)
            return None if pk is None else tx.thread_ref(pk, case_id)

    def threads(self, key: UserKey) -> dict[str, str]:
        """Where each of the user's cases lives (case id -> reference); empty for a user never seen."""
        with self.store.reading() as tx:
            pk = tx.user_pk(key)
            return {} if pk is None else {r["case_id"]: r["ref"] for r in tx.threads(pk)}

    def case_of_thread(self, key: UserKey, ref: str) -> str | None:
        """Which of the user's cases lives at `ref` (text typed in a thread answers that case)."""
        with self.store.reading() as tx:
            pk = tx.user_pk(key)
            return None if pk is None else tx.case_of_thread(pk, ref)

    def set_thread(self, key: UserKey, case_id: str, ref: str) -> str:
        """Record where the case's thread lives unless it has one already; returns the one in force.

        Kept with the user's rows, so `forget` deletes it too.
        """
        with self.store.transaction() as tx:
            pk = tx.user_pk(key)
            return ref if pk is None else tx.set_thread_ref(pk, case_id, ref)

    def _peek(self, key: UserKey) -> Conversation | None:
        with self.store.reading() as tx:
            loaded = tx.load(key, now=self.clock(), create=False)
            return None if loaded is None else loaded.conversation

    # ---- the user's data

    def export(self, key: UserKey) -> dict[str, Any]:
        """All of the user's data as a JSON-able dict; raises UnknownUser when there is none."""
        now = self.clock()
        with self.store.reading() as tx:
            loaded = tx.load(key, now=now, create=False)
            if loaded is None:
                raise UnknownUser(f"no data for user {key.user!r} on {key.platform!r}")
            return _export(tx, key, loaded, loaded.conversation, now)

    def export_markdown(self, key: UserKey) -> str:
        """The user's history as readable Markdown; raises UnknownUser when there is none."""
        return history_markdown(self.export(key))

    def forget(self, key: UserKey) -> bool:
        """Delete every row of this user (and only theirs); False when there was nothing to delete."""
        return self.forget_counts(key) is not None

    def forget_counts(self, key: UserKey) -> dict[str, int] | None:
        """Like `forget`, returning how many rows of each kind were deleted (None when unknown)."""
        with self.store.transaction() as tx:
            pk = tx.user_pk(key)
            return None if pk is None else tx.delete_user(pk)


def _retry_reason(exc: BaseException) -> str:
    kind = fault_kind(exc)
    return kind if kind in ("conflict", "integrity", "locked") else "operational"


def _export(tx: Tx, key: UserKey, loaded: Loaded, conv: Conversation, now: datetime) -> dict[str, Any]:
    """The export of `conv` with the user's reminder and thread rows, read in the same transaction."""
    return export_dict(
        key, conv, tx.reminders(loaded.user_pk), tx.threads(loaded.user_pk), created_at=loaded.created_at, now=now
    )


def open_coach(url: str | None = None) -> Coach:
    """A Coach on `url` (default: `config.database_url()`), with the configured templates and help link.

    Runs `upgrade()` so a fresh database is ready; raises `exit_coach.config.ConfigError` for bad settings.
    """
    from exit_coach import config

    days = config.retention_days()
    store = open_store(url or config.database_url())
    return Coach(store, renderer=DraftRenderer(override_dir=config.templates_dir()), help_url=config.help_url(),
                 retention_days=days, rate_limit=RateLimit(limit=EVENTS_PER_MINUTE))
