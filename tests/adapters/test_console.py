"""`coach chat` as a user runs it: a real process, piped answers, a SQLite file, a restart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exit_coach.model import Channel, DraftKind

REPO = Path(__file__).resolve().parents[2]


def chat(tmp_path: Path, answers: list[str], *, user: str = "sam", env_extra: dict[str, str] | None = None,
         cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'coach.db'}",
        "PYTHONPATH": str(REPO),
        "COACH_HELP_URL": "",
        **(env_extra or {}),
    }
    work = cwd or tmp_path / "elsewhere"
    work.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "exit_coach.adapters.cli", "chat", "--user", user],
        input="\n".join(answers) + "\n",
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=120,
        check=False,
    )


FINAL_WITH_RAPPORT = [
    "Acme",
    "Data Engineer",
    "Dana Reyes",  # the details form
    "After the final interview",  # stage (by label); another offer asks no "would you stay?"
    "1",
    "no",
    "yes",
    "yes",  # reason: other offer, recruiter, rapport, door
    "1",  # the employer's language: English, the default
    "Sam Lee",
    "sam@example.com",
    "+1 555 0100",  # signature form
    "1",  # show my drafts
]


def test_piped_conversation_reaches_a_phone_script_and_exits_cleanly(tmp_path: Path) -> None:
    result = chat(tmp_path, FINAL_WITH_RAPPORT)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in result.stderr
    assert f"Channels: {Channel.PHONE.label} → {Channel.EMAIL.label}" in out
    assert f"draft 1: {DraftKind.PHONE_SCRIPT.label} ({Channel.PHONE.label})" in out
    assert "Call done" in out
    assert "Bye for now" in out


def test_a_new_process_resumes_at_the_same_question(tmp_path: Path) -> None:
    first = chat(tmp_path, FINAL_WITH_RAPPORT[:4])  # stops after the stage, at the reason question
    assert first.returncode == 0, first.stderr
    assert "What's the main reason?" in first.stdout.splitlines()[-8:][0] or "What's the main reason?" in first.stdout
    second = chat(tmp_path, ["status"])
    assert "Picking up where we left off: Acme — Data Engineer." in second.stdout
    assert second.stdout.count("What's the main reason?") >= 1
    assert "Which application" not in second.stdout, "it did not start over"


def test_the_whole_way_to_sent_then_history_and_export(tmp_path: Path) -> None:
    answers = [
        "Acme",
        "Analyst",
        "",  # no contact name
        "3",
        "2",
        "no",
        "no",
        "1",
        "no",  # screening, not a fit, not negotiable, no recruiter, email, no door
        "English",  # the employer's language
        "Sam Lee",
        "sam@example.com",
        "",
        "1",  # show drafts
        "Mark as sent",
        "history",
        "export",
    ]
    result = chat(tmp_path, answers)
    assert result.returncode == 0, result.stderr
    assert "Recorded: sent by email" in result.stdout
    assert "Sent draft 1 (email) by email" in result.stdout
    exported = list((tmp_path / "elsewhere").glob("exit-coach-export-*.json"))
    assert len(exported) == 1 and "Acme" in exported[0].read_text()
    assert list((tmp_path / "elsewhere").glob("exit-coach-history-*.md"))


def test_export_from_a_folder_that_cannot_be_written_goes_to_the_data_folder(tmp_path: Path) -> None:
    readonly = tmp_path / "elsewhere"
    readonly.mkdir()
    data_home = tmp_path / "data-home"
    env_extra = {"XDG_DATA_HOME": str(data_home)}
    result = chat(tmp_path, ["Acme", "Analyst", "", "export"], env_extra=env_extra, cwd=Path("/proc"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    saved = list((data_home / "exit-coach" / "exports").glob("exit-coach-export-*.json"))
    assert saved and "Acme" in saved[0].read_text()


def test_commands_typed_into_a_form_are_commands(tmp_path: Path) -> None:
    result = chat(tmp_path, ["faq", "2"])
    assert "Company: faq" in result.stdout
    assert "Do I have to explain why?" in result.stdout
    assert "How far did you get with faq" not in result.stdout


def test_two_users_do_not_see_each_other(tmp_path: Path) -> None:
    chat(tmp_path, FINAL_WITH_RAPPORT[:4], user="alice")
    bob = chat(tmp_path, ["cases"], user="bob")
    assert "Acme" not in bob.stdout


@pytest.mark.parametrize("bad", ["{{ 7*7 }}", "<!channel>"])
def test_template_syntax_and_mentions_stay_literal_in_the_terminal(tmp_path: Path, bad: str) -> None:
    answers = [bad, "Analyst", "", "3", "1", "no", "1", "no", "1", "Sam", "sam@example.com", "", "1"]
    result = chat(tmp_path, answers)
    assert result.returncode == 0, result.stderr
    assert bad in result.stdout


def test_back_on_the_first_line_of_the_edit_form_leaves_it(tmp_path: Path) -> None:
    answers = ["Acme", "Analyst", "Dana", "3", "2", "no", "no", "1", "no", "1", "Sam Lee", "sam@example.com", "",
               "1", "Edit", "back", "status"]
    result = chat(tmp_path, answers)
    assert result.returncode == 0, result.stderr
    assert "draft 2" not in result.stdout, "the word `back` did not become the draft"
    assert "Latest draft: revision 1." in result.stdout


def test_a_form_checks_each_field_as_typed_and_back_returns_to_the_previous_field(tmp_path: Path) -> None:
    answers = [
        "x" * 100_000,  # company: refused at once, asked again
        "Acme",
        "back",  # at the role: back to the company, which keeps what was typed
        "",  # Enter keeps [Acme]
        "Data Enginer",  # role, mistyped...
        "back",  # ...noticed at the contact: back to the role
        "Data Engineer",
        "Dana Reyes",
        *FINAL_WITH_RAPPORT[3:9],
        "Sam Lee",
        "sam@heretech",  # refused at once
        "sam@heretech.io",
        "",
        "1",
    ]
    result = chat(tmp_path, answers)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    refused = out.index("is 100,000 characters long; the limit is 120")
    assert out.index("Company: ", refused) < out.index("Role: ", refused), "the company is asked again at once"
    back = out.index("back\n")
    assert out[back:].startswith("back\nCompany [Acme]: \nRole: "), "back goes to the previous field, prefilled"
    again = out.index("back\n", back + 1)
    assert out[again:].startswith("back\nRole [Data Enginer]: Data Engineer\nWho at the company")
    bad = out.index("sam@heretech\n")
    assert out[bad:].split("\n")[1].strip().startswith("That doesn't look like an email address")
    assert out[bad:].split("\n")[2].startswith("Your email: "), "the email is asked again, not the whole form"
    assert "sam@heretech.io" in out and "\u200b" not in out
