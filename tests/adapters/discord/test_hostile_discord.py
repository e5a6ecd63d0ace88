"""Hostile input through the real discord.py client and the fake Discord: the text corpus in the details modal
and in DMs; every one-field mutation of what a user controls in an interaction (`data`: custom ids, values,
modal components); forged custom ids naming another user's case. Every interaction is answered, nothing raises,
no mention can fire, the owner's data is unchanged by every refusal, every refused text gets a reason."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from exit_coach.adapters.discord import ids
from exit_coach.flow.texts import FOREIGN
from tests.adapters.discord.conftest import Rig
from tests.adapters.discord.test_conversation import assert_no_pings
from tests.privacy.hostile import TEXTS

OWNER, OTHER = "111", "222"
REFUSED_WORDS = ("Please", "limit", "control character", "UTF-8", "empty")


def data(rig: Rig, user: str) -> dict[str, Any]:
    try:
        export = rig.coach.export(rig.key(user))
    except LookupError:
        return {}
    export.pop("exported_at")
    return export


def warnings_of_ours(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name.startswith("exit_coach") and r.name != "exit_coach.store" and r.levelno >= logging.WARNING]


def test_the_text_corpus_in_the_details_modal_and_in_dms(run, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    figures: dict[str, int] = {}

    async def scenario(rig: Rig) -> None:
        assert rig.client is not None
        rig.client.coach.rate_limit = None  # the corpus is faster than any person; the limit has its own test
        await rig.slash(OWNER, None, guild=False)
        modal = await rig.open_form(OWNER)
        refused = accepted = 0
        for text in TEXTS[::3]:
            before, said = data(rig, OWNER), len(rig.texts(OWNER))
            submitted = await rig.submit(OWNER, modal, {"company": text, "role": "Engineer", "contact": ""})
            assert rig.callback(submitted["id"]).body["type"] in (4, 5, 6), "every submission is answered"
            if data(rig, OWNER) == before:
                refused += 1
                answer = rig.callback(submitted["id"]).body.get("data") or {}  # a private answer, or in the DM
                told = " ".join(rig.texts(OWNER)[said:]) + json.dumps(answer, ensure_ascii=False)
                assert any(w in told for w in REFUSED_WORDS), (text[:40], told[:200])
                continue
            accepted += 1
            await rig.dm(OWNER, "restart")
        for n, text in enumerate(TEXTS[1::4]):
            await rig.dm(OWNER, text, message_id=str(9_000_000 + n))
        figures.update(refused=refused, accepted=accepted)
        assert_no_pings(rig)

    run(scenario)
    assert figures["refused"] > 10 and figures["accepted"] > 10, figures
    assert not warnings_of_ours(caplog), warnings_of_ours(caplog)[:3]
    print(f"discord details modal: {len(TEXTS[::3])} texts, {figures['refused']} refused with a message, "
          f"{figures['accepted']} accepted; {len(TEXTS[1::4])} DM texts")


def forged_data(own: list[dict[str, Any]], modal_id: str) -> list[tuple[int, dict[str, Any]]]:
    """What a Discord client can put in an interaction (Discord checks the types, we get the values): any custom
    id up to 100 characters, any select values, any modal components and values; plus the user's real ids."""
    custom_ids = ["", "coach", "coach|", "coach||||", "coachform|", "coachview|", "coach|nope|stage|screening",
                  "coach|c0ffee|rev:99|sent", "coachform|c0ffee|details", "coachview|nope|details", "x" * 100,
                  *(t[:100] for t in TEXTS[:40])]
    out: list[tuple[int, dict[str, Any]]] = []
    for cid in custom_ids:
        out += [(3, {"custom_id": cid, "component_type": 2}),
                (3, {"custom_id": cid, "component_type": 3, "values": ["screening"]}),
                (5, {"custom_id": cid, "components": []})]
    for comp in own:
        for values in ([], [""], ["zzz"], ["<@&1> @everyone"], ["x" * 100], *([t[:100]] for t in TEXTS[:15])):
            out.append((3, {"custom_id": comp["custom_id"], "component_type": 3, "values": values}))
    rows: list[list[Any]] = [[], [{"type": 1}], [{"type": 1, "components": []}], [{"type": 99}],
                             [{"type": 1, "components": [{"type": 4, "custom_id": "company"}]}],
                             [{"type": 18, "component": {"type": 4, "custom_id": "company", "value": "x"}}]]
    rows += [[{"type": 1, "components": [{"type": 4, "custom_id": name, "value": t[:4000]}]}]
             for t in TEXTS[:25] for name in ("company", "nope")]
    out += [(5, {"custom_id": modal_id, "components": r}) for r in rows]
    return out


def test_forged_interaction_data_changes_nothing(run, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    figures: dict[str, int] = {}

    async def scenario(rig: Rig) -> None:
        assert rig.client is not None
        rig.client.coach.rate_limit = None
        await rig.slash(OWNER, None, guild=False)
        modal = await rig.open_form(OWNER)
        prompt = rig.current(OWNER)
        await rig.slash(OTHER, None, guild=False)
        before = data(rig, OWNER)
        ignored = 0
        forged = forged_data([c for c in prompt.components if c.get("custom_id")], modal["custom_id"])
        for kind, forged_data_ in forged:
            for user in (OWNER, OTHER):
                message = None
                if kind == 3:  # Discord only sends clicks on components the message has: put the forged one there
                    cid = forged_data_["custom_id"]
                    component = ({"type": 2, "custom_id": cid, "style": 1, "label": "x"}
                                 if forged_data_["component_type"] == 2 else
                                 {"type": 3, "custom_id": cid, "options": [{"label": "x", "value": "screening"}]})
                    message = {**prompt.message, "components": [{"type": 1, "components": [component]}]}
                payload = rig.interaction(user, kind, forged_data_, channel=prompt.message["channel_id"],
                                          message=message)
                if kind == 3 and not re.fullmatch(ids.TEMPLATE, forged_data_["custom_id"]):
                    await rig.fake.dispatch("INTERACTION_CREATE", payload)  # not ours: discord.py ignores it
                    ignored += 1
                else:
                    await rig.push(payload)
        # OTHER clicks OWNER's own buttons and submits OWNER's own form
        for comp in prompt.components:
            if comp.get("custom_id", "").startswith(ids.CHOICE + "|"):
                await rig.push(rig.interaction(OTHER, 3, {"custom_id": comp["custom_id"], "component_type": 2},
                                               channel=prompt.message["channel_id"], message=prompt.message))
        await rig.submit(OTHER, modal, {"company": "Hijack Inc", "role": "x"})
        after = data(rig, OWNER)
        assert after["cases"] == before["cases"] and after["profile"] == before["profile"]
        assert "Hijack" not in json.dumps(data(rig, OTHER))
        told = json.dumps([c.body for c in rig.fake.calls if c.body], ensure_ascii=False)
        assert FOREIGN.split(",")[0] in told
        assert_no_pings(rig)
        figures["total"], figures["ignored"] = len(forged) * 2, ignored

    run(scenario)
    assert figures["total"] > 250
    assert not warnings_of_ours(caplog), warnings_of_ours(caplog)[:3]
    print(f"discord forged interactions: {figures['total']} ({figures['ignored']} not ours, left to discord.py)")
