"""#12.6: the deploy kit says what the code does: compose (health checks, restarts, the README's default mode),
the Dockerfile (non-root, exec form, health check), the systemd unit (stop timeout above the drain),
`.env.example` (only variables the coach reads, values it accepts), the LICENSE."""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from dotenv import dotenv_values

from exit_coach import config
from exit_coach.adapters.slack.cli import DRAIN_SECONDS

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yml").read_text())


def test_every_compose_service_restarts_and_is_health_checked() -> None:
    services = _compose()["services"]
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    for name, service in services.items():
        assert service.get("restart") in ("unless-stopped", "always", "on-failure"), name
        check = service.get("healthcheck")
        if check == {"disable": True}:
            assert name == "migrate", "only the one-shot migration goes without a health check"
            continue
        assert check or ("build" in service and "HEALTHCHECK" in dockerfile), name


def test_compose_runs_the_readme_default_and_waits_for_a_healthy_database() -> None:
    services = _compose()["services"]
    default = {name for name, s in services.items() if not s.get("profiles")}
    assert default == {"db", "migrate", "slack"}
    assert services["slack"]["command"][:2] == ["coach", "slack"] and "--http" not in services["slack"]["command"]
    readme = (ROOT / "README.md").read_text()
    assert "Socket Mode (simplest" in readme  # the README's first way to run it
    assert services["slack"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert services["slack"]["init"] is True
    grace = int(services["slack"]["stop_grace_period"].rstrip("s"))
    assert grace > DRAIN_SECONDS
    assert services["slack-http"]["ports"] == ["127.0.0.1:3000:3000"]


def test_the_image_runs_as_a_non_root_user_in_exec_form_with_a_health_check() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    cmd = re.findall(r"^CMD (.+)$", text, re.M)[-1]
    assert json.loads(cmd)[:2] == ["coach", "slack"]  # exec form: SIGTERM reaches coach, not a shell
    assert "HEALTHCHECK" in text and "/healthz" in text
    # dependencies are installed before the sources are copied (a cached layer)
    assert text.index("pip install -r") < text.index("COPY bot ")


def test_the_systemd_unit_waits_longer_than_the_drain() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((DEPLOY / "exit-coach-slack.service").read_text())
    service = unit["Service"]
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) > DRAIN_SECONDS
    assert "coach slack --http" in service["ExecStart"]
    assert service["RestartPreventExitStatus"] == "2"


def test_env_example_names_only_variables_the_coach_reads_with_values_it_accepts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DEPLOY / ".env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, re.M))
    sources = "\n".join(p.read_text() for folder in ("bot", "adapters") for p in (ROOT / folder).rglob("*.py"))
    for name in named:
        assert f'"{name}"' in sources, f"{name} is in .env.example but nothing reads it"
    values = dotenv_values(DEPLOY / ".env.example")
    for key, value in values.items():
        monkeypatch.setenv(key, value or "")
    assert config.log_level() == "INFO" and config.log_format() == "text"
    assert config.db_timeouts() == (5.0, 10.0)


def test_the_license_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": "MIT"}
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
