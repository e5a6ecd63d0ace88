"""Security and delivery through the real client: double clicks, foreign clicks, restarts, closed DMs, files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from exit_coach.adapters.discord import ids
from exit_coach.service import UnknownUser
from tests.adapters.discord.conftest import Rig

DETAILS = {"company": "Acme", "role": "Data Engineer", "contact": ""}


async def to_stage_question(rig: Rig, user: str = "111") -> None:
    await rig.slash(user, None)
    await rig.fill(user, DETAILS)
    assert rig.question(user).question == "stage"


def count_texts(rig: Rig, user: str, needle: str) -> int:
    return sum(needle in t for t in rig.texts(user))


def test_a_double_click_takes_effect_once(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        await to_stage_question(rig)
        payload = rig.click_payload("111", "screening")
        await rig.push(payload)
        after_first = len(rig.texts("111"))
        assert rig.question("111").question == "reason"
        await rig.push(payload)  # the same interaction delivered again
        assert len(rig.texts("111")) == after_first
        assert count_texts(rig, "111", "What's the main reason") == 1

    run(scenario)


def test_a_resubmitted_modal_takes_effect_once(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        await rig.slash("111", None)
        modal = await rig.open_form("111")
        await rig.submit("111", modal, DETAILS, interaction_id="1200000000000000001")
        posted = len(rig.texts("111"))
        await rig.submit("111", modal, {**DETAILS, "company": "Other"}, interaction_id="1200000000000000001")
        assert len(rig.texts("111")) == posted
        assert rig.coach.export(rig.key("111"))["cases"][0]["company"] == "Acme"

    run(scenario)


def test_another_users_click_is_refused_ephemerally(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        await to_stage_question(rig, "111")
        payload = await rig.click("222", "offer", owner="111")
        followups = rig.fake.of("POST", rf"/webhooks/\d+/token-{payload['id']}")
        assert followups and all(c.body["flags"] == 64 for c in followups), "only the clicker sees the answer"
        assert any("someone else" in c.body["content"] for c in followups)
        assert not rig.fake.messages(rig.fake.dm_channel("222")), "nothing posted to the clicker's DM"
        assert rig.question("111").question == "stage", "the owner's case did not move"
        assert rig.coach.export(rig.key("111"))["cases"][0]["answers"]["stage"] is None

    run(scenario)


def test_a_restart_between_two_clicks_continues_with_old_buttons(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        await to_stage_question(rig)
        await rig.restart()  # the stage buttons were posted by the previous process
        await rig.click("111", "screening")
        assert rig.question("111").question == "reason"
        await rig.restart()
        await rig.click("111", "compensation")
        assert rig.question("111").question == "negotiable"
        assert not any("earlier step" in t for t in rig.texts("111"))

    run(scenario)


def test_a_stale_button_after_a_restart_gets_a_clear_answer(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        await to_stage_question(rig)
        stage_prompt = rig.current("111")
        await rig.click("111", "screening")
        await rig.restart()
        await rig.click("111", "offer", prompt=stage_prompt)
        assert any("earlier step" in t for t in rig.texts("111"))
        assert rig.question("111").question == "reason"

    run(scenario)


def test_closed_dms_are_explained_where_the_command_was_used(run, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        rig.fake.fail[("POST", r"/channels/\d+/messages")] = (403, 50007, "Cannot send messages to this user")
        command = await rig.slash("111", None, guild=True)
        notes = rig.fake.of("POST", rf"/webhooks/\d+/token-{command['id']}")
        assert notes and notes[-1].body["flags"] == 64
        assert "direct message" in notes[-1].body["content"]
        assert notes[-1].body["allowed_mentions"] == {"parse": []}

    run(scenario)
    assert "50007" in caplog.text


def test_a_fill_in_click_for_a_form_no_longer_open_is_answered(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        await rig.slash("111", None)
        details = rig.current("111")
        await rig.fill("111", DETAILS)
        button = details.components[0]
        payload = rig.interaction("111", 3, {"custom_id": button["custom_id"], "component_type": 2},
                                  message=details.message)
        await rig.push(payload)
        answer = rig.callback(payload["id"]).body
        assert answer["type"] == 4 and answer["data"]["flags"] == 64 and "isn't open" in answer["data"]["content"]

    run(scenario)


def test_export_is_sent_as_files_and_forget_removes_the_thread(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        await to_stage_question(rig)
        await rig.dm("111", "export")
        files = [f for c in rig.fake.messages(rig.fake.dm_channel("111")) for f in c.files]
        assert "exit-coach-export.json" in files and "exit-coach-history.md" in files
        key = rig.key("111")
        case_id = rig.coach.export(key)["cases"][0]["id"]
        assert rig.coach.thread(key, case_id)
        await rig.slash("111", "forget", guild=False)
        await rig.click("111", "yes")
        with pytest.raises(UnknownUser):
            rig.coach.export(key)
        assert rig.coach.thread(key, case_id) is None

    run(scenario)


def test_due_reminders_are_posted_to_the_dm(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        await to_stage_question(rig)
        for value in ("screening", "other_offer", "no", "email", "yes", "en"):
            q = rig.question("111")
            if q.kind == ids.FORM:
                break
            await rig.click("111", value)
        while rig.question("111").kind == ids.FORM:
            await rig.fill("111", {"name": "Sam", "email": "sam@example.com", "phone": ""})
        assert rig.question("111").question == "plan"
        await rig.click("111", "draft")
        before = len(rig.texts("111"))
        noon = (datetime.now(UTC) + timedelta(days=3)).replace(hour=12, minute=0)  # outside the quiet hours
        rig.coach.clock = lambda: noon
        assert await rig.client.deliver_due_once() >= 1
        assert len(rig.texts("111")) > before
        assert await rig.client.deliver_due_once() == 0, "each reminder is delivered once"

    run(scenario)


def test_commands_sync_globally_or_to_one_guild(tmp_path) -> None:  # noqa: ANN001
    from tests.adapters.discord.conftest import play

    seen: dict[str, list] = {}

    async def scenario(rig: Rig) -> None:
        rig.guild_id = 800000000000000009
        await rig.start()
        seen["guild"] = rig.fake.of("PUT", r"/applications/\d+/guilds/800000000000000009/commands")
        seen["global"] = rig.fake.of("PUT", r"/applications/\d+/commands")

    play(tmp_path, scenario, start=False)
    assert seen["guild"] and not seen["global"]
    command = seen["guild"][0].body[0]
    assert command["name"] == "withdraw"
    subcommands = {o["name"]: o for o in command["options"]}
    assert set(subcommands) == {"start", "new", "cases", "history", "export", "forget", "faq", "help", "status",
                                "settings", "closeout", "reopen", "privacy"}
    assert all(o["type"] == 1 and 10 < len(o["description"]) <= 100 for o in subcommands.values())
    assert command["contexts"] == [0, 1]
