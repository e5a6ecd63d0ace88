"""The Bolt app: listeners that translate, acknowledge at once, and queue the real work.

Every listener acks within microseconds (with `process_before_response=True`
the ack is the HTTP response, so it must not wait for anything slow) and hands
a job to the `Worker`: `Coach.handle` in one transaction, then the Web API
calls through `Outbox`. Slack's deadline is 3 seconds, and a "Fill in" click's
`trigger_id` lives only 3 seconds too: its job (a read-only look at the form on
screen, which never waits for a step in progress, then `views.open`) goes to
the worker's urgent pool, never behind anyone's queued steps.

A slash command is acked empty; whether it came from the user's own DM is
decided in the job, once the DM channel is known (`conversations.open`), and
only a command from elsewhere gets the "I'll continue in our direct messages"
note, ephemerally.

No roadmap logic here: which question comes next, whether a click is stale or
belongs to someone else, all of that is the core's answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_sdk import WebClient

from exit_coach.adapters import metrics
from exit_coach.adapters.slack import translate
from exit_coach.adapters.slack.deliver import FORM_FAILED, Outbox, error_code
from exit_coach.adapters.slack.inbox import Entry, Inbox
from exit_coach.adapters.slack.reminders import ZoneRefresher
from exit_coach.adapters.slack.webapi import make_client
from exit_coach.adapters.slack.worker import Worker
from exit_coach.flow.events import Start
from exit_coach.service import Coach, UserKey

log = logging.getLogger(__name__)
COMMAND = "/withdraw"
SORRY = "Something went wrong on my side, so nothing was changed. Please try again in a moment."
RESTARTED_SAVED = ("I restarted just after saving your last step, before I could answer. "
                   "Type `status` to see where we are.")
RESTARTED_LOST = ("I restarted before I could apply what you last sent, so it wasn't saved. "
                  "Please send it (or click it) again.")
Body = dict[str, Any]
__all__ = ["SlackBot", "build_app", "make_client"]


def with_locale(incoming: translate.Incoming, locale: str) -> translate.Incoming:
    """`incoming` (a Start) with the user's platform locale, when there is one."""
    if not locale or not isinstance(incoming.event, Start):
        return incoming
    return replace(incoming, event=replace(incoming.event, locale=locale))


@dataclass
class SlackBot:
    """The Bolt app and what runs behind it; `close()` finishes queued work."""

    app: App
    coach: Coach
    outbox: Outbox
    worker: Worker
    inbox: Inbox | None = None
    zones: ZoneRefresher | None = None
    """Keeps each user's time zone (Slack profile `tz`) fresh, for reminders and the times shown."""

    def accept(self, incoming: translate.Incoming) -> None:
        """Write the event in the inbox journal (before the ack goes out), then queue its job."""
        metrics.ACKS.labels("slack", incoming.origin.kind).inc()
        metrics.ACTIVE.touch(incoming.key)
        inbox = self.inbox
        if inbox is None:
            self.queue(incoming.key, lambda: self.handle(incoming))
            return
        o = incoming.origin
        number = inbox.accept(Entry(incoming.key.platform, incoming.key.workspace, incoming.key.user,
                                    incoming.event_id, o.channel, o.thread_ts, o.response_url, o.kind))

        def job() -> None:
            try:
                self.handle(incoming)
            finally:
                inbox.done(number)

        self.queue(incoming.key, job)

    def recover(self, entries: list[Entry]) -> None:
        """Tell the user of each event acked before a crash whether it was saved (see `inbox`)."""
        for entry in entries:
            key = UserKey(entry.platform, entry.workspace, entry.user)
            origin = translate.Origin(entry.channel, entry.thread_ts, entry.response_url, entry.kind)

            def job(entry: Entry = entry, key: UserKey = key, origin: translate.Origin = origin) -> None:
                saved = entry.event_id is not None and self.coach.seen(entry.event_id)
                metrics.RECOVERED.labels(str(saved).lower()).inc()
                self.outbox.note(key, origin, RESTARTED_SAVED if saved else RESTARTED_LOST)

            self.queue(key, job)

    def handle(self, incoming: translate.Incoming) -> None:
        """One event through the coach, then its replies to Slack (runs on a worker thread)."""
        profile = self.profile_for_start(incoming)  # after the ack; also gives the time zone below
        if profile is not None:
            incoming = with_locale(incoming, translate.user_locale({"user": profile}))
        try:  # text typed in a thread answers the case that lives there: the coach resolves it in the step
            with metrics.STEP_SECONDS.labels("slack").time():
                outcome = self.coach.handle(incoming.key, incoming.event, event_id=incoming.event_id,
                                            thread=translate.thread_ref(incoming), with_threads=True)
        except Exception as exc:  # noqa: BLE001 - tell the user rather than drop it
            log.error("slack: the coach failed on an event: %s", type(exc).__name__)
            log.debug("coach failure", exc_info=True)
            self.outbox.note(incoming.key, incoming.origin, SORRY)
            return
        if self.zones is not None:
            self.zones.maybe_refresh(incoming.key, known=profile)  # before the replies: the next times use it
        if outcome.duplicate:
            return
        if incoming.origin.kind == "command":
            self.outbox.moved_note(incoming.key, incoming.origin)
        if outcome.changed and incoming.origin.kind in ("action", "view"):
            self.outbox.collapse(incoming.origin)  # the question was answered: leave a one-line record
        self.outbox.deliver(incoming.key, incoming.origin, outcome.replies, outcome.threads)
        if incoming.origin.kind == "action" and not incoming.origin.channel:  # a click on the Home tab
            self.publish_home(incoming.key)

    def open_form(self, form: translate.OpenForm) -> None:
        """A "Fill in" click: the form on screen, then `views.open` (runs on the urgent pool)."""
        try:
            self.outbox.open_form(form.key, form.origin, trigger_id=form.trigger_id, case_id=form.case_id,
                                  question=form.question)
        except Exception as exc:  # noqa: BLE001 - the click must not vanish: say so, log the code only
            log.error("slack: opening a form failed: %s", error_code(exc))
            self.outbox.note(form.key, form.origin, FORM_FAILED)

    def profile_for_start(self, incoming: translate.Incoming) -> dict[str, Any] | None:
        """For a Start without a locale, the user's Slack profile (one `users.info` call with the locale, which
        also carries the time zone); None otherwise or on failure."""
        if not isinstance(incoming.event, Start) or incoming.event.locale:
            return None
        try:
            info = self.outbox.client.users_info(user=incoming.key.user, include_locale=True)
        except Exception as exc:  # noqa: BLE001 - the default language is a nicety, never a failure
            log.info("slack: users.info failed: %s", error_code(exc))
            return None
        user = info.data.get("user") if isinstance(info.data, dict) else None
        return user if isinstance(user, dict) else None

    def queue(self, key: UserKey, job: Callable[[], None]) -> None:
        self.worker.submit(f"{key.workspace}:{key.user}", job)

    def publish_home(self, key: UserKey) -> None:
        try:
            cases, threads = self.coach.home(key)
        except Exception as exc:  # noqa: BLE001 - still publish a Home tab
            log.warning("slack: reading the Home tab failed: %s", error_code(exc))
            cases, threads = (), {}
        self.outbox.publish_home(key, cases, threads)

    def close(self, timeout: float = 10.0) -> bool:
        """Finish every queued job (up to `timeout` seconds), then stop; False when some were left."""
        drained = self.worker.wait_idle(timeout)
        self.worker.stop()
        if self.inbox is not None:
            self.inbox.close()  # kept on disk when jobs were left: the next start tells their users
        return drained


class _NoTokenSkippedWarning(logging.Filter):
    """Bolt warns at every start that SLACK_BOT_TOKEN (from the environment) is unused because we pass a
    client built from that very token (the client is how SLACK_API_BASE_URL takes effect). Drop just that."""

    def filter(self, record: logging.LogRecord) -> bool:
        # the record is already redacted (exit_coach.logs): only the words before its first comma are left
        return not record.getMessage().startswith("As you gave `client` as well")


_BOLT_APP_LOG = logging.getLogger("slack_bolt.App")
_BOLT_APP_LOG.addFilter(_NoTokenSkippedWarning())


def build_app(coach: Coach, client: WebClient, *, signing_secret: str | None,
              workers: int | None = None, inbox: Inbox | None = None) -> SlackBot:
    """Register the listeners; `signing_secret=None` (Socket Mode) turns request verification off."""
    app = App(
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=bool(signing_secret),
        process_before_response=True,
    )
    bot = SlackBot(app, coach, Outbox(client, coach), Worker(threads=workers) if workers else Worker(), inbox=inbox,
                   zones=ZoneRefresher(client, coach))
    metrics.BACKLOG.labels("worker").set_function(lambda: bot.worker.pending)
    metrics.watch_db_faults(lambda: dict(coach.faults))
    if inbox is not None:
        metrics.BACKLOG.labels("inbox").set_function(lambda: inbox.open_entries)
    _register(app, bot)
    return bot


def _register(app: App, bot: SlackBot) -> None:
    @app.middleware
    def only_our_workspace(context: BoltContext, next: Callable[[], None]) -> BoltResponse | None:  # noqa: A002
        """A payload from another workspace than the token's is acknowledged and ignored (Bolt asks auth.test)."""
        ours = context.authorize_result.team_id if context.authorize_result else None
        if translate.foreign(context.team_id, ours):
            log.info("slack: ignored a payload from another workspace")
            return BoltResponse(status=200, body="")
        next()
        return None

    @app.command(COMMAND)
    def on_command(ack: Ack, body: Body) -> None:
        ack()  # the "continuing in your DM" note, when due, is posted by the job (see `Outbox.moved_note`)
        bot.accept(translate.command(body))

    @app.action(re.compile(r"^coach(form|link)?\|"))
    def on_action(ack: Ack, body: Body) -> None:
        ack()
        got = translate.action(body)
        if isinstance(got, translate.OpenForm):
            form = got
            bot.worker.submit_urgent(lambda: bot.open_form(form))
        elif got is not None:
            bot.accept(got)

    @app.view(re.compile(r"^coachview\|"))
    def on_submit(ack: Ack, body: Body) -> None:
        errors = translate.form_errors(body.get("view") or {})
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        incoming = translate.submission(body)
        if incoming is not None:
            bot.accept(incoming)

    @app.event("message")
    def on_message(body: Body) -> None:
        incoming = translate.message(body)
        if incoming is not None:
            bot.accept(incoming)

    @app.event("app_home_opened")
    def on_home(body: Body) -> None:
        opened = translate.home_opened(body)
        if opened is None:
            return
        key, tab, channel = opened
        if tab == "home":
            bot.queue(key, lambda: bot.publish_home(key))
        elif channel:
            bot.queue(key, lambda: bot.outbox.welcome(key, channel))
