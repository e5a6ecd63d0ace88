"""Through the real client: a reply to a case's root answers that case; per-user locks don't pile up."""

from __future__ import annotations

from exit_coach.adapters.discord import ids
from tests.adapters.discord.conftest import Rig

DETAILS = {"company": "Acme", "role": "Data Engineer", "contact": ""}
SIGNATURE = {"name": "Sam", "email": "sam@example.com", "phone": ""}
SCREENING = {"stage": "screening", "negotiable": "no", "reason": "other_offer", "recruiter": "no",
             "main_channel": "email", "door": "yes", "language": "en", "plan": "draft"}


async def to_first_draft(rig: Rig, user: str, company: str) -> None:
    for _ in range(20):
        q = rig.question(user)
        if q.question.startswith("rev:"):
            return
        if q.kind == ids.FORM:
            await rig.fill(user, {**DETAILS, "company": company} if q.question == "details" else SIGNATURE)
        else:
            await rig.click(user, SCREENING[q.question])
    raise AssertionError("no draft reached")


def test_a_reply_to_a_cases_root_answers_that_case(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        user = "111"
        key = rig.key(user)
        await rig.slash(user, None, guild=False)
        await to_first_draft(rig, user, "Acme")
        await rig.slash(user, "new", guild=False)
        await to_first_draft(rig, user, "Globex")
        first, second = (c["id"] for c in rig.coach.export(key)["cases"])
        channel, _, root = rig.coach.thread(key, first).partition(":")
        assert channel == rig.fake.dm_channel(user)

        await rig.dm(user, "sent", reply_to=root)

        cases = {c["id"]: c for c in rig.coach.export(key)["cases"]}
        assert cases[first]["sent_at"] and not cases[second]["sent_at"], "the replied-to case, not the active one"
        last = rig.fake.messages(channel)[-1]
        assert str(last.body["message_reference"]["message_id"]) == root, "answered under that case's root"

    run(scenario)


def test_no_per_user_lock_is_left_behind(run) -> None:  # noqa: ANN001
    async def scenario(rig: Rig) -> None:
        for user in ("111", "222", "333"):
            await rig.slash(user, None, guild=True)
            await rig.dm(user, "help")
        assert rig.client is not None and len(rig.client._locks) == 0, "locks are dropped once released"
        assert len(rig.client.outbox._dms) == 3

    run(scenario)
