"""Whole conversations through the real discord.py client, from `/withdraw` in a guild to "mark as sent"."""

from __future__ import annotations

import json
import re

import pytest

from exit_coach.adapters.copy_ready import copy_text
from exit_coach.adapters.discord import ids
from exit_coach.adapters.discord.deliver import MOVED
from exit_coach.model import Channel, Draft, DraftKind
from tests.adapters.discord.conftest import GUILD_CHANNEL, Rig

EVERYONE, USER, ROLE, CHANNEL = "@everyone", "<@123>", "<@&456>", "<#789>"
RAW = (EVERYONE, "@here", USER, ROLE, CHANNEL)
DETAILS = {"company": f"{EVERYONE} Corp", "role": f"Engineer {USER}", "contact": f"Pat {ROLE}"}
SIGNATURE = {"name": f"Sam {USER} @here", "email": "sam@example.com", "phone": "+1 555 0100"}
EDIT = {"body": f"Hello {EVERYONE} {USER} {ROLE} {CHANNEL}, I withdraw my application. Thank you for your time. Sam"}

CASES = {
    "screening_email": (
        {"stage": "screening", "negotiable": "no", "reason": "other_offer", "recruiter": "no",
         "main_channel": "email", "door": "yes", "language": "en"},
        ["warmer", "edit", "sent"],
    ),
    "final_phone": (
        {"stage": "final", "negotiable": "no", "reason": "not_a_fit", "recruiter": "no", "rapport": "yes",
         "door": "no", "language": "en"},
        ["call_done", "shorter", "sent"],
    ),
}


async def walk(rig: Rig, user: str, *, choices: dict[str, str], revision: list[str], limit: int = 40) -> list[str]:
    """Answer whatever is on screen until the case is recorded as sent (the "after" question)."""
    forms = {"details": DETAILS, "signature": SIGNATURE, "edit": EDIT}
    asked: list[str] = []
    for _ in range(limit):
        q = rig.question(user)
        name = q.question.split(":")[0]
        asked.append(q.question)
        if name == "after":
            return asked
        if q.kind == ids.FORM:
            await rig.fill(user, forms[name])
        elif name == "plan":
            await rig.click(user, "draft")
        elif name == "rev":
            await rig.click(user, revision.pop(0))
        else:
            await rig.click(user, choices[name])
    raise AssertionError(f"the conversation did not reach 'after': {asked}")


def outgoing(rig: Rig) -> list[tuple[str, dict]]:
    """(path, message body) of everything the bot said: messages, followups, interaction responses."""
    out = []
    for call in rig.fake.calls:
        body = call.body if isinstance(call.body, dict) else {}
        if call.method in ("POST", "PATCH") and re.search(r"/messages$|/webhooks/\d+/[^/]+$|/@original$", call.path):
            out.append((call.path, body))
        elif call.path.endswith("/callback") and body.get("type") in (4, 7):
            out.append((call.path, body["data"]))
    return out


def copy_texts(rig: Rig, user: str) -> set[str]:
    """The copy-ready text of every draft revision of `user` (sent as written: mentions can't fire)."""
    cases = rig.coach.export(rig.key(user))["cases"]
    return {copy_text(Draft(DraftKind(r["kind"]), Channel(r["channel"]), r["subject"], r["body"]))
            for case in cases for r in case["revisions"]}


def assert_no_pings(rig: Rig, copies: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    said = outgoing(rig)
    assert said
    for path, body in said:
        assert body.get("allowed_mentions") == {"parse": []}, (path, body.get("allowed_mentions"))
        if body.get("content") in copies:
            continue  # the user's own draft, byte for byte; allowed_mentions none keeps it silent
        dump = json.dumps(body, ensure_ascii=False)
        for raw in RAW:
            assert raw not in dump, (raw, path, dump[:300])


@pytest.mark.parametrize("case", list(CASES))
def test_whole_conversation_from_a_guild_to_sent(run, case: str) -> None:  # noqa: ANN001
    choices, revision = CASES[case]

    async def scenario(rig: Rig) -> None:
        user = "111"
        command = await rig.slash(user, None, guild=True)
        ack = rig.callback(command["id"]).body
        assert ack["type"] == 5 and ack["data"]["flags"] == 64, "acked at once, privately"
        note = rig.fake.of("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")[0].body["content"]
        assert note == f"{MOVED} Open it: https://discord.com/channels/@me/{rig.fake.dm_channel(user)}"
        asked = await walk(rig, user, choices=choices, revision=list(revision))
        assert asked[0] == "details" and "plan" in asked and "signature" in asked

        assert not rig.fake.of("POST", f"/channels/{GUILD_CHANNEL}/messages"), "nothing in the guild channel"
        dm = rig.fake.messages(rig.fake.dm_channel(user))
        key = rig.key(user)
        case_id = rig.coach.export(key)["cases"][0]["id"]
        channel, _, root = rig.coach.thread(key, case_id).partition(":")
        assert channel == rig.fake.dm_channel(user)
        first = next(i for i, c in enumerate(dm) if c.response["id"] == root)
        assert not any("message_reference" in c.body for c in dm[: first + 1]), "the case's first message is its root"
        for call in dm[first + 1 :]:
            assert str(call.body["message_reference"]["message_id"]) == root, "later messages reply to the root"
        drafts = [c.body["content"] for c in dm if c.body["content"].startswith("**Draft ")]
        copies = copy_texts(rig, user)
        assert copies <= {c.body["content"] for c in dm}, "every draft was posted as its own copy-ready message"
        numbers = [int(re.match(r"\*\*Draft (\d+)", d)[1]) for d in drafts]
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= len(revision)
        if case == "final_phone":
            assert DraftKind.PHONE_SCRIPT.label in drafts[0]
            assert any(DraftKind.FOLLOW_UP_EMAIL.label in d for d in drafts[1:])
        else:
            assert any("mailto:" in d for d in drafts)
        assert any("sent" in t.lower() for t in rig.texts(user)[-3:])
        assert rig.coach.export(key)["cases"][0]["sent_at"]
        assert_no_pings(rig, copies)

    run(scenario)


def test_a_dm_conversation_and_text_answers(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        user = "333"
        command = await rig.slash(user, "faq", guild=False)
        assert rig.callback(command["id"]).body["type"] == 5, "deferred in the DM, no channel note"
        assert rig.fake.of("DELETE", r"/webhooks/\d+/[^/]+/messages/@original"), "the 'thinking' note is removed"
        assert rig.question(user).question == "faq"
        before = len(rig.texts(user))
        await rig.dm(user, "1")
        assert len(rig.texts(user)) > before, "typed text is answered"
        await rig.dm(user, "help")
        assert len(rig.texts(user)) > before + 1

    run(scenario)
