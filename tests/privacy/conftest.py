"""The Slack and Discord rigs, for the privacy tests that drive whole conversations."""

from tests.adapters.discord.conftest import run  # noqa: F401 - fixtures
from tests.adapters.slack.conftest import db_url, rig, stub  # noqa: F401 - fixtures
