"""Files only the owner can read: the database, its WAL and SHM, every export (0600); the data folder (0700)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from exit_coach.adapters.console import save_attachment
from exit_coach.config import database_url, default_data_dir
from exit_coach.flow.events import Start
from exit_coach.flow.replies import Attachment
from exit_coach.service import UserKey, open_coach

ALICE = UserKey("console", "", "alice")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def loose_umask() -> Iterator[None]:
    """The usual 022: files would be world-readable unless we say otherwise."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_the_default_database_its_wal_and_the_data_folder_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    coach = open_coach(database_url())
    coach.handle(ALICE, Start())
    folder = default_data_dir()
    db = folder / "coach.db"
    assert mode(folder) == 0o700
    for path in (db, db.with_name("coach.db-wal"), db.with_name("coach.db-shm")):
        assert path.exists() and mode(path) == 0o600, (path.name, oct(mode(path)))
    coach.store.close()


def test_an_existing_wide_open_database_is_narrowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    folder = default_data_dir()
    folder.mkdir(parents=True, mode=0o755)
    os.chmod(folder, 0o755)
    db = folder / "coach.db"
    db.touch(mode=0o644)
    coach = open_coach(f"sqlite:///{db}")
    coach.handle(ALICE, Start())
    assert mode(folder) == 0o700 and mode(db) == 0o600
    assert mode(db.with_name("coach.db-wal")) == 0o600
    coach.store.close()


def test_a_folder_the_operator_chose_is_created_private_but_an_existing_one_is_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    coach = open_coach(f"sqlite:///{shared / 'new' / 'coach.db'}")
    assert mode(shared / "new") == 0o700 and mode(shared / "new" / "coach.db") == 0o600
    assert mode(shared) == 0o755
    coach.store.close()


def test_exports_are_written_for_the_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    here = tmp_path / "cwd"
    here.mkdir()
    line = save_attachment(Attachment("exit-coach-export.json", "{}", "application/json"), here)
    (saved,) = here.iterdir()
    assert saved.name in line and mode(saved) == 0o600
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    save_attachment(Attachment("exit-coach-history.md", "# hi", "text/markdown"), not_a_folder)
    exports = default_data_dir() / "exports"
    (saved,) = exports.iterdir()
    assert mode(saved) == 0o600 and mode(exports) == 0o700 and mode(default_data_dir()) == 0o700
