"""Files only their owner can read: the SQLite database (with its WAL and SHM), the data folder, exports.

The database file is created 0600 before SQLite opens it (SQLite gives its
`-wal` and `-shm` files the database file's mode), an existing one is narrowed
to 0600, and the per-user data folder is 0700. A folder the operator chose
for `DATABASE_URL` is created 0700 but, if it already exists, left as it is:
it may be shared on purpose (`/var/lib`, a mounted volume). Exports are
written with `write_private`. Owner-only modes mean nothing on Windows, where
these calls change nothing harmful.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from exit_coach.config import default_data_dir

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(folder: Path) -> None:
    """Create `folder` (0700, parents as usual); the default data folder is narrowed to 0700 if wider."""
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is filtered by the umask
    data = default_data_dir().resolve()
    for candidate in (folder, *folder.parents):
        if candidate.resolve() == data:
            _narrow(candidate, FOLDER_MODE)


def private_database_file(path: Path) -> None:
    """Make sure the SQLite file (and a WAL or SHM left from before) exists with mode 0600 in a private folder."""
    private_folder(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if candidate.exists():
            _narrow(candidate, FILE_MODE)


def write_private(path: Path, content: str) -> None:
    """Write a new file (never over an existing one: FileExistsError) readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(content)


def _narrow(path: Path, mode: int) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) & ~mode:
            os.chmod(path, mode)
    except OSError:  # not ours to change (a read-only mount): SQLite will say so if it matters
        pass
