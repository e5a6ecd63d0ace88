"""`coach lint`: what a user sees on the terminal, in-process and as a real process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exit_coach.adapters.cli import main

ROOT = Path(__file__).resolve().parents[1]

CLEAN = """Dear Priya,

Thank you for your time and for the conversations about the analyst role.
I have accepted another offer, so I am withdrawing my application.
I hope we stay in touch.

Best regards,
Jane Doe
jane.doe@example.com | +1 415 555 0134
"""
MESSY = "Dear [Name],\nYour process was disorganized, so I withdraw.\n"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setattr(sys, "argv", ["coach"])  # main() rewrites sys.argv


def draft(tmp_path: Path, text: str | bytes, name: str = "draft.txt") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_clean_draft_exits_0_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", draft(tmp_path, CLEAN)]) == 0
    assert capsys.readouterr().out == "clean: no findings\n"


def test_findings_exit_1_with_one_line_per_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", draft(tmp_path, MESSY)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == ["placeholder", "no_thanks", "negative", "no_contact_info"]
    assert '"[Name]"' in lines[0] and '"disorganized"' in lines[2]


def test_json_output_is_one_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", draft(tmp_path, MESSY), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["clean"] is False
    assert result["findings"][0]["code"] == "placeholder" and result["findings"][0]["message"]
    assert main(["lint", draft(tmp_path, CLEAN), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"findings": [], "clean": True}


def test_stage_and_kind_change_the_channel_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = draft(tmp_path, CLEAN)
    assert main(["lint", path, "--stage", "accepted"]) == 1
    assert capsys.readouterr().out.startswith("wrong_channel: ")
    assert main(["lint", path, "--stage", "accepted", "--kind", "recruiter_note"]) == 0


def test_reads_stdin_with_a_dash_or_no_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf" + CLEAN.encode())))
    assert main(["lint", "-"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(MESSY))
    assert main(["lint"]) == 1
    assert "placeholder:" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["lint", "missing.txt"], "no such file: 'missing.txt'"),
        (["lint", ".", "--json"], "is a directory"),
        (["lint", "latin1.txt"], "not UTF-8"),
        (["lint", "huge.txt"], "too long to lint"),
        (["lint", "clean.txt", "--stage", "hired"], "unknown stage 'hired'; choose one of: no_response, applied"),
        (["lint", "clean.txt", "--kind", "fax"], "unknown kind 'fax'; choose one of: email, phone_script"),
    ],
)
def test_bad_usage_exits_2_with_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    draft(tmp_path, "Très bien, merci, Zoë".encode("latin-1"), "latin1.txt")
    draft(tmp_path, "word " * 30_000, "huge.txt")
    draft(tmp_path, CLEAN, "clean.txt")
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("coach lint: ") and expected in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def run_coach(
    tmp_path: Path, args: list[str], stdin: str, *, as_module: bool = True
) -> subprocess.CompletedProcess[str]:
    entry = (
        ["-m", "exit_coach.adapters.cli"]
        if as_module
        else ["-c", "import sys; from exit_coach.adapters.cli import main; sys.exit(main())"]
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, *entry, "lint", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )


def test_real_process_exit_codes_0_and_1(tmp_path: Path) -> None:
    clean = run_coach(tmp_path, ["-"], CLEAN)
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "clean: no findings\n", "")
    messy = run_coach(tmp_path, ["-", "--json"], MESSY)
    assert messy.returncode == 1
    assert json.loads(messy.stdout)["clean"] is False


def test_real_process_bad_usage_exits_2_without_traceback(tmp_path: Path) -> None:
    # Runs main() the way the installed `coach` console script does.
    result = run_coach(tmp_path, ["-", "--stage", "hired"], CLEAN, as_module=False)
    assert result.returncode == 2
    assert result.stderr.startswith("coach lint: unknown stage 'hired'") and "Traceback" not in result.stderr


def test_python_m_bad_usage_exits_2_without_traceback(tmp_path: Path) -> None:
    result = run_coach(tmp_path, ["-", "--stage", "hired"], CLEAN)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
