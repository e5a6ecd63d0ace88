"""#11.7 on Discord: a 5xx after Discord already made the message never shows it twice, and the bot carries on.

discord.py retries a create after a 5xx and sends every message with a random nonce and `enforce_nonce`,
so Discord answers the retry with the message it already made; the fake honours that like Discord does."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.adapters.discord import fake as fake_module
from tests.adapters.discord.conftest import Rig, play, until
from tests.adapters.discord.fake import BOT_USER, Call, FakeDiscord

WELCOME = "Hi, I'm Exit Coach"


@pytest.fixture
def flaky_creates(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Message creates honour `enforce_nonce` like Discord; the first create is made and then answered 500."""
    state: dict[str, Any] = {"fail": 1, "by_nonce": {}, "created": []}
    real = FakeDiscord._rest

    async def _rest(self: FakeDiscord, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        m = re.fullmatch(r"/channels/(\d+)/messages", path)
        if request.method != "POST" or not m:
            return await real(self, request)
        body, files = await fake_module._read_body(request)
        call = Call(request.method, path, dict(request.query), body, files)
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and nonce in state["by_nonce"]:
            return fake_module._json(state["by_nonce"][nonce])  # Discord: the same message, not a new one
        self.calls.append(call)
        message = self.message(m[1], body, author=BOT_USER)
        call.response = message
        state["created"].append(message)
        if nonce:
            state["by_nonce"][nonce] = message
        if state["fail"]:
            state["fail"] -= 1
            return fake_module._json({"message": "500: Internal Server Error", "code": 0}, 500)
        return fake_module._json(message)

    monkeypatch.setattr(FakeDiscord, "_rest", _rest)
    return state


def test_a_5xx_after_the_message_was_made_does_not_post_it_twice(tmp_path: Path,
                                                                 flaky_creates: dict[str, Any]) -> None:
    async def scenario(rig: Rig) -> None:
        await rig.dm("111", "start")
        shown = [m["content"] for m in flaky_creates["created"]]
        assert flaky_creates["fail"] == 0, "the fault was injected"
        assert any(WELCOME in text for text in shown)
        assert len(shown) == len(set(shown)), f"a message was shown twice: {shown}"
        await rig.dm("111", "status")  # and the bot carries on
        assert len(flaky_creates["created"]) > len(shown)

    play(tmp_path, scenario)


def test_the_reminder_loop_survives_a_failed_round_and_delivers(tmp_path: Path) -> None:
    from tests.adapters.discord.conftest import until
    from tests.adapters.discord.test_reminders import USER, nudge_due_now

    async def scenario(rig: Rig) -> None:
        nudge_due_now(rig)
        before = len(rig.texts(USER))
        real_due, calls = rig.coach.deliver_due, {"n": 0}

        def flaky_due(**kw: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == 1:
                raise OSError("the database went away for a moment")
            return real_due(**kw)

        rig.coach.deliver_due = flaky_due  # type: ignore[method-assign]
        assert rig.client is not None
        loop = rig.client.start_reminders(0.05)  # the discord.ext.tasks loop `coach discord` runs every minute
        await until(lambda: len(rig.texts(USER)) > before, what="a reminder after a failed round")
        assert loop.is_running() and calls["n"] >= 2

    play(tmp_path, scenario)


def test_a_429_with_retry_after_is_waited_out_and_shown_once(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    real = FakeDiscord._rest
    limited = {"n": 1}

    async def _rest(self: FakeDiscord, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        if request.method == "POST" and re.fullmatch(r"/channels/\d+/messages", path) and limited["n"]:
            limited["n"] -= 1
            body = {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
            return web.Response(body=fake_module.json.dumps(body).encode(), status=429,
                                headers={"Content-Type": "application/json", "Retry-After": "0.05", "Via": "1.1 google",
                                         "X-RateLimit-Scope": "user"})
        return await real(self, request)

    monkeypatch.setattr(FakeDiscord, "_rest", _rest)

    async def scenario(rig: Rig) -> None:
        await rig.dm("111", "start")
        texts = rig.texts("111")
        assert limited["n"] == 0, "the rate limit was injected"
        assert sum(WELCOME in t for t in texts) == 1
        assert not any("didn't take my answer" in t for t in texts)

    play(tmp_path, scenario)


# ---- "nothing at all": Discord accepts a request and never answers (discord.py sets no timeout of its own)

STALL_TIMEOUT = 0.5  # the Outbox's bound on one REST call, shortened for the test (20 s in service)
SAVED = "didn't take my answer"
MISSED = "didn't take my last answer"


def _followups(rig: Rig) -> list[str]:
    return [c.body.get("content") or "" for c in rig.fake.of("POST", r"/webhooks/\d+/[^/]+") if c.status == 200]


def test_a_stalled_post_is_bounded_tells_the_user_once_and_blocks_no_one_else(tmp_path: Path) -> None:
    async def scenario(rig: Rig) -> None:
        assert rig.client is not None
        rig.client.outbox.rest_timeout = STALL_TIMEOUT
        stalled = ("POST", rf"/channels/{rig.fake.dm_channel('111')}/messages")
        rig.fake.stall.add(stalled)
        slash = asyncio.create_task(rig.slash("111", "start"))
        await until(lambda: any(c.status == 0 for c in rig.fake.of(*stalled)), what="111's post to stall")
        await rig.dm("222", "start")  # another user is served while 111's post hangs
        assert any(WELCOME in t for t in rig.texts("222"))
        assert not slash.done(), "222 was answered before 111's stalled post timed out"
        await slash  # bounded: finishes after the timeout, not after aiohttp's five minutes
        assert sum(SAVED in t for t in _followups(rig)) == 1, _followups(rig)
        assert rig.texts("111") == []
        rig.fake.unstall()  # the API answers again: the bot carries on by itself
        await rig.dm("111", "status")
        texts = rig.texts("111")
        assert "New case" in texts[0], f"the case the stalled /withdraw opened was not kept: {texts}"
        assert not any(MISSED in t for t in texts), "the slash command was told already"
        assert sum(SAVED in t for t in _followups(rig)) == 1

    play(tmp_path, scenario)


def test_a_failed_answer_to_a_dm_is_owned_up_to_once_when_the_dm_takes_posts_again(tmp_path: Path) -> None:
    async def scenario(rig: Rig) -> None:
        assert rig.client is not None
        rig.client.outbox.rest_timeout = STALL_TIMEOUT
        rig.fake.stall.add(("POST", rf"/channels/{rig.fake.dm_channel('111')}/messages"))
        await rig.dm("111", "start")  # the welcome stalls: nowhere to say so yet
        assert rig.texts("111") == []
        rig.fake.unstall()
        await rig.dm("111", "status")
        texts = rig.texts("111")
        assert MISSED in texts[0] and len(texts) > 1, texts
        assert "Type `status`" in texts[0]
        await rig.dm("111", "status")
        assert sum(MISSED in t for t in rig.texts("111")) == 1, "told once, not on every reply"
        assert sum(WELCOME in t for t in rig.texts("111")) == 0, "the stalled welcome was never posted late"

    play(tmp_path, scenario)


def test_a_stalled_dm_open_is_bounded_and_told_once_where_the_command_was_used(tmp_path: Path) -> None:
    async def scenario(rig: Rig) -> None:
        assert rig.client is not None
        rig.client.outbox.rest_timeout = STALL_TIMEOUT
        rig.fake.stall.add(("POST", r"/users/@me/channels"))
        await rig.slash("111", "start")
        assert sum(SAVED in t for t in _followups(rig)) == 1, _followups(rig)
        rig.fake.unstall()
        await rig.slash("111", "status")
        assert rig.texts("111") and "New case" in rig.texts("111")[0]
        assert sum(SAVED in t for t in _followups(rig)) == 1

    play(tmp_path, scenario)
