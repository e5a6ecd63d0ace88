"""`coach discord` start-up: configuration problems and a refused token are one line and exit code 2."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest

from exit_coach.adapters.cli import main
from tests.adapters.discord.fake import FakeDiscord

VARIABLES = ("DISCORD_TOKEN", "DISCORD_GUILD_ID", "DISCORD_API_BASE_URL", "DISCORD_GATEWAY_URL", "DATABASE_URL")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'coach.db'}")
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield monkeypatch
    discord.http.Route.BASE = base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_missing_token_is_one_line_and_exit_2(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discord"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("coach discord: DISCORD_TOKEN is not set")


@pytest.mark.parametrize(("name", "value"), [("DISCORD_GUILD_ID", "my-server"),
                                             ("DISCORD_API_BASE_URL", "ftp://x"),
                                             ("DISCORD_GATEWAY_URL", "http://127.0.0.1:1/gateway")])
def test_malformed_settings_name_the_variable(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                             name: str, value: str) -> None:
    env.setenv("DISCORD_TOKEN", "secret-token-value")
    env.setenv(name, value)
    assert main(["discord"]) == 2
    line = one_line(capsys.readouterr().err)
    assert name in line and "secret-token-value" not in line


def test_a_refused_token_is_one_line(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    loop = asyncio.new_event_loop()
    fake = FakeDiscord()
    fake.fail[("GET", "/users/@me")] = (401, 0, "401: Unauthorized")
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(fake.start(), loop).result(5)
        env.setenv("DISCORD_TOKEN", "secret-token-value")
        env.setenv("DISCORD_API_BASE_URL", fake.api)
        env.setenv("DISCORD_GATEWAY_URL", fake.gateway)
        assert main(["discord"]) == 2
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
    err = one_line(capsys.readouterr().err)
    assert "DISCORD_TOKEN was not accepted" in err and "secret-token-value" not in err
    assert "Traceback" not in err
    assert [c.path for c in fake.calls] == ["/users/@me"]
