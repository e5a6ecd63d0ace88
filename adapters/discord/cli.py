"""`coach discord`: run the Discord bot (a gateway client) until interrupted.

Reads DISCORD_TOKEN (required), DISCORD_GUILD_ID (sync `/withdraw` to one
guild at once), DISCORD_API_BASE_URL and DISCORD_GATEWAY_URL (a local test
server), DATABASE_URL, COACH_TEMPLATES_DIR, COACH_HELP_URL and LOG_LEVEL.
Missing or wrong configuration, or a token Discord refuses, ends the start
with one line naming the variable (exit 2), never a traceback and never a
secret's value. Due reminders are delivered every minute by the client.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import dataclass

from exit_coach import logs
from exit_coach.config import ConfigError, log_format, log_level, optional, required


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """`coach discord` has no options: everything comes from the environment."""


@dataclass(frozen=True)
class Settings:
    token: str
    guild_id: int | None
    api_base: str | None
    gateway: str | None

    @classmethod
    def from_env(cls) -> Settings:
        """Read and check the Discord variables; ConfigError names the first one that is wrong."""
        token = required("DISCORD_TOKEN")
        guild = optional("DISCORD_GUILD_ID")
        if guild is not None and not guild.isdigit():
            raise ConfigError(f"DISCORD_GUILD_ID must be a server id (digits only), not {guild!r}")
        api_base = optional("DISCORD_API_BASE_URL")
        if api_base is not None and not api_base.startswith(("http://", "https://")):
            raise ConfigError(f"DISCORD_API_BASE_URL must be an http(s) URL with the version, not {api_base!r}")
        gateway = optional("DISCORD_GATEWAY_URL")
        if gateway is not None and not gateway.startswith(("ws://", "wss://")):
            raise ConfigError(f"DISCORD_GATEWAY_URL must be a ws(s) URL, not {gateway!r}")
        return cls(token, int(guild) if guild else None, api_base, gateway)


def run(args: argparse.Namespace) -> int:
    """Start the bot and serve until interrupted; 2 on bad configuration or a refused token."""
    try:
        settings = Settings.from_env()
        logs.configure(log_level(), fmt=log_format())
        from exit_coach.service import open_coach

        coach = open_coach()
    except ConfigError as exc:
        print(f"coach discord: {exc}", file=sys.stderr)
        return 2
    problem = asyncio.run(_serve(settings, coach))
    if problem:
        print(f"coach discord: {problem}", file=sys.stderr)
        return 2
    return 0


async def _serve(settings: Settings, coach) -> str | None:  # noqa: ANN001 - Coach, imported lazily
    """Run the client; a one-line problem when it could not start, None after a normal stop."""
    import aiohttp
    import discord

    from exit_coach.adapters.discord.client import CoachClient, use_endpoints

    use_endpoints(api_base=settings.api_base, gateway=settings.gateway)
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # "PyNaCl is not installed": we use no voice
    client = CoachClient(coach, guild_id=settings.guild_id)
    try:
        async with client:
            await client.start(settings.token)
    except discord.LoginFailure:
        return "DISCORD_TOKEN was not accepted by Discord (check the bot token in the Developer Portal)"
    except discord.PrivilegedIntentsRequired:
        return "Discord refused an intent; see docs/discord.md for the intents to enable"
    except discord.Forbidden as exc:
        return f"Discord refused syncing /withdraw (error {exc.code}); was the bot invited with applications.commands?"
    except (aiohttp.ClientError, OSError) as exc:
        return f"DISCORD_API_BASE_URL can't be reached ({type(exc).__name__})"
    return None
