"""Whole conversations over signed HTTP, from `/withdraw` to "mark as sent", for three stages."""

from __future__ import annotations

import json
import re

import pytest

from exit_coach.adapters.slack import ids
from exit_coach.model import Channel
from tests.adapters.slack.conftest import Rig

HOSTILE = "<!channel>"
MENTION = "<@U123>"
SIGNATURE = {"name": f"Sam {MENTION}", "email": "sam@example.com", "phone": ""}
DETAILS = {"company": f"{HOSTILE} Corp & Co", "role": f"Engineer {MENTION}", "contact": f"Pat {HOSTILE}"}


def walk(rig: Rig, user: str, *, choices: dict[str, str], forms: dict[str, dict[str, str]],
         revision: list[str], stop: str = "after", limit: int = 40) -> list[str]:
    """Answer whatever is on screen from `choices` / `forms`; revision buttons in `revision` order."""
    asked = []
    for _ in range(limit):
        q = rig.question(user)
        name = q.question.split(":")[0]
        asked.append(q.question)
        if name == stop:
            return asked
        if q.kind == ids.FORM:
            got = rig.fill(user, forms[name])
            assert got.status == 200 and not got.body, got
        elif name == "plan":
            rig.click(user, "draft")
        elif name == "rev":
            rig.click(user, revision.pop(0))
        else:
            rig.click(user, choices[name])
    raise AssertionError(f"the conversation did not reach {stop!r}: {asked}")


def without_initial_values(call) -> str:  # noqa: ANN001
    """The call's dump, minus text inputs' `initial_value`s: Slack shows those as typed text, never parses them."""
    if call.method != "views.open":
        return call.text_dump
    view = call.field("view")
    for block in view.get("blocks", []):
        (block.get("element") or {}).pop("initial_value", None)
    return json.dumps({**call.data, "view": view}, ensure_ascii=False)


def assert_no_raw_mentions(rig: Rig) -> None:
    for call in rig.stub.snapshot():
        dump = without_initial_values(call)
        assert HOSTILE not in dump and MENTION not in dump, (call.method, dump[:400])
        assert "<!" not in dump and "<@" not in dump, (call.method, dump[:400])


def revisions(rig: Rig, user: str) -> list[dict]:
    """The cards under each draft (number, lint notes, actions), in order."""
    return [c.data for c in rig.stub.of("chat.postMessage")
            if c.data.get("channel") == "D" + user and "(above)" in (c.data.get("text") or "")]


CASES = {
    "screening": (
        {"stage": "screening", "negotiable": "no", "reason": "other_offer", "recruiter": "no",
         "main_channel": "email", "door": "yes", "language": "en"},
        ["warmer", "edit", "sent"],
        "email",
    ),
    "final_rapport": (
        {"stage": "final", "negotiable": "no", "reason": "not_a_fit", "recruiter": "no", "rapport": "yes",
         "door": "no", "language": "en"},
        ["call_done", "shorter", "sent"],
        "phone",
    ),
    "accepted_relocation": (
        {"stage": "accepted", "negotiable": "no", "reason": "relocation_visa", "recruiter": "no", "signed": "yes",
         "money": "relocation", "visa": "yes", "door": "yes", "language": "en"},
        ["call_done", "sent"],
        "phone",
    ),
}


@pytest.mark.parametrize("stage", list(CASES))
def test_whole_conversation_from_withdraw_to_sent(rig: Rig, stage: str) -> None:
    choices, revision, first_channel = CASES[stage]
    user = "U1"
    ack = rig.command(user, "", channel="C1")
    assert ack.status == 200 and not ack.body, "acked at once; the channel note follows from the job"
    moved = rig.stub.of("response_url")
    assert moved and "direct messages" in moved[0].text_dump and moved[0].data["response_type"] == "ephemeral"
    forms = {"details": DETAILS, "signature": SIGNATURE,
             "edit": {"body": f"Hello {HOSTILE} and {MENTION}, I withdraw. Thank you for your time. Sam"}}
    asked = walk(rig, user, choices=choices, forms=forms, revision=list(revision))
    assert asked[0] == "details" and "plan" in asked

    posted = rig.stub.of("chat.postMessage")
    assert posted and all(c.data["channel"] == "D" + user for c in posted), "nothing goes to the channel"
    plan = next(c for c in posted if (c.data.get("text") or "").startswith("Plan:"))
    assert Channel(first_channel).label in json_text(plan)
    drafts = revisions(rig, user)
    assert len(drafts) >= len(revision)
    roots = {d.get("thread_ts") for d in drafts}
    assert len(roots) == 1 and None not in roots, "every revision is a reply in the case's one thread"
    root_ts = roots.pop()
    assert any(c.response.get("ts") == root_ts and not c.data.get("thread_ts") for c in posted)
    numbers = [int(re.search(r"Draft (\d+)", d["text"])[1]) for d in drafts]
    assert numbers == sorted(numbers) and numbers[0] == 1
    assert any("Recorded: sent" in t for t in rig.texts(user))
    if first_channel == "email":
        assert any('"url": "mailto:?subject=' in json_text(c) for c in posted if c.data.get("thread_ts"))
    assert rig.coach.export(rig.coach_key(user))["cases"][0]["sent_at"]
    assert_no_raw_mentions(rig)


def json_text(call) -> str:  # noqa: ANN001
    return call.text_dump
