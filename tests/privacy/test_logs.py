"""Nothing personal in the logs at DEBUG: whole conversations and error paths on Slack, Discord and the console,
with every log line of ours and of the libraries captured and searched for the texts typed and the secrets."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from exit_coach import logs
from exit_coach.adapters.slack import ids as slack_ids
from tests.adapters.discord.conftest import TOKEN as DISCORD_TOKEN
from tests.adapters.discord.conftest import Rig as DiscordRig
from tests.adapters.slack.conftest import SECRET, Rig

COMPANY, ROLE, CONTACT = "Quokkalicious Widgets", "Senior Llama Wrangler", "Pemberton Fizzwhistle"
NAME, EMAIL, PHONE = "Ysolde Marchbanks", "ysolde.m@private-mail.example", "+44 20 7946 0123"
EDITED = "Zebrafarewell: I am withdrawing my application. Thank you for your time. Ysolde Marchbanks"
TYPED = "my secret plan is xyzzy plover"
BOT_TOKEN = "xoxb-1234-5678-abcdefghijklmnop"
ENCRYPTION_KEY = "d2hhdGV2ZXItdGhpcy1pcy1ub3QtYS1yZWFsLWtleS0="
TEXTS = (COMPANY, ROLE, CONTACT, NAME, EMAIL, PHONE, "Zebrafarewell", "xyzzy", "Quokkalicious", "Fizzwhistle")
SECRETS = (SECRET, BOT_TOKEN, "xoxb-test", DISCORD_TOKEN, ENCRYPTION_KEY)
DETAILS = {"company": COMPANY, "role": ROLE, "contact": CONTACT}
SIGNATURE = {"name": NAME, "email": EMAIL, "phone": PHONE}
CHOICES = {"stage": "screening", "negotiable": "no", "reason": "other_offer", "recruiter": "no",
           "main_channel": "email", "door": "yes", "language": "en"}


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Every log line of the process at DEBUG, through the same setup `coach slack` / `coach discord` use."""
    for name, value in (("SLACK_SIGNING_SECRET", SECRET), ("SLACK_BOT_TOKEN", BOT_TOKEN),
                        ("DISCORD_TOKEN", DISCORD_TOKEN), ("COACH_ENCRYPTION_KEY", ENCRYPTION_KEY)):
        monkeypatch.setenv(name, value)
    buffer = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = logs.configure("DEBUG", stream=buffer)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def assert_clean(text: str, *, at_least: int) -> int:
    lines = text.splitlines()
    assert len(lines) >= at_least, f"only {len(lines)} log lines: is DEBUG on?"
    for needle in (*TEXTS, *SECRETS):
        hits = [line for line in lines if needle.lower() in line.lower()]
        assert not hits, (needle, hits[:3])
    return len(lines)


def test_redaction_rules_on_single_records(captured: io.StringIO) -> None:
    lib = logging.getLogger("slack_bolt.SomeMiddleware")
    lib.info(f"Invalid request signature detected (signature: v0=abc, body: {{'company': '{COMPANY}'}})")
    lib.debug("Sending a request - url: https://x, headers: {'Authorization': 'Bearer %s'}", BOT_TOKEN)
    ours = logging.getLogger("exit_coach.test")
    ours.info("step for user %s in case %s", "U1", "c0ffee")
    ours.warning("token leaked by mistake: %s and %s", BOT_TOKEN, ENCRYPTION_KEY)
    try:
        raise ValueError(f"{COMPANY!r} is not a Stage")
    except ValueError:
        ours.exception("step failed: event=%s", "Choose")
    out = captured.getvalue()
    assert_clean(out, at_least=5)
    assert "Invalid request signature detected …" in out, "a library's words before its data stay"
    assert "step for user U1 in case c0ffee" in out, "our ids stay"
    assert "builtins.ValueError (message withheld)" in out and "Traceback" in out, "frames and types stay"


def test_json_lines_are_redacted_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    buffer = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = logs.configure("DEBUG", fmt="json", stream=buffer)
    try:
        logging.getLogger("slack_sdk.web.base_client").debug(f"Sending a request - body: {{'text': '{COMPANY}'}}")
        try:
            raise KeyError(EMAIL)
        except KeyError:
            logging.getLogger("exit_coach.service").exception("step failed: token %s", BOT_TOKEN)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert [line["logger"] for line in lines] == ["slack_sdk.web.base_client", "exit_coach.service"]
    assert lines[1]["message"] == "step failed: token [redacted]" and "KeyError" in lines[1]["traceback"]
    assert_clean(buffer.getvalue(), at_least=2)


def test_a_whole_slack_conversation_and_its_error_paths_log_nothing_personal(
    captured: io.StringIO, rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.adapters.slack.test_conversation import walk

    user = "U1"
    rig.command(user, "")
    forms = {"details": DETAILS, "signature": SIGNATURE, "edit": {"body": EDITED}}
    walk(rig, user, choices=CHOICES, forms=forms, revision=["warmer", "edit", "sent"])
    rig.dm(user, TYPED)
    rig.dm(user, f"<@U999> {COMPANY}", thread_ts="1700000000.000001")
    # error paths: a bad signature, an unhandled event, a malformed payload, the core raising
    body = json.dumps({"type": "event_callback", "event": {"type": "message", "text": TYPED}}).encode()
    assert rig.post(body, "application/json", secret="wrong").status == 401
    assert rig.post(body, "application/json", timestamp=str(int(time.time()) - 3600)).status == 401
    rig.post_event({"type": "reaction_added", "user": user, "reaction": COMPANY})
    rig.post_payload({"type": "block_actions", "user": {"id": user}, "actions": [{"value": COMPANY}]})
    rig.post_form({"command": "/withdraw", "text": TYPED})

    def broken(*_args: object) -> None:
        raise ValueError(f"core bug while reading {COMPANY!r} / {EMAIL}")

    monkeypatch.setattr("exit_coach.service.step", broken)
    rig.dm(user, TYPED)
    rig.settle()
    n = assert_clean(captured.getvalue(), at_least=50)
    assert "step failed" in captured.getvalue()
    assert "As you gave `client`" not in captured.getvalue(), "Bolt's start-up noise stays filtered after redaction"
    print(f"slack: {n} log lines at DEBUG, 0 personal texts, 0 secrets")


def test_a_whole_discord_conversation_and_its_error_paths_log_nothing_personal(
    captured: io.StringIO, run, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    async def scenario(rig: DiscordRig) -> None:
        user = "111"
        await rig.slash(user, None, guild=True)
        forms = {"details": DETAILS, "signature": SIGNATURE, "edit": {"body": EDITED}}
        revision = ["warmer", "edit", "sent"]
        for _ in range(40):
            q = rig.question(user)
            name = q.question.split(":")[0]
            if name == "after":
                break
            if q.kind == slack_ids.FORM:
                await rig.fill(user, forms[name])
            elif name == "plan":
                await rig.click(user, "draft")
            elif name == "rev":
                await rig.click(user, revision.pop(0))
            else:
                await rig.click(user, CHOICES[name])
        await rig.dm(user, TYPED)
        assert rig.coach.export(rig.key(user))["cases"][0]["sent_at"]
        # error paths: a click naming someone else's case, a form that isn't ours, the core raising
        await rig.push(rig.interaction(user, 3, {"custom_id": f"coach|{COMPANY[:20]}|stage|x", "component_type": 2},
                                       message={**rig.current(user).message, "components": [{"type": 1, "components": [
                                           {"type": 2, "custom_id": f"coach|{COMPANY[:20]}|stage|x", "style": 1,
                                            "label": "x"}]}]}))
        await rig.push(rig.interaction(user, 5, {"custom_id": "coachview|nope|details", "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "company", "value": COMPANY}]}]}))

        def broken(*_args: object) -> None:
            raise ValueError(f"core bug while reading {COMPANY!r} / {EMAIL}")

        monkeypatch.setattr("exit_coach.service.step", broken)
        await rig.dm(user, TYPED)

    run(scenario)
    assert "step failed" in captured.getvalue()
    n = assert_clean(captured.getvalue(), at_least=50)
    print(f"discord: {n} log lines at DEBUG, 0 personal texts, 0 secrets")


def test_the_console_and_the_data_commands_log_nothing_personal(
    captured: io.StringIO, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from exit_coach.adapters.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'coach.db'}")
    monkeypatch.delenv("COACH_ENCRYPTION_KEY")
    monkeypatch.chdir(tmp_path)
    answers = "\n".join(["start", COMPANY, ROLE, CONTACT, "2", TYPED, "export", "quit"]) + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    main(["chat"])
    main(["export", "--platform", "console", "--user", "nobody"])
    main(["db", "purge"])
    main(["db", "rotate-key"])
    out = capsys.readouterr()
    assert COMPANY in out.out, "the user saw their own answers"
    assert_clean(captured.getvalue(), at_least=0)  # these log nothing at all, which is the point


def test_sqlalchemy_echo_shows_no_values(captured: io.StringIO, capsys: pytest.CaptureFixture[str]) -> None:
    """Even an engine made with echo=True (its own handler, on stdout) logs statements without their values."""
    from sqlalchemy import create_engine, text

    engine = create_engine("sqlite://", echo="debug")
    with engine.connect() as conn:
        conn.execute(text("SELECT :company, :email"), {"company": COMPANY, "email": EMAIL}).all()
    engine.dispose()
    echoed = capsys.readouterr().out + captured.getvalue()
    assert "SELECT" in echoed, "echo was on"
    assert_clean(echoed, at_least=2)


def test_an_uncaught_exception_in_a_thread_is_logged_without_its_message(captured: io.StringIO,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    import threading

    def crash() -> None:
        raise RuntimeError(f"while saving {COMPANY} for {EMAIL}")

    thread = threading.Thread(target=crash, name="worker-1")
    thread.start()
    thread.join()
    out = captured.getvalue() + capsys.readouterr().err
    assert "uncaught RuntimeError in thread worker-1" in out and "message withheld" in out
    assert_clean(out, at_least=1)


@pytest.mark.parametrize(("line", "kept"), [
    ("Authorization: Bearer xoxb-1-2-abcdef", "Authorization: [redacted]"),
    ("app token xapp-1-A1-123-abc", "app token [redacted]"),
    ("Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123", "[redacted]"),
    ("key d2hhdGV2ZXItdGhpcy1pcy1ub3QtYS1yZWFsLWtleS0=", "key [redacted]"),
    ("bot connection closed for user U1 in case c0ffee", "bot connection closed for user U1 in case c0ffee"),
])
def test_token_shapes_are_redacted_and_ordinary_words_are_not(line: str, kept: str) -> None:
    assert logs.scrub(line) == kept
