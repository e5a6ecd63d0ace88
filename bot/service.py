"""The one entry point every front end calls: load → step → save, in one transaction.

`Coach.handle` runs one event for one user: it drops duplicated deliveries,
loads the conversation (locking it), runs the pure `step`, saves what changed
with a version check, records the event id and performs the step's effects
(reminder rows, export attachments, forgetting) before committing. A lost race
is retried from the load; a bug in the core is logged by ids only and answered
with an apology, nothing saved. `deliver_due` claims due reminder rows so each
is delivered once however many processes run. This module does no platform I/O:
it returns replies, the adapters send them.
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
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError

from exit_coach.codec import to_jsonable
from exit_coach.drafts import DraftRenderer
from exit_coach.flow.events import Event, ReminderDue, Text
from exit_coach.flow.outcome import Context
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
from exit_coach.store import Conflict, Loaded, Store, Tx, UserKey, dumps, open_store

log = logging.getLogger(__name__)

ATTEMPTS = 5
SORRY = "Sorry — something went wrong on my side; your progress so far is saved."
BUSY = "Your case changed at the same moment from somewhere else, so I didn't apply that. Please try again."
EXPORT_JSON = "exit-coach-export.json"
EXPORT_MD = "exit-coach-history.md"

__all__ = ["BUSY", "SORRY", "Coach", "Outcome", "UnknownUser", "UserKey", "open_coach"]


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


class _NotClaimed(Exception):
    """Another process delivered (or cancelled) this reminder first."""


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
    ) -> None:
        self.store = store
        self.renderer = renderer
        self.help_url = help_url
        self.clock = clock
        self.new_id = new_id
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.retries: Counter[str] = Counter()
        """Why steps were retried ("conflict", "locked", "integrity", "operational"); read by the benchmark."""
        self._retries_lock = threading.Lock()

    # ---- events

    def handle(self, key: UserKey, event: Event, *, event_id: str | None = None, thread: str | None = None,
               with_threads: bool = False) -> Outcome:
        """Apply one event for one user, atomically; a repeated `event_id` changes nothing.

        `thread` is the platform's reference of the thread a text was typed in: the text then answers the
        case that lives there, resolved in the same transaction as the step. `with_threads` asks for
        `Outcome.threads` (front ends with threads; the terminal has none).
        """
        outcome = self._run(key, event, event_id=event_id, claim=None, thread=thread, with_threads=with_threads)
        assert outcome is not None
        return outcome

    def deliver_due(
        self, *, limit: int = 50, platform: str | None = None, key: UserKey | None = None
    ) -> list[tuple[UserKey, Outcome]]:
        """Claim due reminders and run each through `step`; each row is delivered once across processes.

        A front end passes its `platform` (or, for the terminal, its one `key`) so it never claims a
        reminder that only another front end can deliver.
        """
        now = self.clock()
        with self.store.transaction() as tx:
            due = tx.due_reminders(now, limit, platform=platform, key=key)
        delivered: list[tuple[UserKey, Outcome]] = []
        for reminder in due:
            outcome = self._run(
                reminder.key, ReminderDue(reminder.kind, reminder.case_id), event_id=None, claim=reminder.id,
                with_threads=platform is not None,
            )
            if outcome is not None and outcome.replies:
                delivered.append((reminder.key, outcome))
        return delivered

    def _run(self, key: UserKey, event: Event, *, event_id: str | None, claim: int | None,
             thread: str | None = None, with_threads: bool = False) -> Outcome | None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.store.transaction() as tx:
                    return self._once(tx, key, event, event_id=event_id, claim=claim, thread=thread,
                                      with_threads=with_threads)
            except _NotClaimed:
                return None
            except _StepFailed:
                log.exception("step failed: platform=%s event=%s id=%s", key.platform, type(event).__name__, event_id)
                if claim is not None:  # a reminder that crashes the core is not retried forever
                    self._claim_only(claim)
                    return None
                return Outcome((Say(SORRY),))
            except (Conflict, IntegrityError, OperationalError) as exc:
                reason = _retry_reason(exc)
                with self._retries_lock:
                    self.retries[reason] += 1
                log.info("retrying a step after %s (attempt %d)", reason, attempt)
        log.warning("gave up on a step after %d attempts: platform=%s event_id=%s", ATTEMPTS, key.platform, event_id)
        return Outcome((Say(BUSY),))

    def _once(self, tx: Tx, key: UserKey, event: Event, *, event_id: str | None, claim: int | None,
              thread: str | None = None, with_threads: bool = False) -> Outcome:
        if event_id is not None and tx.seen(event_id):
            return Outcome((), duplicate=True)
        now = self.clock()
        loaded = tx.load(key, now=now, create=claim is None)
        if loaded is None:
            raise _NotClaimed
        if claim is not None and not tx.claim_reminder(claim, by=self.worker, now=now):
            raise _NotClaimed
        if thread is not None and isinstance(event, Text) and event.case_id is None:
            event = replace(event, case_id=tx.case_of_thread(loaded.user_pk, thread))
        ctx = Context(now=now, new_id=self.new_id(), render=self.renderer.render, help_url=self.help_url)
        try:
            result = step(loaded.conversation, event, ctx)
        except Exception as exc:
            raise _StepFailed from exc
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

    def _perform(
        self, tx: Tx, key: UserKey, loaded: Loaded, state: Conversation, effects: tuple[Effect, ...], *, now: datetime
    ) -> tuple[Reply, ...]:
        """Carry out effects inside the step's transaction; returns replies they add (attachments)."""
        exports = False
        for effect in effects:
            if isinstance(effect, ScheduleReminder):
                tx.add_reminder(loaded.user_pk, effect.case_id, effect.kind, effect.due)
            elif isinstance(effect, CancelReminders):
                tx.cancel_reminders(loaded.user_pk, effect.case_id, effect.kinds)
            elif isinstance(effect, ExportData):
                exports = True
        if not exports:
            return ()
        data = _export(tx, key, loaded, state, now)
        return (
            Attachment(EXPORT_JSON, dumps(data), "application/json"),
            Attachment(EXPORT_MD, history_markdown(data), "text/markdown"),
        )

    def _claim_only(self, reminder_id: int) -> None:
        try:
            with self.store.transaction() as tx:
                tx.claim_reminder(reminder_id, by=self.worker, now=self.clock())
        except (IntegrityError, OperationalError):
            log.exception("could not mark reminder %s delivered", reminder_id)

    # ---- what adapters read between events

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


def _retry_reason(exc: Exception) -> str:
    if isinstance(exc, Conflict):
        return "conflict"
    if isinstance(exc, IntegrityError):
        return "integrity"
    return "locked" if "database is locked" in str(exc) else "operational"


def _export(tx: Tx, key: UserKey, loaded: Loaded, conv: Conversation, now: datetime) -> dict[str, Any]:
    """The export of `conv` with the user's reminder and thread rows, read in the same transaction."""
    return export_dict(
        key, conv, tx.reminders(loaded.user_pk), tx.threads(loaded.user_pk), created_at=loaded.created_at, now=now
    )


def export_dict(
    key: UserKey,
    conv: Conversation,
    reminders: list[dict[str, Any]],
    threads: list[dict[str, str]],
    *,
    created_at: datetime | None,
    now: datetime,
) -> dict[str, Any]:
    """The export format: who, when, the profile, every case (answers, drafts, log), reminders, and where each
    case's messages live on the platform."""
    if created_at is not None and created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return {
        "format": "exit-coach-export/1",
        "exported_at": now.isoformat(timespec="seconds"),
        "user": {
            "platform": key.platform,
            "workspace": key.workspace,
            "user": key.user,
            "created_at": created_at.isoformat(timespec="seconds") if created_at else None,
        },
        "profile": to_jsonable(conv.profile),
        "active_case": conv.active,
        "pending": conv.pending,
        "cases": [to_jsonable(case) for case in conv.cases],
        "reminders": reminders,
        "threads": threads,
    }


def history_markdown(data: dict[str, Any]) -> str:
    """A readable Markdown history from an export dict (so both files always agree)."""
    user = data["user"]
    where = f"{user['platform']}" + (f" / {user['workspace']}" if user["workspace"] else "")
    sig = data["profile"].get("signature", {})
    lines = [
        "# Exit Coach — your history",
        "",
        f"Exported {data['exported_at']} for user `{user['user']}` on {where}.",
        "",
        "## Profile",
        "",
        f"- Name: {sig.get('name') or '—'}",
        f"- Email: {sig.get('email') or '—'}",
        f"- Phone: {sig.get('phone') or '—'}",
        f"- Check-ins: {'on' if data['profile'].get('checkins') else 'off'}",
    ]
    if not data["cases"]:
        lines += ["", "No cases yet."]
    for case in data["cases"]:
        lines += ["", *_case_markdown(case)]
    if data["reminders"]:
        lines += ["", "## Reminders", ""]
        for r in data["reminders"]:
            state = f"delivered {r['delivered_at']}" if r["delivered_at"] else "pending"
            lines.append(f"- {r['kind']} for case {r['case_id']}, due {r['due_at']} ({state})")
    if data["threads"]:
        lines += ["", "## Where your cases' messages live", ""]
        lines += [f"- case {t['case_id']}: {t['ref']}" for t in data["threads"]]
    return "\n".join(lines) + "\n"


def _case_markdown(case: dict[str, Any]) -> list[str]:
    title = case.get("company") or "New case"
    if case.get("role"):
        title += f" — {case['role']}"
    answers = case.get("answers", {})
    lines = [
        f"## {title}",
        "",
        f"- Case id: {case.get('id')}",
        f"- Opened: {case.get('created_at')}",
        f"- Status: {case.get('phase')}",
    ]
    if case.get("contact"):
        lines.append(f"- Contact: {case['contact']}")
    if answers.get("stage"):
        lines.append(f"- Stage: {answers['stage']}; reason: {answers.get('reason')}")
    if case.get("sent_at"):
        lines.append(f"- Sent: {case['sent_at']}")
    if case.get("log"):
        lines += ["", "### Log", ""]
        lines += [f"- {entry['at']} — {entry['text']}" for entry in case["log"]]
    for rev in case.get("revisions", []):
        heading = f"### Revision {rev['number']}: {rev['kind']} ({rev['channel']})"
        lines += ["", heading + (" — edited by you" if rev.get("edited") else ""), ""]
        if rev.get("subject"):
            lines += [f"Subject: {rev['subject']}", ""]
        lines += [f"> {line}" if line else ">" for line in rev.get("body", "").splitlines()]
    return lines


def open_coach(url: str | None = None) -> Coach:
    """A Coach on `url` (default: `config.database_url()`), with the configured templates and help link.

    Runs `upgrade()` so a fresh database is ready; raises `exit_coach.config.ConfigError` for bad settings.
    """
    from exit_coach import config

    store = open_store(url or config.database_url())
    return Coach(store, renderer=DraftRenderer(override_dir=config.templates_dir()), help_url=config.help_url())
