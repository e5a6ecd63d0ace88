"""Fixtures for the store tests: a database URL (SQLite file, or PostgreSQL in its own schema), coaches, a walker."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from exit_coach.drafts import DraftRenderer
from exit_coach.flow.events import Choose, Event, Start, SubmitForm
from exit_coach.flow.replies import Ask, AskForm, Reply, ShowRevision
from exit_coach.service import Coach, Outcome, UserKey
from exit_coach.store import Store

POSTGRES_ENV = "COACH_TEST_POSTGRES_URL"
RENDERER = DraftRenderer()
VALUES = {
    "company": "Acme",
    "role": "Data Engineer",
    "contact": "Sam Lee",
    "name": "Priya Natarajan",
    "email": "priya@example.org",
    "phone": "+44 20 7946 0000",
}


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'coach.db'}"
        return
    base = os.environ.get(POSTGRES_ENV, "").strip()
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_coach(db_url: str, clock: FakeClock) -> Iterator[Callable[[], Coach]]:
    """Coaches on the same database (each with its own store, like separate processes)."""
    stores: list[Store] = []

    def make() -> Coach:
        store = Store(db_url)
        store.upgrade()
        stores.append(store)
        return Coach(store, renderer=RENDERER, clock=clock)

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def coach(make_coach: Callable[[], Coach]) -> Coach:
    return make_coach()


def answer(replies: tuple[Reply, ...], n: int = 0) -> Event | None:
    """What a user would do next: fill the form, or pick option `n` of the last question."""
    for reply in reversed(replies):
        if isinstance(reply, AskForm):
            return SubmitForm(reply.question, {f.name: VALUES.get(f.name, "Thanks again") for f in reply.fields},
                              reply.case_id)
        if isinstance(reply, Ask):
            return Choose(reply.options[n % len(reply.options)].value, reply.question, reply.case_id)
        if isinstance(reply, ShowRevision):
            return Choose(reply.actions[n % len(reply.actions)].value, f"rev:{reply.number}", reply.case_id)
    return None


def walk(coach: Coach, key: UserKey, steps: int) -> Outcome:
    """Start a case and answer `steps` prompts, always taking the first option."""
    outcome = coach.handle(key, Start())
    for _ in range(steps):
        event = answer(outcome.replies)
        assert event is not None, outcome
        outcome = coach.handle(key, event)
    return outcome


def walk_to(
    coach: Coach, key: UserKey, prefix: str, *, limit: int = 25, picks: dict[str, str] | None = None
) -> Outcome:
    """Start a case and answer with first options (or `picks[question]`) until `prefix` is on screen."""
    outcome = coach.handle(key, Start())
    for _ in range(limit):
        question = last_question(outcome)
        if question is not None and question.startswith(prefix):
            return outcome
        event = answer(outcome.replies)
        if picks and question in picks and isinstance(event, Choose):
            event = Choose(picks[question], question, event.case_id)
        assert event is not None, outcome
        outcome = coach.handle(key, event)
    raise AssertionError(f"never reached {prefix!r}: {outcome}")


def last_question(outcome: Outcome) -> str | None:
    for reply in reversed(outcome.replies):
        if isinstance(reply, Ask | AskForm):
            return reply.question
        if isinstance(reply, ShowRevision):
            return f"rev:{reply.number}"
    return None
