"""The hostile corpus into every free-text field the core has, and through a whole console session.

Every form the conversation shows (details, signature, recruiter, edit, ...) gets every corpus text in every
field; every text is also typed where an option or a command is expected. Each one is either refused — the
state is exactly what it was and the user is told why — or taken as typed (trimmed), within the field's limit,
with no control character and never blank where an answer is required.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exit_coach.adapters.console import Console
from exit_coach.codec import to_jsonable
from exit_coach.flow.events import Choose, Event, Start, SubmitForm, Text
from exit_coach.flow.outcome import Context
from exit_coach.flow.replies import AskForm, Reply, Say, ShowRevision
from exit_coach.flow.state import Conversation
from exit_coach.flow.step import step
from exit_coach.service import SORRY, Coach, UserKey
from exit_coach.store import Store
from exit_coach.text import is_blank
from tests.privacy.hostile import TEXTS
from tests.store.conftest import RENDERER, VALUES, answer

CTX = Context(now=datetime(2025, 3, 3, 9, tzinfo=UTC), new_id="c0ffee", render=RENDERER.render)
EXTRA = {"recruiter": "Robin Recruiter", "body": "Hello, I withdraw my application. Thank you for your time. Priya"}
REFUSAL_WORDS = ("Please", "limit", "control character", "UTF-8", "empty", "didn't catch", "pick one", "not a",
                 "doesn't look", "email", "phone", "can't", "know")


def forms_on_the_way() -> list[tuple[Conversation, AskForm]]:
    """Every form a conversation shows from start to the first draft (and its edit form), with the state then."""
    conv, replies = Conversation(), step(Conversation(), Start(), CTX).replies
    conv = step(Conversation(), Start(), CTX).state
    found: list[tuple[Conversation, AskForm]] = []
    for _ in range(30):
        form = next((r for r in reversed(replies) if isinstance(r, AskForm)), None)
        revision = next((r for r in reversed(replies) if isinstance(r, ShowRevision)), None)
        if form is not None and form.question not in {f.question for _, f in found}:
            found.append((conv, form))
        if revision is not None and not any(f.question.startswith("edit:") for _, f in found):
            event: Event | None = Choose("edit", f"rev:{revision.number}", revision.case_id)
        elif form is not None:
            event = SubmitForm(form.question, {f.name: VALUES.get(f.name) or EXTRA.get(f.name, "x")
                                               for f in form.fields}, form.case_id)
        else:
            event = answer(replies)
        if event is None:
            break
        result = step(conv, event, CTX)
        conv, replies = result.state, result.replies
        if any(f.question.startswith("edit:") for _, f in found):
            break
    return found


FORMS = forms_on_the_way()


def test_the_walk_found_every_free_text_form() -> None:
    names = {form.question.split(":")[0] for _, form in FORMS}
    assert {"details", "signature", "edit"} <= names, names


def said(replies: tuple[Reply, ...]) -> str:
    return "\n".join(r.text for r in replies if isinstance(r, Say))


def stored_values(conv: Conversation) -> set[str]:
    """Every string the conversation holds (answers, profile, drafts, log), wherever the field keeps it."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(to_jsonable(conv))
    return found


@pytest.mark.parametrize("form_index", range(len(FORMS)), ids=[f.question for _, f in FORMS])
def test_every_text_in_every_field_is_refused_cleanly_or_taken_as_typed(form_index: int) -> None:
    conv, form = FORMS[form_index]
    base = {f.name: VALUES.get(f.name) or EXTRA.get(f.name, "x") for f in form.fields}
    refused = accepted = 0
    for field in form.fields:
        for text in TEXTS:
            result = step(conv, SubmitForm(form.question, {**base, field.name: text}, form.case_id), CTX)
            if result.state == conv:
                refused += 1
                message = said(result.replies)
                assert message and any(w in message for w in REFUSAL_WORDS), (field.name, text[:40], message)
                continue
            accepted += 1
            cleaned = text.replace("\r\n", "\n").strip()
            if is_blank(cleaned):  # nothing visible: taken as "no answer", only where none is required
                assert not field.required, (field.name, text[:40])
                continue
            assert cleaned in stored_values(result.state), (field.name, text[:40])
            assert len(cleaned) <= field.max_length
            allowed = ("\n", "\t") if field.multiline else ()
            assert not any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in cleaned)
    assert refused and accepted, (refused, accepted)


@pytest.mark.parametrize("form_index", range(len(FORMS)), ids=[f.question for _, f in FORMS])
def test_every_text_typed_where_a_form_or_an_option_is_expected(form_index: int) -> None:
    conv, form = FORMS[form_index]
    for text in TEXTS:
        result = step(conv, Text(text, form.case_id), CTX)
        assert result.replies, text[:40]
        if is_blank(text):
            assert result.state == conv and "didn't catch" in said(result.replies)


def test_a_whole_console_session_of_hostile_lines(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'coach.db'}")
    store.upgrade()
    coach = Coach(store, renderer=RENDERER)
    lines = ["start"]
    for text in TEXTS:
        lines += [text, "Role", "", "restart"]
    stdin, stdout = io.StringIO("\n".join(lines) + "\n"), io.StringIO()
    Console(coach, UserKey("console", "", "me"), stdin, stdout).run()
    out = stdout.getvalue()
    assert "Traceback" not in out and SORRY not in out
    assert out.count("Please fill") > 10, "invisible-only lines were refused with a reason"
    assert "Bye for now" in out, "the session ran to the end of its input"
    store.close()
