"""What the Slack adapter remembers across restarts: each case's DM thread, and the forms on screen.

Two small tables of our own, in the same database as the coach (`DATABASE_URL`):
`slack_threads` maps a case to the message that roots its thread in the user's
DM; `slack_forms` keeps the last form shown for (user, case, question) so a
"Fill in" click opens the right modal even after a restart. No user state of
the conversation lives here — only where things are in Slack.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from sqlalchemy import Column, MetaData, String, Table, Text, select, update
from sqlalchemy.exc import IntegrityError

from bot.flow.replies import AskForm, FormField
from bot.service import UserKey
from bot.store import make_engine

metadata = MetaData()

slack_threads = Table(
    "slack_threads",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("user", String(64), primary_key=True),
    Column("case_id", String(64), primary_key=True),
    Column("channel", String(64), nullable=False),
    Column("thread_ts", String(32), nullable=False),
)

slack_forms = Table(
    "slack_forms",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("user", String(64), primary_key=True),
    Column("case_id", String(64), primary_key=True),
    Column("question", String(64), primary_key=True),
    Column("form", Text, nullable=False),
)


class SlackPlaces:
    """Case → thread root, and (case, question) → form, per user; safe to share between threads."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        metadata.create_all(self.engine)

    def thread(self, key: UserKey, case_id: str) -> tuple[str, str] | None:
        """(channel, thread_ts) of the case's thread root, or None before its first message."""
        t = slack_threads.c
        query = select(t.channel, t.thread_ts).where(
            t.workspace == key.workspace, t.user == key.user, t.case_id == case_id
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (row[0], row[1]) if row else None

    def set_thread(self, key: UserKey, case_id: str, channel: str, thread_ts: str) -> tuple[str, str]:
        """Record the root unless one exists already; returns the root in force."""
        row = {"workspace": key.workspace, "user": key.user, "case_id": case_id,
               "channel": channel, "thread_ts": thread_ts}
        try:
            with self.engine.begin() as conn:
                conn.execute(slack_threads.insert().values(**row))
        except IntegrityError:
            existing = self.thread(key, case_id)
            if existing:
                return existing
        return channel, thread_ts

    def save_form(self, key: UserKey, form: AskForm) -> None:
        data = json.dumps(asdict(form))
        ident = {"workspace": key.workspace, "user": key.user, "case_id": form.case_id or "-",
                 "question": form.question}
        f = slack_forms.c
        with self.engine.begin() as conn:
            done = conn.execute(
                update(slack_forms)
                .where(f.workspace == key.workspace, f.user == key.user, f.case_id == ident["case_id"],
                       f.question == form.question)
                .values(form=data)
            )
            if not done.rowcount:
                conn.execute(slack_forms.insert().values(**ident, form=data))

    def form(self, key: UserKey, case_id: str | None, question: str) -> AskForm | None:
        f = slack_forms.c
        query = select(f.form).where(
            f.workspace == key.workspace, f.user == key.user, f.case_id == (case_id or "-"), f.question == question
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        data = json.loads(row[0])
        fields = tuple(FormField(**field) for field in data.pop("fields"))
        return AskForm(**data, fields=fields)

    def forget(self, key: UserKey) -> None:
        """Delete every row about this user (after `forget`)."""
        with self.engine.begin() as conn:
            for table in (slack_threads, slack_forms):
                conn.execute(table.delete().where(table.c.workspace == key.workspace, table.c.user == key.user))
