"""The codec: any conversation survives the round trip, and old or newer rows still load."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exit_coach.codec import decode, decode_case, encode_case, to_jsonable
from exit_coach.flow.state import Case, Conversation, Phase
from exit_coach.model import Stage


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_type(Conversation))
def test_any_conversation_round_trips_through_json(conv: Conversation) -> None:
    data = json.loads(json.dumps(to_jsonable(conv)))
    assert decode(Conversation, data) == conv


@settings(max_examples=60, deadline=None)
@given(st.from_type(Case))
def test_any_case_round_trips_through_its_row_text(case: Case) -> None:
    assert decode_case(encode_case(case)) == case


def test_an_old_row_without_new_fields_loads_with_defaults() -> None:
    case = decode_case(json.dumps({"id": "c1", "created_at": "2025-01-01T00:00:00+00:00", "company": "Acme"}))
    assert case == Case(id="c1", created_at="2025-01-01T00:00:00+00:00", company="Acme")


def test_unknown_keys_and_unreadable_values_fall_back_instead_of_failing() -> None:
    row = {
        "id": "c1",
        "created_at": "2025-01-01",
        "phase": "a_phase_from_the_future",
        "answers": {"stage": "offer", "mood": "great"},
        "nudges": "three",
        "log": [{"at": "t", "text": "kept"}, {"broken": True}],
        "added_in_v9": [1, 2, 3],
    }
    case = decode_case(json.dumps(row))
    assert case.phase is Phase.ASKING and case.nudges == 0
    assert case.answers.stage is Stage.OFFER
    assert [entry.text for entry in case.log] == ["kept"]
