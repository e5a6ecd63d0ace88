"""The draft language defaults to the Discord user's client locale (the interaction payload's `locale`)."""

from __future__ import annotations

from exit_coach.adapters.discord import ids, translate
from exit_coach.flow.events import Start
from exit_coach.model import Language
from tests.adapters.discord.conftest import Rig
from tests.adapters.discord.test_conversation import walk

CHOICES = {"stage": "screening", "reason": "other_offer", "recruiter": "no", "main_channel": "email", "door": "no"}


def test_a_slash_command_carries_the_interaction_locale_into_start() -> None:
    assert translate.command(7, None, 1, "de").event == Start(locale="de")
    assert translate.command(7, "new", 1, "es-ES").event == Start(new=True, locale="es-ES")
    assert translate.command(7, None, 1).event == Start()


def test_a_german_discord_client_is_offered_german_first_and_gets_a_german_draft(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        user = "222"
        data = {"id": rig.fake.new_id(), "name": "withdraw", "type": 1,
                "options": [{"name": "start", "type": 1, "options": []}]}
        payload = rig.interaction(user, 2, data, guild=False)
        payload["locale"] = "de"  # Discord sends the user's client language on every interaction
        await rig.push(payload)
        await rig.fill(user, {"company": "Acme", "role": "Engineer", "contact": "Frau Weber"})
        for _ in range(10):
            name = rig.question(user).question
            if name == "language":
                break
            await rig.click(user, CHOICES[name])
        buttons = [(ids.parse(c["custom_id"]), c) for c in rig.current(user).components if c.get("custom_id")]
        first_parsed, first = buttons[0]
        assert first_parsed is not None and first_parsed.value == "de" and first["label"] == Language.DE.label
        assert first["style"] == 1, "the locale's language is the highlighted default"
        await rig.click(user, "de")
        await rig.fill(user, {"name": "Sam Lee", "email": "sam@example.com", "phone": ""})
        await rig.click(user, "draft")
        dm = [c.body.get("content") or "" for c in rig.fake.messages(rig.fake.dm_channel(user))]
        assert any(text.startswith("Subject: Rückzug meiner Bewerbung") or "Sehr geehrte Frau Weber," in text
                   for text in dm), dm[-3:]

    run(scenario)


def test_walk_still_answers_the_language_question_for_english_users(run) -> None:  # noqa: ANN001
    """The fixture payload says en-US: English comes first, and the whole walk reaches the plan."""

    async def scenario(rig: Rig) -> None:
        await rig.slash("333", None, guild=False)
        asked = await walk(rig, "333", choices={**CHOICES, "language": "en"}, revision=["sent"])
        assert "language" in asked

    run(scenario)
