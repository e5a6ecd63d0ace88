"""What a Discord user sees once the conversation tidies itself: answered questions edited in place, one
live prompt at the first draft, the draft as its own copy-ready message, refused forms given back prefilled."""

from __future__ import annotations

from exit_coach.adapters.copy_ready import copy_text
from exit_coach.model import Channel, Draft, DraftKind
from tests.adapters.discord.conftest import Rig
from tests.adapters.discord.fake import BOT_USER

USER = "444"
CHOICES = {"stage": "screening", "negotiable": "no", "reason": "other_offer", "recruiter": "no",
           "main_channel": "email", "door": "yes", "language": "en"}
DETAILS = {"company": "Acme", "role": "Engineer", "contact": "Pat"}
SIGNATURE = {"name": "Sam", "email": "sam@heretech.io", "phone": ""}


async def to_first_draft(rig: Rig) -> None:
    await rig.slash(USER, None, guild=False)
    for _ in range(30):
        name = rig.question(USER).question.split(":")[0]
        if name == "rev":
            return
        if name == "details":
            await rig.fill(USER, DETAILS)
        elif name == "signature":
            await rig.fill(USER, SIGNATURE)
        elif name == "plan":
            await rig.click(USER, "draft")
        else:
            await rig.click(USER, CHOICES[name])
    raise AssertionError("no draft reached")


def test_answers_collapse_in_place_and_one_message_keeps_buttons(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        await to_first_draft(rig)
        edits = rig.collapsed()
        records = [e["content"] for e in edits.values()]
        assert "✓ After a screening call" in records, records
        assert "✓ Acme · Engineer · Pat" in records, "a form's message keeps what was saved"
        assert all(e["components"] == [] for e in edits.values()), "the buttons are gone"
        live = [m for m in rig.screen(USER) if m["components"]]
        assert len(live) == 1 and live[0]["content"].startswith("**Draft 1 (above)"), [m["content"] for m in live]

        revision = rig.coach.export(rig.key(USER))["cases"][0]["revisions"][-1]
        expected = copy_text(Draft(DraftKind(revision["kind"]), Channel(revision["channel"]), revision["subject"],
                                   revision["body"]))
        contents = [m["content"] for m in rig.screen(USER)]
        assert expected in contents, "the draft is a message of its own, byte for byte"
        assert "sam@heretech.io" in expected and "\u200b" not in expected
        card = contents[contents.index(expected) + 1]
        assert card.startswith("**Draft 1 (above)") and "mailto:?subject=" in card

    run(scenario)


def test_a_refused_field_says_which_and_the_form_reopens_with_what_was_typed(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        await rig.slash(USER, None, guild=False)
        await rig.fill(USER, DETAILS)
        for _ in range(20):
            name = rig.question(USER).question
            if name == "signature":
                break
            await rig.click(USER, CHOICES[name])
        modal = await rig.open_form(USER)
        submitted = await rig.submit(USER, modal, {"name": "Sam", "email": "sam@heretech", "phone": "+1 555"})
        answer = rig.callback(submitted["id"]).body
        assert answer["type"] == 4 and answer["data"]["flags"] == 64, "answered privately, at once"
        content = answer["data"]["content"]
        assert "**Your email**:" in content and "email address" in content
        assert "**Your phone (optional)**:" in content and "Nothing was saved" in content
        assert rig.question(USER).question == "signature", "the step never ran: the question still waits"

        fill = answer["data"]["components"][0]["components"][0]
        shown = rig.fake.message(rig.fake.dm_channel(USER), answer["data"], author=BOT_USER)
        click = rig.interaction(USER, 3, {"custom_id": fill["custom_id"], "component_type": 2}, message=shown)
        await rig.push(click)
        reopened = rig.callback(click["id"]).body
        assert reopened["type"] == 9
        values = {c["custom_id"]: c.get("value") for row in reopened["data"]["components"]
                  for c in row.get("components", [row.get("component")]) if c}
        assert values["email"] == "sam@heretech" and values["phone"] == "+1 555", "what was typed comes back"
        rig.modal_from = shown
        await rig.submit(USER, reopened["data"], {"email": "sam@heretech.io", "phone": ""})
        assert rig.question(USER).question != "signature"
        live = [m for m in rig.screen(USER) if m["components"]]
        assert len(live) == 1, "the question's own Fill in is collapsed too, not left live"
        assert any(m["content"] == "✓ Sam · sam@heretech.io" for m in rig.screen(USER))

    run(scenario)


def test_help_answers_where_it_was_asked_as_a_short_list(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        asked = await rig.slash(USER, "help", guild=True)
        answer = rig.callback(asked["id"]).body
        assert answer["type"] == 4 and answer["data"]["flags"] == 64
        lines = answer["data"]["content"].splitlines()
        assert 5 <= len(lines) <= 13 and "`/withdraw start` — Start a case" in answer["data"]["content"]
        assert not rig.fake.messages(rig.fake.dm_channel(USER)), "nothing goes to the DM for help"

    run(scenario)
