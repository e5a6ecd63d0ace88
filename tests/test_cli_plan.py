"""`coach plan`: the SPEC §5 contract, in-process and as a real process from any directory."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exit_coach.adapters.cli import main
from exit_coach.adapters.cli_plan import TEXT_LIMITS
from exit_coach.model import Channel, DraftKind, Reason, Stage

ROOT = Path(__file__).resolve().parents[1]
ACCEPTANCE = [
    "plan",
    "--stage", "final",
    "--reason", "other_offer",
    "--rapport",
    "--company", "Acme",
    "--role", "Data Engineer",
    "--contact", "Dana Reyes",
    "--name", "Sam Lee",
    "--email", "sam@example.com",
    "--phone", "+1 555 0100",
]  # fmt: skip
SIGNED = ["--company", "Acme", "--role", "Analyst", "--contact", "Dana", "--name", "Sam", "--email", "s@example.com"]
KEYS = ["action", "channels", "urgency", "reasoning", "checklist", "drafts", "lint", "help"]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setattr(sys, "argv", ["coach"])  # main() rewrites sys.argv
    monkeypatch.delenv("COACH_TEMPLATES_DIR", raising=False)
    monkeypatch.delenv("COACH_HELP_URL", raising=False)


def plan_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["plan", *args, "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return json.loads(captured.out)


def assert_spec_shape(result: dict[str, object]) -> None:
    """Exactly the SPEC §5 keys, with their types and vocabularies."""
    assert list(result) == KEYS
    assert result["action"] in ("none", "withdraw", "negotiate")
    assert isinstance(result["channels"], list)
    assert all(c in ("recruiter", "phone", "email", "linkedin") for c in result["channels"])
    assert isinstance(result["urgency"], str) and result["urgency"]
    assert isinstance(result["reasoning"], list) and all(isinstance(r, str) and r for r in result["reasoning"])
    assert isinstance(result["checklist"], list)
    for item in result["checklist"]:
        assert list(item) == ["id", "text"] and all(isinstance(v, str) and v for v in item.values())
    assert isinstance(result["drafts"], list)
    for d in result["drafts"]:
        assert list(d) == ["kind", "channel", "subject", "body"] and all(isinstance(v, str) for v in d.values())
        assert d["kind"] in {k.value for k in DraftKind} and d["channel"] in {c.value for c in Channel}
        assert d["body"]
    assert isinstance(result["lint"], list)
    kinds = {d["kind"] for d in result["drafts"]}
    for note in result["lint"]:
        assert list(note) == ["draft", "code", "message"] and note["draft"] in kinds
    help_ = result["help"]
    assert help_ is None or (list(help_) == ["url", "reasons"] and isinstance(help_["reasons"], list))


# --- the acceptance command --------------------------------------------------------------------


def test_acceptance_command_prints_phone_then_email_and_both_drafts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(ACCEPTANCE) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "Plan: Withdraw" in out and f"Channels: {Channel.PHONE.label} → {Channel.EMAIL.label}" in out
    assert "[ ] Make the call" in out and "[ ] After the call, send the email that confirms it." in out
    script, email = out.index("1. Call script (Phone)"), out.index("2. Email confirming the call (Email)")
    assert script < email
    assert "Hi Dana, it's Sam Lee" in out[script:email]
    assert "Subject: Confirming our call: Data Engineer at Acme" in out[email:]
    assert "Sam Lee\nsam@example.com\n+1 555 0100" in out[email:]
    assert out.rstrip().endswith("Draft check:\n  No problems found.")


def test_acceptance_command_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    result = plan_json(capsys, *ACCEPTANCE[1:])
    assert_spec_shape(result)
    assert result["action"] == "withdraw" and result["channels"] == ["phone", "email"]
    assert [(d["kind"], d["channel"]) for d in result["drafts"]] == [
        ("phone_script", "phone"),
        ("follow_up_email", "email"),
    ]
    assert result["drafts"][0]["subject"] == "" and "Acme" in result["drafts"][1]["subject"]
    assert result["lint"] == []  # our own drafts pass our own checks
    assert result["help"] is None


# --- the JSON contract, everywhere -------------------------------------------------------------


@pytest.mark.parametrize(("stage", "reason"), list(itertools.product(Stage, Reason)))
def test_json_has_exactly_the_spec_keys_and_types(
    capsys: pytest.CaptureFixture[str], stage: Stage, reason: Reason
) -> None:
    result = plan_json(capsys, "--stage", stage.value, "--reason", reason.value, *SIGNED)
    assert_spec_shape(result)
    assert (result["action"] == "none") is (stage is Stage.NO_RESPONSE)
    assert (result["drafts"] == []) is (stage is Stage.NO_RESPONSE)


MODIFIERS = [
    ["--via-recruiter"],
    ["--negotiable", "--reason", "compensation"],
    ["--main-channel", "linkedin", "--informal"],
    ["--keep-door-open", "--rapport"],
    ["--signed", "--relocation", "--signing-bonus", "--visa"],
]


@pytest.mark.parametrize(("stage", "extra"), list(itertools.product(Stage, MODIFIERS)))
def test_json_shape_holds_with_modifiers(capsys: pytest.CaptureFixture[str], stage: Stage, extra: list[str]) -> None:
    result = plan_json(capsys, "--stage", stage.value, *extra, *SIGNED)
    assert_spec_shape(result)
    if "--via-recruiter" in extra and stage is not Stage.NO_RESPONSE:
        assert result["channels"][0] == "recruiter" and result["drafts"][0]["kind"] == "recruiter_note"


def test_complete_default_drafts_are_lint_clean_at_every_stage(capsys: pytest.CaptureFixture[str]) -> None:
    for stage, reason in itertools.product(Stage, Reason):
        result = plan_json(capsys, "--stage", stage.value, "--reason", reason.value, "--rapport", *SIGNED)
        assert result["lint"] == [], (stage, reason, result["lint"])


def test_missing_details_show_up_as_placeholder_findings(capsys: pytest.CaptureFixture[str]) -> None:
    result = plan_json(capsys, "--stage", "screening")
    assert {note["code"] for note in result["lint"]} >= {"placeholder", "no_contact_info"}
    assert all(note["draft"] == "email" for note in result["lint"])


def test_help_link_when_configured(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_HELP_URL", "https://community.example/coach")
    result = plan_json(capsys, "--stage", "accepted", "--visa")
    assert result["help"]["url"] == "https://community.example/coach"
    assert any("accepted offer" in reason for reason in result["help"]["reasons"])
    assert main(["plan", "--stage", "accepted"]) == 0
    assert "Talking it through with a coach could help: https://community.example/coach" in capsys.readouterr().out


def test_no_response_text_says_no_action(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stage", "no_response"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Plan: No action needed") and "1. " not in out and "Draft check" not in out


def test_negotiation_text_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stage", "offer", "--negotiable", "--reason", "compensation", *SIGNED]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Plan: Negotiate first")
    assert "[ ] Name the one or two deal-breakers" in out and "1. Email asking to talk it over (Email)" in out


def test_values_are_forgiving_about_case_and_dashes(capsys: pytest.CaptureFixture[str]) -> None:
    result = plan_json(capsys, "--stage", "No-Response", "--reason", " OTHER_OFFER ")
    assert result["action"] == "none"


# --- user text is data, never template source --------------------------------------------------


@pytest.mark.parametrize("option", ["--company", "--role", "--contact", "--name"])
def test_template_syntax_in_user_text_comes_out_literally(capsys: pytest.CaptureFixture[str], option: str) -> None:
    result = plan_json(capsys, "--stage", "offer", *SIGNED, option, "{{ 7*7 }}")
    text = json.dumps(result["drafts"])
    assert "{{ 7*7 }}" in text and "49" not in text
    assert "placeholder" in {note["code"] for note in result["lint"]}  # and the lint points it out


def test_an_override_template_is_used(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "email.j2").write_text("Subject: Ours\nHi {{ contact }}, thanks; I withdraw.\n")
    monkeypatch.setenv("COACH_TEMPLATES_DIR", str(tmp_path / "tpl"))
    result = plan_json(capsys, "--stage", "screening", *SIGNED)
    assert result["drafts"][0]["subject"] == "Ours" and result["drafts"][0]["body"] == "Hi Dana, thanks; I withdraw."


# --- bad input: one line on stderr, exit 2 -----------------------------------------------------

BAD = {
    "unknown stage": (["--stage", "hired"], "unknown --stage 'hired'; choose one of: no_response, applied,"),
    "unknown reason": (["--stage", "final", "--reason", "bored"], "unknown --reason 'bored'; choose one of:"),
    "unknown channel": (["--stage", "final", "--main-channel", "fax"], "choose one of: email, phone, linkedin"),
    "recruiter is no main channel": (["--stage", "final", "--main-channel", "recruiter"], "unknown --main-channel"),
    "no stage": ([], "--stage is required; choose one of:"),
    "stage without value": (["--stage"], "argument --stage: expected one argument"),
    "huge name": (["--stage", "final", "--name", "x" * 100_000], "--name is 100,000 characters long; the limit is 80"),
    "escape in company": (["--stage", "final", "--company", "Acme\x1b[31m"], "--company contains a control character"),
    "newline in role": (["--stage", "final", "--role", "Dev\nSubject: hi"], "--role contains a control character"),
    "NUL in contact": (["--stage", "final", "--contact", "Dana\x00"], "--contact contains a control character"),
    "bidi override in name": (["--stage", "final", "--name", "Sam\u202eeeL"], "--name contains a control character"),
    "bad email": (["--stage", "final", "--email", "sam at example"], "--email 'sam at example' does not look like"),
    "huge stage": (["--stage", "y" * 100_000], "unknown --stage 'yyyyyyyyyy"),
}


def exit_code(argv: list[str]) -> int:
    """`main(argv)`, or the code of the SystemExit that argparse raises for a malformed command line."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def assert_one_line_usage_error(code: int, err: str, expected: str) -> None:
    assert code == 2
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("coach plan: ") and expected in err, err
    assert len(err) < 400


@pytest.mark.parametrize(("argv", "expected"), list(BAD.values()), ids=list(BAD))
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    code = exit_code(["plan", *argv])
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_usage_error(code, err, expected)


@pytest.mark.parametrize(("option", "limit"), list(TEXT_LIMITS.items()))
def test_text_caps_name_the_option_and_the_length(capsys: pytest.CaptureFixture[str], option: str, limit: int) -> None:
    fill = {
        "email": "a" * (limit - len("@example.com")) + "@example.com",
        "phone": ("+1 555 0100" + " " * limit)[:limit],
    }
    at_limit = fill.get(option, "a" * limit)
    assert main(["plan", "--stage", "final", f"--{option}", at_limit, "--json"]) == 0
    capsys.readouterr()
    code = main(["plan", "--stage", "final", f"--{option}", at_limit + at_limit[-1]])
    assert_one_line_usage_error(code, capsys.readouterr().err, f"--{option} is {limit + 1} characters long")


def test_unicode_names_are_fine(capsys: pytest.CaptureFixture[str]) -> None:
    # ZWNJ is part of Persian spelling: a format character, not a control character.
    result = plan_json(capsys, "--stage", "screening", "--name", "Zoë Müller-Ñúñez", "--contact", "می\u200cخواهم")
    assert "Zoë Müller-Ñúñez" in result["drafts"][0]["body"]


def test_missing_templates_dir_is_one_line(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_TEMPLATES_DIR", "/no/such/folder")
    code = main(["plan", "--stage", "final"])
    assert_one_line_usage_error(code, capsys.readouterr().err, "COACH_TEMPLATES_DIR is not a folder: '/no/such/folder'")


def test_broken_override_template_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "email.j2").write_text("{% if %}\nmore\nlines\n")
    monkeypatch.setenv("COACH_TEMPLATES_DIR", str(tmp_path / "tpl"))
    code = main(["plan", "--stage", "screening"])
    assert_one_line_usage_error(code, capsys.readouterr().err, "email.j2: syntax error on line 1")


# --- as a real process ---------------------------------------------------------------------------


def run_coach(
    cwd: Path, args: list[str], *, as_module: bool = True, python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    entry = (
        ["-m", "exit_coach.adapters.cli"]
        if as_module
        else ["-c", "import sys; from exit_coach.adapters.cli import main; sys.exit(main())"]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACH_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, *python_flags, *entry, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_real_process_from_another_directory(tmp_path: Path) -> None:
    result = run_coach(tmp_path, [*ACCEPTANCE, "--json"])
    assert (result.returncode, result.stderr) == (0, "")
    parsed = json.loads(result.stdout)
    assert_spec_shape(parsed)
    assert [d["kind"] for d in parsed["drafts"]] == ["phone_script", "follow_up_email"]
    text = run_coach(tmp_path, ACCEPTANCE)
    assert text.returncode == 0 and f"Channels: {Channel.PHONE.label} → {Channel.EMAIL.label}" in text.stdout


def test_real_process_bad_usage_exits_2_without_traceback(tmp_path: Path) -> None:
    # Runs main() the way the installed `coach` console script does.
    result = run_coach(tmp_path, ["plan", "--stage", "final", "--name", "x" * 100_000], as_module=False)
    assert_one_line_usage_error(result.returncode, result.stderr, "--name is 100,000 characters long")
    assert result.stdout == ""


def test_python_m_bad_usage_exits_2_without_traceback(tmp_path: Path) -> None:
    result = run_coach(tmp_path, ["plan", "--stage", "hired"])
    assert_one_line_usage_error(result.returncode, result.stderr, "unknown --stage 'hired'")


def test_plan_imports_no_platform_or_database_library(tmp_path: Path) -> None:
    result = run_coach(tmp_path, ["plan", "--stage", "final"], python_flags=("-X", "importtime"))
    assert result.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert not imported & {"slack_bolt", "slack_sdk", "discord", "sqlmodel", "sqlalchemy", "aiohttp"}


@pytest.mark.parametrize("argv", [["plan", "--stage", "final", "--jsn"], ["lint", "--bogus"], ["nonsense"]])
def test_unknown_options_and_commands_are_one_line_too(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from exit_coach.adapters.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("coach") and "usage:" not in err


def test_a_phone_that_is_not_a_number_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", "--stage", "final", "--phone", "call me maybe"])
    assert_one_line_usage_error(code, capsys.readouterr().err, "--phone 'call me maybe' does not look like a phone")


# --- issue 7: negotiation only where it fits, the recruiter relay ----------------------------------


def test_accepted_negotiable_other_offer_plans_an_immediate_apologetic_rescind(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Article rule: after accepting, act immediately, phone then writing, apologise — no renegotiation."""
    result = plan_json(capsys, "--stage", "accepted", "--negotiable", "--reason", "other_offer", *SIGNED)
    assert_spec_shape(result)
    assert (result["action"], result["urgency"], result["channels"]) == ("withdraw", "immediate", ["phone", "email"])
    assert [d["kind"] for d in result["drafts"]] == ["phone_script", "follow_up_email"]
    aside = [line for line in result["reasoning"] if "negotiation aside" in line]
    assert len(aside) == 1 and "already accepted" in aside[0]
    assert all("apologise" in d["body"].lower() or "sorry" in d["body"].lower() for d in result["drafts"])
    assert not {"deal_breakers", "set_deadline"} & {item["id"] for item in result["checklist"]}


def test_a_recruiter_routed_negotiation_greets_the_recruiter(capsys: pytest.CaptureFixture[str]) -> None:
    result = plan_json(
        capsys, "--stage", "offer", "--negotiable", "--reason", "compensation", "--via-recruiter",
        "--recruiter", "Priya Raman", *SIGNED,
    )  # fmt: skip
    assert result["action"] == "negotiate" and result["channels"] == ["recruiter"]
    (draft,) = result["drafts"]
    assert (draft["kind"], draft["channel"]) == ("negotiation_email", "recruiter")
    assert draft["body"].startswith("Hi Priya,\n")


def test_via_recruiter_lets_them_relay_unless_told_otherwise(capsys: pytest.CaptureFixture[str]) -> None:
    relay = plan_json(capsys, "--stage", "offer", "--via-recruiter", "--recruiter", "Priya", *SIGNED)
    assert relay["channels"] == ["recruiter"] and [d["kind"] for d in relay["drafts"]] == ["recruiter_note"]
    assert "also contact" not in relay["drafts"][0]["body"]
    both = plan_json(capsys, "--stage", "offer", "--via-recruiter", "--tell-employer-too", *SIGNED)
    assert both["channels"] == ["recruiter", "phone", "email"]
    assert "I'll also contact them myself" in both["drafts"][0]["body"]
    assert "heard from my recruiter" in both["drafts"][1]["body"], "the call doesn't pretend they haven't heard"


# --- drafts in the employer's language ----------------------------------------------------------


def test_lang_de_gives_german_drafts_with_the_same_structure(capsys: pytest.CaptureFixture[str]) -> None:
    english = plan_json(capsys, *ACCEPTANCE[1:])
    german = plan_json(capsys, *ACCEPTANCE[1:], "--lang", "de")
    assert_spec_shape(german)
    same = ("action", "channels", "urgency", "checklist", "help", "reasoning")
    assert {k: german[k] for k in same} == {k: english[k] for k in same}, "only the drafts change language"
    def kinds(result: dict[str, object]) -> list[tuple[str, str]]:
        return [(d["kind"], d["channel"]) for d in result["drafts"]]  # type: ignore[attr-defined, index]

    assert kinds(german) == kinds(english)
    call, email = german["drafts"]
    assert call["subject"] == "" and "Gesprächsleitfaden: Data Engineer bei Acme" in call["body"]
    assert email["subject"].startswith("Bestätigung unseres Telefonats")
    assert email["body"].startswith("Guten Tag Dana Reyes,\n\nvielen Dank")
    assert "zurück" in email["body"] and "Mit freundlichen Grüßen\nSam Lee" in email["body"]
    assert german["lint"] == [], "our German drafts pass the German lint"


@pytest.mark.parametrize(("lang", "greeting", "sign_off"), [
    ("es", "Estimado/a Dana Reyes:", "Saludos cordiales,"),
    ("fr", "Bonjour Dana Reyes,", "Bien cordialement,"),
    ("en", "Dear Dana Reyes,", "Best regards,"),
])  # fmt: skip
def test_every_lang_writes_the_email_in_that_language(
    lang: str, greeting: str, sign_off: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = plan_json(capsys, "--stage", "interviewing", "--reason", "other_offer", *SIGNED[:4],
                       "--contact", "Dana Reyes", "--name", "Sam Lee", "--email", "s@example.com", "--lang", lang)
    (email,) = result["drafts"]
    assert email["body"].startswith(greeting + "\n") and sign_off in email["body"]
    assert result["lint"] == []


def test_an_unknown_lang_is_one_line_naming_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stage", "screening", "--lang", "it"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--lang" in err and "en, es, de, fr" in err
