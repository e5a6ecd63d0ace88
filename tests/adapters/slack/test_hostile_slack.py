"""Hostile input over signed HTTP into the real Bolt app: the text corpus in the details form, the DM and the
slash command; every one-field mutation of a click, a form submission, a slash command and a DM event; another
workspace's payload; forged clicks and submissions naming another user's case. 0 responses of 500, 0 tracebacks,
0 mentions that could fire, the owner's data unchanged by every refusal, a clear message for every refused text."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from exit_coach.adapters.slack import ids
from exit_coach.adapters.slack.translate import key_of
from exit_coach.flow.texts import FOREIGN
from exit_coach.service import UnknownUser
from exit_coach.text import is_blank
from tests.adapters.slack.conftest import TEAM, Rig
from tests.adapters.slack.test_conversation import assert_no_raw_mentions
from tests.privacy.hostile import TEXTS, mutations

OWNER, OTHER = "U1", "U2"
REFUSED_WORDS = ("Please", "limit", "control character", "UTF-8", "empty")


@pytest.fixture(autouse=True)
def no_rate_limit(rig: Rig) -> None:
    """The corpus is sent far faster than a person types; the limit has its own test."""
    rig.coach.rate_limit = None


def data(rig: Rig, user: str) -> dict[str, Any]:
    """The user's stored data, without the export's own timestamp."""
    try:
        export = rig.coach.export(rig.coach_key(user))
    except LookupError:
        return {}
    export.pop("exported_at")
    return export


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL") or "Traceback" in r.getMessage()
           or r.exc_info or r.exc_text]
    assert not bad, [(r.name, r.getMessage()[:120]) for r in bad[:5]]


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def at_details(rig: Rig, user: str) -> dict[str, Any]:
    """Open a case and the details form; returns the modal as Slack got it."""
    rig.command(user, "")
    message, elements = rig.current(user)
    button = next(e for e in elements if e["action_id"].startswith(ids.FORM + "|"))
    opened = len(rig.stub.of("views.open"))
    rig.post_payload(rig.action_payload(user, message, button))
    rig.settle()
    return rig.stub.of("views.open")[opened].field("view")


def test_the_text_corpus_in_the_details_form(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    view = at_details(rig, OWNER)
    refused = accepted = 0
    for text in TEXTS:
        before, posted = data(rig, OWNER), len(rig.stub.of("chat.postMessage"))
        got = rig.submit(OWNER, view, {"company": text, "role": "Engineer", "contact": ""})
        assert got.status == 200, (text[:40], got)
        after = data(rig, OWNER)
        if after == before:
            refused += 1
            boundary = (got.json() or {}).get("errors") if got.body else None
            said = " ".join(c.text_dump for c in rig.stub.of("chat.postMessage")[posted:])
            assert boundary or any(w in said for w in REFUSED_WORDS), (text[:40], got.body[:200], said[:200])
            continue
        accepted += 1
        assert not is_blank(after["cases"][0]["company"])
        rig.dm(OWNER, "restart")  # back to the details form for the next text
    assert refused > 50 and accepted > 50, (refused, accepted)
    print(f"slack details form: {len(TEXTS)} texts, {refused} refused with a message, {accepted} accepted")
    assert_no_raw_mentions(rig)
    no_tracebacks(caplog)


def test_the_text_corpus_as_dm_text_and_slash_command_text(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    rig.command(OWNER, "")
    for n, text in enumerate(TEXTS):
        assert rig.dm(OWNER, text, event_id=f"EvH{n}").status == 200
        if n % 3 == 0 and encodable(text):  # a form body is UTF-8: a lone surrogate can't be sent that way
            assert rig.command(OTHER, text).status == 200
    assert_no_raw_mentions(rig)
    no_tracebacks(caplog)


def test_every_mutated_payload_is_refused_or_harmless(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    view = at_details(rig, OWNER)
    message, elements = rig.current(OWNER)
    click = rig.action_payload(OWNER, message, elements[0])
    n = iter(range(10**6))
    submission = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": OWNER, "team_id": TEAM},
                  "api_app_id": "A1", "token": "x", "trigger_id": "trig.x",
                  "view": {**view, "id": "V1", "hash": "h1",
                           "state": {"values": {"company": {"value": {"type": "plain_text_input", "value": "<!here>"}},
                                                "role": {"value": {"type": "plain_text_input", "value": "\u200b"}}}}}}
    event = {"token": "x", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback", "event_time": 1,
             "event": {"type": "message", "channel_type": "im", "channel": "D" + OWNER, "user": OWNER,
                       "text": "\u2800", "ts": "1.2", "team": TEAM}, "event_id": "EvM"}
    command = {"token": "x", "team_id": TEAM, "channel_id": "C1", "user_id": OWNER, "command": "/withdraw",
               "text": "\u200b", "trigger_id": "trig.c", "response_url": rig.stub.url + "/commands/x"}
    statuses: dict[int, int] = {}
    before = data(rig, OWNER)
    total = 0
    for shape, base in (("click", click), ("submission", submission), ("event", event), ("command", command)):
        for change, payload in mutations(base):
            total += 1
            if shape == "event":
                body = dict(payload)
                if isinstance(body.get("event_id"), str):
                    body["event_id"] = f"EvM{next(n)}"
                got = rig.post(json.dumps(body).encode(), "application/json")
            elif shape == "command":
                fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
                got = rig.post_form(fields)
            else:
                got = rig.post_payload(payload)
            statuses[got.status] = statuses.get(got.status, 0) + 1
            assert got.status < 500, (shape, change, got)
    rig.settle()
    after = data(rig, OWNER)
    for key in ("cases", "profile", "reminders"):
        assert after[key] == before[key], key
    assert total > 250 and set(statuses) <= {200, 400, 401, 404}, (total, statuses)
    print(f"slack payload mutations: {total}, HTTP statuses {statuses}")
    assert_no_raw_mentions(rig)
    no_tracebacks(caplog)


def test_another_workspace_and_forged_clicks_change_nothing(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    view = at_details(rig, OWNER)
    message, elements = rig.current(OWNER)
    before = data(rig, OWNER)
    foreign = rig.action_payload(OWNER, message, elements[0])
    foreign["team"] = {"id": "T_OTHER"}
    foreign["user"]["team_id"] = "T_OTHER"
    assert rig.post_payload(foreign).status == 200
    assert rig.post_form({"token": "x", "team_id": "T_OTHER", "channel_id": "C1", "user_id": OWNER,
                          "command": "/withdraw", "text": "", "trigger_id": "trig.foreign"}).status == 200
    rig.settle()
    with pytest.raises(UnknownUser):  # not even a user row for the other workspace
        rig.coach.export(key_of("T_OTHER", OWNER))
    # OTHER clicks OWNER's button, submits OWNER's form, and opens OWNER's form: their own case ids don't name it
    notes = len(rig.stub.snapshot())
    rig.post_payload(rig.action_payload(OTHER, message, elements[0]))
    rig.submit(OTHER, view, {"company": "Hijack Inc", "role": "x"})
    button = next(e for e in elements if e["action_id"].startswith(ids.FORM + "|"))
    rig.post_payload(rig.action_payload(OTHER, message, button))
    rig.settle()
    assert data(rig, OWNER) == before
    told = " ".join(c.text_dump for c in rig.stub.snapshot()[notes:])
    assert FOREIGN.split(",")[0] in told
    assert "Hijack" not in json.dumps(data(rig, OTHER))
    no_tracebacks(caplog)


def test_an_old_timestamp_or_no_signature_is_refused(rig: Rig) -> None:
    body = json.dumps({"type": "event_callback", "team_id": TEAM, "event": {"type": "message"}}).encode()
    assert rig.post(body, "application/json", timestamp=str(int(time.time()) - 3600)).status == 401
    assert rig.post(body, "application/json", headers={"X-Slack-Signature": ""}).status == 401


def test_forged_action_ids_naming_other_cases_questions_and_revisions(rig: Rig,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    at_details(rig, OWNER)
    at_details(rig, OTHER)
    own = rig.coach.export(rig.coach_key(OWNER))["cases"][0]["id"]
    theirs = rig.coach.export(rig.coach_key(OTHER))["cases"][0]["id"]
    message, elements = rig.current(OWNER)
    before = {u: data(rig, u) for u in (OWNER, OTHER)}
    forged = [ids.choice(theirs, "stage", "screening"), ids.choice(own, "stage", "screening"),
              ids.choice(own, "rev:99", "sent"), ids.choice(theirs, "rev:1", "sent"), ids.choice(None, "forget", "yes"),
              ids.choice(own, "settings_retention", "7"), ids.choice("x" * 60, "details", "x"),
              ids.form(theirs, "details"), ids.form(own, "signature"), ids.choice(own, "cases", theirs)]
    for action_id in forged:
        for user in (OWNER, OTHER):
            payload = rig.action_payload(user, message, {**elements[0], "action_id": action_id, "type": "button",
                                                         "value": ids.parse(action_id).value or "x"})
            assert rig.post_payload(payload).status == 200, action_id
    rig.settle()
    after = {u: data(rig, u) for u in (OWNER, OTHER)}
    for user in (OWNER, OTHER):
        assert after[user]["cases"] == before[user]["cases"], user
        assert after[user]["profile"] == before[user]["profile"], user
    opened = [c.field("view")["callback_id"] for c in rig.stub.of("views.open")[2:]]
    assert opened == [ids.view(theirs, "details")], "only OTHER's own details form opened, for OTHER"
    no_tracebacks(caplog)
