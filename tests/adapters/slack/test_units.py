"""Component ids, escaping and payload translation, without a server."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exit_coach.adapters.slack import ids, render, translate
from exit_coach.adapters.slack.cli import Settings, run
from exit_coach.adapters.slack.deliver import Outbox
from exit_coach.config import ConfigError
from exit_coach.flow.events import Choose, Command, Start, SubmitForm, Text
from exit_coach.flow.replies import Ask, AskForm, Attachment, FormField, Option, Say, ShowRevision
from exit_coach.model import Channel, Draft, DraftKind

SAFE = st.text(st.characters(blacklist_characters="|", blacklist_categories=("Cs",)), min_size=1, max_size=20)


@given(case=SAFE, question=SAFE, value=st.text(max_size=30))
def test_choice_ids_round_trip(case: str, question: str, value: str) -> None:
    parsed = ids.parse(ids.choice(case, question, value))
    assert parsed == ids.ComponentId(ids.CHOICE, case if case != "-" else None, question, value)


def test_ids_parse_never_raises_on_foreign_ids() -> None:
    for junk in ("", "x", "coach", "coach|", "coach||q|v", "other|a|b|c", "coachform|a", "coachview|a|b|c"):
        assert ids.parse(junk) is None
    assert ids.parse(ids.form(None, "settings_signature")) == ids.ComponentId(ids.FORM, None, "settings_signature")
    with pytest.raises(ValueError, match="255"):
        ids.choice("c", "q", "v" * 300)


@given(st.text())
def test_escape_leaves_no_markup(text: str) -> None:
    out = render.escape(text)
    assert "<" not in out and ">" not in out
    assert translate.unescape(out) == text


@given(st.text(min_size=1, max_size=9000))
def test_sections_stay_within_limits_and_never_cut_an_entity(text: str) -> None:
    pieces = list(render.chunks(text, 100))
    assert all(len(p) <= 100 for p in pieces)
    assert "".join(pieces) == render.escape(text)


def test_more_than_five_options_become_a_select() -> None:
    few = render.ask(Ask("q", "Pick", tuple(Option(str(i), str(i)) for i in range(5)), "c1"))
    many = render.ask(Ask("q", "Pick", tuple(Option(str(i), str(i)) for i in range(6)), "c1"))
    assert [e["type"] for e in few.blocks[-1]["elements"]] == ["button"] * 5
    assert many.blocks[-1]["elements"][0]["type"] == "static_select"


def test_modal_prefills_the_text_as_is_and_caps_lengths() -> None:
    form = AskForm("edit:2", "Edit the draft that is long", "Change it",
                   (FormField("body", "Message", multiline=True, max_length=4000, initial="Hi <!channel> & co"),),
                   case_id="c1")
    view = render.modal(form, metadata={"channel": "D1"})
    element = view["blocks"][-1]["element"]
    assert element["initial_value"] == "Hi <!channel> & co", "an input's value is not a text object: no entities"
    assert element["max_length"] == 3000
    assert len(view["title"]["text"]) <= 24
    assert ids.parse(view["callback_id"]) == ids.ComponentId(ids.VIEW, "c1", "edit:2")


def edit_form(body: str, max_length: int = 4000) -> AskForm:
    return AskForm("edit:2", "Edit the draft", "Change anything you like.",
                   (FormField("body", "Message", multiline=True, max_length=max_length, initial=body),), case_id="c1")


def test_a_draft_longer_than_slacks_input_is_never_prefilled_cut() -> None:
    view = render.modal(edit_form("x" * 3500), metadata={})
    element = view["blocks"][-1]["element"]
    assert "initial_value" not in element and element["max_length"] == 3000
    assert "longer than Slack's form allows" in json.dumps(view)
    fits = "&<>" * 1000  # 3000 characters: fits as is (escaped it would be 12000)
    element = render.modal(edit_form(fits), metadata={})["blocks"][-1]["element"]
    assert element["initial_value"] == fits
    small = render.modal(edit_form("y" * 200, max_length=120), metadata={})
    assert "initial_value" not in small["blocks"][-1]["element"] and small["blocks"][-1]["element"]["max_length"] == 120


COPYABLE = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)


@given(subject=st.text(max_size=60), body=COPYABLE)
def test_a_draft_is_copied_exactly_as_written(subject: str, body: str) -> None:
    draft = Draft(DraftKind.EMAIL, Channel.EMAIL, subject, body)
    copy, card = render.render(ShowRevision("c", "Acme", 2, draft, (), (Option("Sent", "sent"),), "mailto:?x"))
    assert isinstance(copy, render.Message) and copy.blocks == [] and copy.mrkdwn is False
    shown = translate.unescape(copy.text)  # what Slack displays (and copies) for `&amp;` `&lt;` `&gt;`
    assert shown == (f"Subject: {subject}\n\n{body}" if subject else body)
    assert "<" not in copy.text and ">" not in copy.text, "nothing in a draft can mention or link"
    assert copy.text.count("\u200b") == (subject + body).count("\u200b"), "no invisible characters added"
    assert copy.revision == 2 and copy.threaded and card.threaded


def test_a_draft_card_has_notes_and_actions_but_no_draft() -> None:
    draft = Draft(DraftKind.EMAIL, Channel.EMAIL, "Hi", "Hello ```\n*bold* <!here>\n`````` five ````` end`")
    copy, card = render.render(ShowRevision("c", "Acme", 1, draft, (), (Option("Sent", "sent"),), None))
    assert translate.unescape(copy.text) == "Subject: Hi\n\n" + draft.body
    assert "```" not in json.dumps(card.blocks) and "Hello" not in json.dumps(card.blocks)
    context = next(b for b in card.blocks if b["type"] == "context")
    assert context["elements"][0]["verbatim"] is True
    export = render.render(Attachment("export.json", '{"body": "````` <!channel>"}', "application/json"))[0]
    assert isinstance(export, render.Upload) and export.content == '{"body": "````` <!channel>"}'


def test_say_text_is_escaped() -> None:
    message = render.say(Say("Hello <@U123> & <!here>"))
    assert message.text == "Hello &lt;@U123&gt; &amp; &lt;!here&gt;"
    assert message.blocks[0]["text"] == {"type": "mrkdwn", "text": message.text, "verbatim": True}


@pytest.mark.parametrize(("slack", "typed"), [
    ("see <https://acme.example/jobs|acme.example/jobs>", "see acme.example/jobs"),
    ("<https://acme.example/a?b=1&amp;c=2>", "https://acme.example/a?b=1&c=2"),
    ("mail <mailto:pat@acme.example|pat@acme.example> now", "mail pat@acme.example now"),
    ("hi <@U123> in <#C1|general> <!here> <!subteam^S1|@t>", "hi <@U123> in <#C1|general> <!here> <!subteam^S1|@t>"),
    ("a &lt;b&gt; &amp;lt; c", "a <b> &lt; c"),
    ("&lt;https://x.example|y&gt;", "<https://x.example|y>"),
])
def test_dm_text_is_what_the_user_typed(slack: str, typed: str) -> None:
    got = translate.message({"event": {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
                                       "text": slack}, "event_id": "E1"})
    assert got is not None and got.event == Text(typed)
    assert render.escape(typed).count("&lt;@") == typed.count("<@"), "mentions are escaped again on the way out"


def test_thread_text_names_its_thread_and_case() -> None:
    base = {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "sent"}
    top = translate.message({"event": base, "event_id": "E1"})
    assert top is not None and translate.thread_ref(top) is None
    threaded = translate.message({"event": {**base, "thread_ts": "17.5"}, "event_id": "E2"})
    assert threaded is not None and translate.thread_ref(threaded) == "D1:17.5"


@pytest.mark.parametrize(("text", "event"), [
    ("", Start()), ("start", Start()), ("new", Start(new=True)), ("cases", Command("cases")),
    ("faq 2", Command("faq", "2")), ("HELP", Command("help")), ("dance", Command("dance")),
])
def test_slash_subcommands(text: str, event: object) -> None:
    got = translate.command({"text": text, "user_id": "U1", "team_id": "T1", "channel_id": "C1", "trigger_id": "t"})
    assert got.event == event and got.event_id == "cmd:t" and got.key.workspace == "T1"


def test_action_select_and_submission_translation() -> None:
    body = {"team": {"id": "T1"}, "user": {"id": "U1"}, "container": {"message_ts": "1.2", "channel_id": "D1"},
            "actions": [{"type": "static_select", "action_id": ids.choice("c1", "stage"), "action_ts": "9.9",
                         "selected_option": {"value": "offer"}}]}
    got = translate.action(body)
    assert isinstance(got, translate.Incoming)
    assert got.event == Choose("offer", "stage", "c1") and got.event_id == "act:1.2:9.9"
    view = {"id": "V1", "hash": "h1", "callback_id": ids.view("c1", "details"), "private_metadata": '{"channel":"D1"}',
            "state": {"values": {"company": {"value": {"value": "A &amp; B"}}}}}
    sub = translate.submission({"user": {"id": "U1", "team_id": "T1"}, "view": view})
    assert sub is not None and sub.event == SubmitForm("details", {"company": "A & B"}, "c1")
    assert sub.event_id == "view:V1:h1" and sub.origin.channel == "D1"


def test_messages_from_bots_edits_and_channels_are_ignored() -> None:
    base = {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "a &lt;b&gt;"}
    assert translate.message({"event": base, "event_id": "E1"}).event == Text("a <b>")
    for extra in ({"subtype": "message_changed"}, {"bot_id": "B1"}, {"channel_type": "channel"}):
        assert translate.message({"event": {**base, **extra}}) is None


@pytest.mark.parametrize(("env", "http", "needle"), [
    ({}, False, "SLACK_BOT_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxp-user"}, False, "SLACK_BOT_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, False, "SLACK_APP_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, False, "SLACK_APP_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, True, "SLACK_SIGNING_SECRET"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_BASE_URL": "ftp://x"}, True,
     "SLACK_API_BASE_URL"),
])
def test_configuration_errors_name_the_variable(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], http: bool,
                                                needle: str) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=needle):
        Settings.from_env(http=http)


def test_run_prints_one_line_and_returns_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert run(argparse.Namespace(http=False, port=3000, host="127.0.0.1")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SLACK_BOT_TOKEN" in err


def test_a_refused_token_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, stub,
                                     db_url: str) -> None:  # noqa: ANN001
    stub.fail["auth.test"] = "invalid_auth"
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-bad")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_API_BASE_URL", stub.api)
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert run(argparse.Namespace(http=True, port=3000, host="127.0.0.1")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "coach slack: SLACK_BOT_TOKEN was not accepted by Slack (invalid_auth)"


def test_the_manifest_asks_only_for_the_scopes_the_code_uses() -> None:
    manifest = (Path(__file__).resolve().parents[3] / "deploy" / "slack-manifest.yml").read_text()
    bot = manifest.split("    bot:\n", 1)[1].split("settings:", 1)[0]
    scopes = {line.split("#")[0].strip(" -") for line in bot.splitlines() if line.strip().startswith("- ")}
    # conversations.open → im:write; message.im and a reminder retry's conversations.history → im:history;
    # chat.post* → chat:write; users.info (time zone, locale) → users:read; files_upload_v2 → files:write;
    # views.* need none
    assert scopes == {"commands", "chat:write", "im:write", "im:history", "users:read", "files:write"}


def test_the_dm_cache_is_bounded() -> None:
    class Client:
        def conversations_open(self, users: str) -> dict:
            return {"channel": {"id": "D" + users}}

    outbox = Outbox(Client(), coach=None, dm_cache=2)  # type: ignore[arg-type]
    for user in ("U1", "U2", "U1", "U3"):
        outbox.dm_channel(translate.key_of("T1", user))
    assert len(outbox._dms) == 2
    assert outbox.known_dm(translate.key_of("T1", "U1")) == "DU1", "the most recently used stay"
    assert outbox.known_dm(translate.key_of("T1", "U2")) is None


def test_a_long_say_becomes_a_file_with_a_short_summary() -> None:
    text = "Your history\n" + "a line of history <!here>\n" * 600
    [upload] = render.render(Say(text))
    assert isinstance(upload, render.Upload) and upload.content == text
    assert upload.summary.startswith("Your history\n") and len(upload.summary) < 300
    [short] = render.render(Say("Short"))
    assert isinstance(short, render.Message)
