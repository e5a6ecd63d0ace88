"""`coach stats` as an operator runs it: aggregate counts, nothing personal, cells under five people hidden."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from exit_coach.adapters.cli import main
from exit_coach.flow.state import Answers, Case, Conversation, Phase, Profile, Revision
from exit_coach.model import Channel, DraftKind, DraftStyle, Reason, Stage
from exit_coach.service import UserKey
from exit_coach.store import open_store

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def case(n: int, stage: Stage, reason: Reason, *, sent_after: timedelta | None) -> Case:
    rev = Revision(1, DraftKind.EMAIL, Channel.EMAIL, "Subject", "Body", DraftStyle())
    return Case(
        id=f"c{n}",
        created_at=START.isoformat(),
        company=f"SecretCo{n}",
        answers=Answers(stage=stage, reason=reason),
        phase=Phase.SENT if sent_after else Phase.DRAFTING,
        revisions=(rev,),
        sent_at=(START + sent_after).isoformat() if sent_after else None,
    )


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    store = open_store(url)
    people = []
    for n in range(7):  # seven people withdrew after a screening call for another offer, in n+1 hours
        people.append(Conversation(profile=Profile(checkins=n < 5, snoozes=int(n < 2)),
                                   cases=(case(n, Stage.SCREENING, Reason.OTHER_OFFER,
                                               sent_after=timedelta(hours=n + 1)),)))
    for n in (7, 8):  # two people at the offer stage: too few to show
        people.append(Conversation(cases=(case(n, Stage.OFFER, Reason.COMPENSATION, sent_after=None),)))
    with store.transaction() as tx:
        for n, conv in enumerate(people):
            loaded = tx.load(UserKey("slack", "T1", f"U{n}"), now=START, create=True)
            assert loaded is not None
            tx.save(loaded, conv, now=START)
    store.close()
    return url


def test_stats_as_json_suppress_cells_under_five_people(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["people"] == 9 and data["cases"] == 9
    assert data["by_stage"] == {"offer": None, "screening": 7}, "two people at the offer stage: hidden"
    assert data["by_reason"] == {"compensation": None, "other_offer": 7}
    assert data["by_channel"] == {"email": 9}
    assert data["reached_sent"] == 7
    assert data["median_hours_start_to_sent"] == 4.0
    assert data["checkins"] == {"accepted": 5, "snoozed": None, "stopped": None}
    assert "SecretCo" not in out and "U0" not in out, "aggregate only: no companies, no user ids"


def test_stats_as_a_table(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "screening" in out and "<5" in out and "Median time from start to sent: 4.0 hours" in out
    assert "SecretCo" not in out


def test_stats_of_a_tiny_community_show_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'small.db'}")
    assert main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["people"] is None and data["median_hours_start_to_sent"] is None
