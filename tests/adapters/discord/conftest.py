"""The Discord test rig: the real discord.py client against `FakeDiscord`, driven like Discord does.

`Rig` starts what `coach discord` starts (a Coach on a temp SQLite file, the
`CoachClient` at the fake's REST root and gateway) and plays the user: slash
commands in a guild or the DM, clicks on the components the bot posted, modal
submits built from the modal the bot opened, DM text. Every wait is a poll
with a deadline on what the bot has finished or sent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest

from exit_coach.adapters.discord import ids
from exit_coach.adapters.discord.client import CoachClient, use_endpoints
from exit_coach.service import Coach, open_coach
from tests.adapters.discord.fake import APP_ID, Call, FakeDiscord, user_payload

TOKEN = "test-token"
GUILD = "800000000000000001"
GUILD_CHANNEL = "800000000000000002"
DEADLINE = 5.0


async def until(check: Callable[[], bool], *, what: str = "the condition", timeout: float = DEADLINE) -> None:
    """Poll `check` until it holds; fail after `timeout` seconds."""
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


@dataclass
class Prompt:
    """A posted message with components: the REST call that created it and the message Discord returned."""

    call: Call

    @property
    def message(self) -> dict[str, Any]:
        return self.call.response

    @property
    def components(self) -> list[dict[str, Any]]:
        return [c for row in self.message["components"] for c in row["components"]]

    def parsed(self) -> ids.ComponentId:
        got = ids.parse(self.components[0]["custom_id"])
        assert got is not None
        return got


class Rig:
    def __init__(self, fake: FakeDiscord, db_url: str, *, guild_id: int | None = None) -> None:
        self.fake = fake
        self.db_url = db_url
        self.guild_id = guild_id
        self.client: CoachClient | None = None
        self.on_message: dict[str, str] = {}
        """Interaction token -> the id of the message whose component was used."""
        self._task: asyncio.Task[None] | None = None

    # ---- lifecycle

    async def start(self) -> Rig:
        use_endpoints(api_base=self.fake.api, gateway=self.fake.gateway)
        self.client = CoachClient(open_coach(self.db_url), guild_id=self.guild_id, reminder_every=None,
                                  guild_ready_timeout=0.1)
        self._task = asyncio.create_task(self.client.start(TOKEN))
        await until(lambda: self.client.is_ready() or self._task.done(), what="the client to be ready")
        if self._task.done():
            self._task.result()
        return self

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.close()
        if self._task is not None:
            await asyncio.wait_for(self._task, DEADLINE)

    async def restart(self) -> None:
        """A new process, as far as the bot can tell: new Coach, new client, same database."""
        await self.stop()
        await self.start()

    @property
    def coach(self) -> Coach:
        assert self.client is not None
        return self.client.coach

    def key(self, user: str):  # noqa: ANN201
        from exit_coach.adapters.discord.translate import key_of

        return key_of(user)

    # ---- payloads

    def interaction(self, user: str, kind: int, data: dict[str, Any], *, guild: bool = False,
                    channel: str | None = None, message: dict[str, Any] | None = None,
                    interaction_id: str | None = None) -> dict[str, Any]:
        iid = interaction_id or self.fake.new_id()
        payload: dict[str, Any] = {"id": iid, "type": kind, "token": f"token-{iid}", "version": 1,
                                   "application_id": APP_ID, "attachment_size_limit": 8_388_608, "data": data,
                                   "locale": "en-US", "app_permissions": "0", "entitlements": []}
        if guild:
            payload.update(guild_id=GUILD, channel_id=GUILD_CHANNEL, context=0, guild_locale="en-US")
            payload["channel"] = {"id": GUILD_CHANNEL, "type": 0, "guild_id": GUILD, "name": "general",
                                  "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None}
            payload["member"] = {"user": user_payload(user), "roles": [], "joined_at": "2025-01-01T00:00:00+00:00",
                                 "deaf": False, "mute": False, "flags": 0, "permissions": "0"}
        else:
            ch = channel or self.fake.dm_channel(user)
            payload.update(channel_id=ch, context=1, user=user_payload(user))
            payload["channel"] = {"id": ch, "type": 1, "recipients": [user_payload(user)]}
        if message is not None:
            payload["message"] = message
            self.on_message[payload["token"]] = message["id"]
        return payload

    def collapsed(self) -> dict[str, str]:
        """Message id -> the content it was edited to through a click's (or form's) `@original`, newest wins."""
        out = {}
        for call in self.fake.of("PATCH", r"/webhooks/\d+/[^/]+/messages/@original"):
            token = call.path.split("/")[3]
            if token in self.on_message:
                out[self.on_message[token]] = call.body
        for call in self.fake.of("PATCH", r"/channels/\d+/messages/\d+"):
            out[call.path.rsplit("/", 1)[1]] = call.body
        return out

    def screen(self, user: str) -> list[dict[str, Any]]:
        """The DM's messages as they look now: (content, components) after every in-place edit."""
        edits = self.collapsed()
        out = []
        for call in self.fake.messages(self.fake.dm_channel(user)):
            message = {"id": call.response["id"], "content": call.body.get("content") or "",
                       "components": call.response["components"]}
            if message["id"] in edits:
                message.update(content=edits[message["id"]].get("content", message["content"]),
                               components=edits[message["id"]].get("components", message["components"]))
            out.append(message)
        return out

    async def push(self, payload: dict[str, Any], *, times: int = 1) -> dict[str, Any]:
        """Dispatch an INTERACTION_CREATE and wait until the bot has finished with it."""
        assert self.client is not None
        before = self.client.finished[payload["id"]]
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        await until(lambda: self.client.finished[payload["id"]] >= before + times,
                    what=f"interaction type {payload['type']} to finish")
        return payload

    # ---- what a user does

    async def slash(self, user: str, subcommand: str | None = None, *, guild: bool = True) -> dict[str, Any]:
        options = [{"name": subcommand or "start", "type": 1, "options": []}]
        data = {"id": self.fake.new_id(), "name": "withdraw", "type": 1, "options": options}
        return await self.push(self.interaction(user, 2, data, guild=guild))

    async def dm(self, user: str, text: str, *, message_id: str | None = None, reply_to: str | None = None) -> str:
        """`text` in the user's DM; with `reply_to`, as a Discord reply to that message of the DM."""
        assert self.client is not None
        mid = message_id or self.fake.new_id()
        before = self.client.finished[mid]
        channel = self.fake.dm_channel(user)
        data = {"id": mid, "channel_id": channel, "author": user_payload(user), "content": text,
                "type": 0, "attachments": [], "embeds": [], "mentions": [], "mention_roles": [],
                "mention_everyone": False, "pinned": False, "tts": False, "timestamp": "2026-01-01T00:00:00+00:00",
                "edited_timestamp": None, "flags": 0, "components": []}
        if reply_to:
            data["type"] = 19
            data["message_reference"] = {"type": 0, "message_id": reply_to, "channel_id": channel}
        await self.fake.dispatch("MESSAGE_CREATE", data)
        await until(lambda: self.client.finished[mid] > before, what="the DM to be answered")
        return mid

    def prompts(self, user: str) -> list[Prompt]:
        """Every message with components posted to the user's DM, oldest first."""
        edited = self.collapsed()
        return [Prompt(c) for c in self.fake.messages(self.fake.dm_channel(user))
                if c.response["components"] and edited.get(c.response["id"], {}).get("components") != []]

    def current(self, user: str) -> Prompt:
        found = self.prompts(user)
        assert found, "the bot has not shown the user anything to click"
        return found[-1]

    def question(self, user: str) -> ids.ComponentId:
        return self.current(user).parsed()

    def click_payload(self, user: str, value: str, *, owner: str | None = None,
                      prompt: Prompt | None = None, interaction_id: str | None = None) -> dict[str, Any]:
        """A component interaction: `user` clicks `value` on the newest prompt shown to `owner`."""
        prompt = prompt or self.current(owner or user)
        channel = prompt.message["channel_id"]
        for comp in prompt.components:
            parsed = ids.parse(comp.get("custom_id", ""))
            if comp["type"] == 3 and any(o["value"] == value for o in comp["options"]):
                data = {"custom_id": comp["custom_id"], "component_type": 3, "values": [value]}
                break
            if comp["type"] == 2 and parsed is not None and parsed.value == value:
                data = {"custom_id": comp["custom_id"], "component_type": 2}
                break
        else:
            raise AssertionError(f"no option {value!r} in {[c.get('custom_id') for c in prompt.components]}")
        return self.interaction(user, 3, data, channel=channel, message=prompt.message,
                                interaction_id=interaction_id)

    async def click(self, user: str, value: str, **kw: Any) -> dict[str, Any]:
        return await self.push(self.click_payload(user, value, **kw))

    async def open_form(self, user: str) -> dict[str, Any]:
        """Click "Fill in" on the newest prompt; returns the modal the bot answered with."""
        prompt = self.current(user)
        button = next(c for c in prompt.components if c["custom_id"].startswith(ids.FORM + "|"))
        data = {"custom_id": button["custom_id"], "component_type": 2}
        payload = self.interaction(user, 3, data, channel=prompt.message["channel_id"], message=prompt.message)
        await self.push(payload)
        callback = self.callback(payload["id"])
        assert callback.body["type"] == 9, f"expected a modal, got {callback.body}"
        self.modal_from = prompt.message
        return callback.body["data"]

    async def submit(self, user: str, modal: dict[str, Any], values: dict[str, str], *,
                     interaction_id: str | None = None) -> dict[str, Any]:
        """Submit `modal` with `values` over its defaults (type 5, components data)."""
        rows = []
        for name, default in _inputs(modal):
            rows.append({"type": 1, "components": [{"type": 4, "custom_id": name,
                                                    "value": values.get(name, default or "")}]})
        data = {"custom_id": modal["custom_id"], "components": rows}
        payload = self.interaction(user, 5, data, interaction_id=interaction_id,
                                   message=getattr(self, "modal_from", None))
        return await self.push(payload)

    async def fill(self, user: str, values: dict[str, str]) -> dict[str, Any]:
        return await self.submit(user, await self.open_form(user), values)

    def callback(self, interaction_id: str) -> Call:
        calls = self.fake.of("POST", rf"/interactions/{interaction_id}/[^/]+/callback")
        assert calls, f"no callback for interaction {interaction_id}"
        return calls[-1]

    def texts(self, user: str) -> list[str]:
        return [c.body.get("content") or "" for c in self.fake.messages(self.fake.dm_channel(user))]


def _inputs(modal: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    for row in modal["components"]:
        inner = row.get("components") or ([row["component"]] if "component" in row else [])
        for comp in inner:
            if comp.get("type") == 4:
                yield comp["custom_id"], comp.get("value")


def play(tmp_path: Path, scenario: Callable[[Rig], Awaitable[None]], *, start: bool = True) -> None:
    """Run one async scenario with a fresh fake and rig; always stop both and reset discord.py's endpoints."""
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY

    async def main() -> None:
        fake = await FakeDiscord().start()
        rig = Rig(fake, f"sqlite:///{tmp_path / 'coach.db'}")
        try:
            if start:
                await rig.start()
            await asyncio.wait_for(scenario(rig), 20)
        finally:
            await rig.stop()
            await fake.stop()

    try:
        asyncio.run(main())
    finally:
        discord.http.Route.BASE = base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., None]:
    return lambda scenario, **kw: play(tmp_path, scenario, **kw)
