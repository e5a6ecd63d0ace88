"""The built wheel installs one top-level package of ours, with the templates inside it (SPEC §6)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if built.returncode != 0:
        pytest.fail(f"pip wheel failed: {built.stderr[-2000:]}")
    (path,) = out.glob("exit_coach-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_has_one_top_level_package(wheel: zipfile.ZipFile) -> None:
    top = {name.split("/", 1)[0] for name in wheel.namelist() if not name.split("/", 1)[0].endswith(".dist-info")}
    assert top == {"exit_coach"}


def test_every_template_ships_inside_the_package(wheel: zipfile.ZipFile) -> None:
    """English at the top and every language folder (es/, de/, fr/): the same relative paths as the repo."""
    prefix = "exit_coach/templates/"
    shipped = {n.removeprefix(prefix) for n in wheel.namelist() if n.startswith(prefix) and n.endswith(".j2")}
    in_repo = {p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*.j2")}
    assert in_repo and shipped == in_repo
    for lang in ("es", "de", "fr"):
        assert {f"{lang}/{kind}.j2" for kind in ("email", "phone_script", "follow_up_email", "recruiter_note",
                                                 "linkedin", "negotiation_email")} <= shipped, lang


def test_the_console_script_points_into_the_package(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    assert "coach = exit_coach.adapters.cli:main" in wheel.read(entry_points).decode()
