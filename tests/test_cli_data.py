"""`coach export`, `coach forget`, `coach db upgrade` as a community operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exit_coach.adapters.cli import main
from exit_coach.flow.events import Start
from exit_coach.schema import SCHEMA_VERSION
from exit_coach.service import UserKey, open_coach

ALICE = UserKey("slack", "T1", "U_ALICE")
BOB = UserKey("discord", "", "42")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'data' / 'coach.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    return url


def seed(url: str) -> None:
    coach = open_coach(url)
    coach.handle(ALICE, Start())
    coach.handle(BOB, Start())
    coach.store.close()


def test_db_upgrade_creates_the_file_and_reports_the_version(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert f"version {SCHEMA_VERSION}" in capsys.readouterr().out
    seed(db)
    assert main(["db", "upgrade"]) == 0  # again: a no-op that keeps the data
    assert f"version {SCHEMA_VERSION}" in capsys.readouterr().out
    assert main(["export", "--platform", "slack", "--workspace", "T1", "--user", "U_ALICE"]) == 0


def test_export_prints_the_users_data_as_json(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    seed(db)
    capsys.readouterr()
    assert main(["export", "--platform", "slack", "--workspace", "T1", "--user", "U_ALICE"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["user"]["user"] == "U_ALICE" and len(data["cases"]) == 1


def test_export_of_an_unknown_user_fails_with_one_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    seed(db)
    capsys.readouterr()
    assert main(["export", "--platform", "slack", "--user", "nobody"]) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err.strip().count("\n") == 0 and "'nobody'" in out.err


def test_forget_deletes_one_user_and_says_what(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    seed(db)
    capsys.readouterr()
    assert main(["forget", "--platform", "slack", "--workspace", "T1", "--user", "U_ALICE"]) == 0
    assert "1 case(s)" in capsys.readouterr().out
    assert main(["export", "--platform", "slack", "--workspace", "T1", "--user", "U_ALICE"]) == 1
    assert main(["export", "--platform", "discord", "--user", "42"]) == 0
    capsys.readouterr()
    assert main(["forget", "--platform", "slack", "--workspace", "T1", "--user", "U_ALICE"]) == 0
    assert "nothing deleted" in capsys.readouterr().out


def test_an_empty_user_is_a_usage_error(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forget", "--platform", "slack", "--user", " "]) == 2
    assert "--user" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("bogus", "DATABASE_URL is not a usable database URL"),
        ("mysql://a@127.0.0.1/x", "DATABASE_URL is not a usable database URL"),
        ("sqlite:////proc/no-such-folder/coach.db", "DATABASE_URL can't be opened"),
        ("postgresql+psycopg://nobody:secret@127.0.0.1:1/db", "DATABASE_URL can't be opened"),
    ],
)
@pytest.mark.parametrize("argv", [["db", "upgrade"], ["export", "--platform", "console", "--user", "x"], ["chat"]])
def test_a_bad_database_url_is_one_line_naming_the_variable(
    url: str, expected: str, argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(""))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err
    assert "secret" not in err, "the URL (and its password) is never printed"
