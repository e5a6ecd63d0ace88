"""The user's data as files: the JSON export, a readable Markdown history, and a CSV of cases.

Pure functions over an export dict (built once from the conversation and the
user's reminder and thread rows), so the three files always agree. Times in
the JSON are exact ISO 8601 UTC for machines; the Markdown and the CSV show
them in the user's own zone, as people read them.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from exit_coach.codec import decode, to_jsonable
from exit_coach.flow.state import Conversation
from exit_coach.model import Reason, Stage
from exit_coach.reminders import UserClock, describe, shown
from exit_coach.store import UserKey

EXPORT_JSON = "exit-coach-export.json"
EXPORT_MD = "exit-coach-history.md"
EXPORT_CSV = "exit-coach-cases.csv"


def export_dict(
    key: UserKey,
    conv: Conversation,
    reminders: list[dict[str, Any]],
    threads: list[dict[str, str]],
    *,
    created_at: datetime | None,
    now: datetime,
) -> dict[str, Any]:
    """The export format: who, when, the profile, every case (answers, drafts, log), reminders, and where each
    case's messages live on the platform."""
    if created_at is not None and created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return {
        "format": "exit-coach-export/1",
        "exported_at": now.isoformat(timespec="seconds"),
        "user": {
            "platform": key.platform,
            "workspace": key.workspace,
            "user": key.user,
            "created_at": created_at.isoformat(timespec="seconds") if created_at else None,
        },
        "profile": to_jsonable(conv.profile),
        "active_case": conv.active,
        "pending": conv.pending,
        "cases": [to_jsonable(case) for case in conv.cases],
        "reminders": reminders,
        "threads": threads,
    }


def _clock(data: dict[str, Any]) -> UserClock:
    return decode(UserClock, data.get("profile", {}).get("clock") or {})


def _label(enum: type[Stage] | type[Reason], value: str | None) -> str:
    if not value:
        return "—"
    try:
        return enum(value).label
    except ValueError:
        return value


def _case_facts(case: dict[str, Any], clock: UserClock) -> dict[str, str]:
    """What a person reads about one case: stage, reason, channel, dates and what was sent."""
    answers = case.get("answers", {})
    sent = [e["text"] for e in case.get("log", []) if e["text"].startswith(("Sent draft", "Called them"))]
    channels = [rev["channel"] for rev in case.get("revisions", [])]
    return {
        "case_id": str(case.get("id", "")),
        "company": case.get("company") or "",
        "role": case.get("role") or "",
        "status": str(case.get("phase", "")).replace("_", " "),
        "stage": _label(Stage, answers.get("stage")),
        "reason": _label(Reason, answers.get("reason")),
        "channel": channels[-1] if channels else "—",
        "opened": shown(case.get("created_at"), clock),
        "sent": shown(case.get("sent_at"), clock) if case.get("sent_at") else "—",
        "what_was_sent": "; ".join(sent) or "—",
        "revisions": str(len(case.get("revisions", []))),
    }


CSV_COLUMNS = (
    "case_id", "company", "role", "status", "stage", "reason", "channel",
    "opened", "sent", "what_was_sent", "revisions",
)


def cases_csv(data: dict[str, Any]) -> str:
    """One row per case, for spreadsheets; times in the user's zone."""
    clock = _clock(data)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for case in data["cases"]:
        writer.writerow({k: _cell(v) for k, v in _case_facts(case, clock).items()})
    return out.getvalue()


def _cell(value: str) -> str:
    # a cell starting with = + - @ would run as a formula in a spreadsheet: user text must stay text
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def history_markdown(data: dict[str, Any]) -> str:
    """A readable Markdown history from an export dict (so both files always agree); times in the user's zone."""
    clock = _clock(data)
    user = data["user"]
    where = f"{user['platform']}" + (f" / {user['workspace']}" if user["workspace"] else "")
    sig = data["profile"].get("signature", {})
    lines = [
        "# Exit Coach — your history",
        "",
        f"Exported {shown(data['exported_at'], clock)} for user `{user['user']}` on {where}.",
        "",
        "## Profile",
        "",
        f"- Name: {sig.get('name') or '—'}",
        f"- Email: {sig.get('email') or '—'}",
        f"- Phone: {sig.get('phone') or '—'}",
        f"- Check-ins: {'on' if data['profile'].get('checkins') else 'off'}",
        f"- {describe(clock)}",
    ]
    if not data["cases"]:
        lines += ["", "No cases yet."]
    for case in data["cases"]:
        lines += ["", *_case_markdown(case, clock)]
    if data["reminders"]:
        lines += ["", "## Reminders", ""]
        for r in data["reminders"]:
            if r.get("failed_at"):
                state = f"not delivered: {r.get('failure') or 'gave up'}"
            else:
                state = f"delivered {shown(r['delivered_at'], clock)}" if r["delivered_at"] else "pending"
            lines.append(f"- {r['kind']} for case {r['case_id']}, due {shown(r['due_at'], clock)} ({state})")
    if data["threads"]:
        lines += ["", "## Where your cases' messages live", ""]
        lines += [f"- case {t['case_id']}: {t['ref']}" for t in data["threads"]]
    return "\n".join(lines) + "\n"


def _case_markdown(case: dict[str, Any], clock: UserClock) -> list[str]:
    facts = _case_facts(case, clock)
    title = facts["company"] or "New case"
    if facts["role"]:
        title += f" — {facts['role']}"
    lines = [
        f"## {title}",
        "",
        f"- Case id: {facts['case_id']}",
        f"- Opened: {facts['opened']}",
        f"- Status: {facts['status']}",
        f"- Stage: {facts['stage']}; reason: {facts['reason']}; channel: {facts['channel']}",
        f"- Sent: {facts['sent']}",
    ]
    if case.get("contact"):
        lines.append(f"- Contact: {case['contact']}")
    if case.get("log"):
        lines += ["", "### Log", ""]
        lines += [f"- {shown(entry['at'], clock, zone=False)} — {entry['text']}" for entry in case["log"]]
    for rev in case.get("revisions", []):
        heading = f"### Revision {rev['number']}: {rev['kind']} ({rev['channel']})"
        lines += ["", heading + (" — edited by you" if rev.get("edited") else ""), ""]
        if rev.get("subject"):
            lines += [f"Subject: {rev['subject']}", ""]
        lines += [f"> {line}" if line else ">" for line in rev.get("body", "").splitlines()]
    return lines
