"""The export as files a person opens: JSON for machines, Markdown and CSV in the user's own time zone."""

from __future__ import annotations

import csv
import io
import json

from exit_coach.export import CSV_COLUMNS
from exit_coach.flow.events import Choose, Command, SubmitForm
from exit_coach.flow.replies import Attachment
from exit_coach.service import Coach, UserKey
from tests.store.conftest import FakeClock, walk_to

SAM = UserKey("console", "", "sam")


def test_export_carries_json_markdown_and_a_csv_of_cases(coach: Coach, clock: FakeClock) -> None:
    coach.handle(SAM, Command("start"))
    coach.handle(SAM, Command("settings"))
    coach.handle(SAM, Choose("tz", "settings"))
    coach.handle(SAM, SubmitForm("settings_tz", {"tz": "Europe/Paris"}))
    walk_to(coach, SAM, "rev:")
    files = {r.filename: r.content for r in coach.handle(SAM, Command("export")).replies if isinstance(r, Attachment)}
    data = json.loads(files["exit-coach-export.json"])
    assert data["cases"][0]["created_at"].startswith("2025-03-03T09:00"), "JSON keeps exact ISO times"
    rows = list(csv.DictReader(io.StringIO(files["exit-coach-cases.csv"])))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 1
    assert rows[0]["company"] == "Acme" and rows[0]["stage"] and rows[0]["channel"] in ("email", "phone", "recruiter")
    assert rows[0]["opened"] == "Mon 3 Mar, 10:00 (Europe/Paris)"
    markdown = files["exit-coach-history.md"]
    assert "- Opened: Mon 3 Mar, 10:00 (Europe/Paris)" in markdown and "2025-03-03T" not in markdown
    assert "Time zone: Europe/Paris" in markdown


def test_a_spreadsheet_never_runs_user_text_as_a_formula(coach: Coach) -> None:
    from exit_coach.export import cases_csv

    data = {"profile": {}, "cases": [{"id": "c1", "company": "=HYPERLINK(\"http://x\")", "created_at": ""}]}
    row = next(csv.DictReader(io.StringIO(cases_csv(data))))
    assert row["company"].startswith("'=")
