"""The inbox journal: what a crash leaves open is found once, by another process, and a clean stop leaves
nothing; a line cut short by the crash is skipped; a long journal starts again when nothing is open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from exit_coach.adapters.slack import inbox as inbox_module
from exit_coach.adapters.slack.inbox import Entry, Inbox, orphans


def _entry(user: str) -> Entry:
    return Entry("slack", "T1", user, f"Ev{user}", "D" + user, None, "https://hooks/x", "message")


def test_what_a_dead_process_left_open_is_found_once(tmp_path: Path) -> None:
    script = (
        "import os, sys; from pathlib import Path\n"
        "from exit_coach.adapters.slack.inbox import Entry, Inbox\n"
        "box = Inbox(Path(sys.argv[1]))\n"
        "for u in ('U1', 'U2', 'U3'):\n"
        "    n = box.accept(Entry('slack', 'T1', u, 'Ev' + u, 'D' + u, None, None, 'message'))\n"
        "    if u == 'U2': box.done(n)\n"
        "os._exit(9)  # a crash: no close\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=False)
    live = Inbox(tmp_path)  # this process's own file is locked, so never taken for an orphan
    found = list(orphans(tmp_path))
    assert sorted(e.user for e in found) == ["U1", "U3"]
    assert list(orphans(tmp_path)) == []  # read once, then removed
    assert live.path.exists()
    live.close()
    assert not live.path.exists()  # nothing open: a clean stop leaves no file


def test_a_line_cut_short_by_the_crash_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "inbox-1-aa.jsonl").write_text('+1 {"platform":"slack","workspace":"T1","user":"U1","event_id"'
                                               ':null,"channel":"DU1","thread_ts":null,"response_url":null,'
                                               '"kind":"message"}\n+2 {"platform":"sl')
    assert [e.user for e in orphans(tmp_path)] == ["U1"]


def test_a_long_journal_starts_again_once_nothing_is_open(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(inbox_module, "COMPACT_AT", 1000)
    box = Inbox(tmp_path)
    for i in range(20):
        box.done(box.accept(_entry(f"U{i}")))
    assert os.path.getsize(box.path) < 1000
    kept = box.accept(_entry("Ukept"))
    box.close()  # one still open: the file stays for the next start
    assert [e.user for e in orphans(tmp_path)] == ["Ukept"]
    assert kept == 21


def test_a_journal_that_cannot_be_written_does_not_refuse_the_event(tmp_path: Path) -> None:
    box = Inbox(tmp_path)

    class Full:
        closed = False

        def write(self, _: str) -> int:
            raise OSError(28, "No space left on device")

        def flush(self) -> None:
            pass

    real, box._file = box._file, Full()  # type: ignore[assignment]
    assert box.accept(_entry("U1")) == 0  # handled without a journal line, not refused
    box.done(0)
    assert box.open_entries == 0
    box._file = real
    box.close()
