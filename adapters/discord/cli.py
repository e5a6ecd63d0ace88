"""`coach discord`: run the Discord bot (a gateway client) until interrupted.

Reads DISCORD_TOKEN (required), DISCORD_GUILD_ID (sync `/withdraw` to one
guild at once), DISCORD_API_BASE_URL and DISCORD_GATEWAY_URL (a local test
server), DATABASE_URL, COACH_TEMPLATES_DIR, COACH_HELP_URL and LOG_LEVEL.
Missing or wrong configuration, or a token Discord refuses, ends the start
with one line naming the variable (exit 2), never a traceback and never a
secret's value. Due reminders are delivered every minute by the client
(a `discord.ext.tasks` loop). SIGTERM and SIGINT close the connection cleanly
and exit 0; `--health-port` serves `/healthz` and `/metrics`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from dataclasses import dataclass

from exit_coach import logs
from exit_coach.config import ConfigError, log_format, log_level, optional, required


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """`coach discord [--health-port P --host H]`: everything else comes from the environment."""
    parser.add_argument("--health-port", type=int, default=0, help="serve /healthz and /metrics on this port")
    parser.add_argument("--host", default="127.0.0.1", help="address for --health-port (default 127.0.0.1)")


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
    from exit_coach.adapters.cli import UsageError

    try:
        settings = Settings.from_env()
        logs.configure(log_level(), fmt=log_format())
        from exit_coach.service import open_coach

        coach = open_coach()
    except ConfigError as exc:
        print(f"coach discord: {exc}", file=sys.stderr)
        return 2
    from exit_coach.adapters import metrics

    metrics.watch_db_faults(lambda: dict(coach.faults))
    stop_status = lambda: None  # noqa: E731
    if args.health_port:
        from exit_coach.adapters.health import Health, serve_status

        health = Health(coach.store).start()
        try:
            stop_status = serve_status(health.ok, host=args.host, port=args.health_port)
        except OSError as exc:
            raise UsageError(f"cannot listen on {args.host}:{args.health_port}: {exc.strerror}") from None
    try:
        problem = asyncio.run(_serve(settings, coach))
    finally:
        stop_status()
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
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):  # close the gateway cleanly (also as PID 1 in a container)
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(client.close()))
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
