"""Channel, draft kind, stage and action names come from one place, the model (never "Linkedin")."""

from __future__ import annotations

import json

from exit_coach.adapters.discord import render as discord_render
from exit_coach.adapters.slack import render as slack_render
from exit_coach.drafts import DraftRenderer
from exit_coach.flow.replies import Ask, ShowPlan
from exit_coach.model import Action, Channel, DraftKind, Language, Situation, Stage
from exit_coach.plan_output import full_plan, plan_to_text
from tests.core.conversation import Talk, answer_through


def test_every_member_has_a_label_and_linkedin_is_spelled_right() -> None:
    for enum in (Channel, DraftKind, Action, Stage, Language):
        assert all(member.label for member in enum), enum
    assert Channel.LINKEDIN.label == "LinkedIn" and DraftKind.LINKEDIN.label == "LinkedIn message"


def test_the_plan_text_uses_the_labels() -> None:
    s = Situation(stage=Stage.SCREENING, main_channel=Channel.LINKEDIN, informal=True, company="Acme", role="Analyst")
    text = plan_to_text(full_plan(s, renderer=DraftRenderer(), help_url=None))
    assert f"Channels: {Channel.LINKEDIN.label}" in text and f"1. {DraftKind.LINKEDIN.label} (LinkedIn)" in text
    assert "Linkedin" not in text


def test_switch_channel_buttons_and_both_platforms_plans_use_the_labels() -> None:
    talk = Talk()
    answer_through(talk, stage="screening", reason="other_offer", recruiter="no", main_channel="linkedin",
                   informal="yes", door="no", language="en")
    plan = talk.plan()
    talk.click("draft")
    talk.click("switch")
    menu = talk.last
    assert isinstance(menu, Ask)
    assert {o.label for o in menu.options} >= {Channel.EMAIL.label}
    linkedin_plan = ShowPlan(plan.case_id, plan.title, Action.WITHDRAW.value, ("linkedin", "email"), (), ())
    slack = json.dumps(slack_render.show_plan(linkedin_plan).blocks, ensure_ascii=False)
    discord = "\n".join(m.content for m in discord_render.show_plan(linkedin_plan))
    for shown in (slack, discord):
        assert "LinkedIn → Email" in shown and "Linkedin" not in shown and Action.WITHDRAW.label in shown
