"""The App Home tab's content: the user's cases from `Coach.export`, with each case's checklist.

Reads the export (never the store), decodes it with the core's codec and asks
the core's own view functions for the checklist, so the tab says exactly what
the conversation would. Adds nothing to the core and decides nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.codec import conversation_from_dict
from bot.flow.replies import ChecklistLine
from bot.flow.state import situation_of
from bot.flow.view import checklist_lines
from bot.roadmap import plan_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HomeCase:
    title: str
    where: str
    checklist: tuple[ChecklistLine, ...] = ()


def home_cases(data: Mapping[str, Any]) -> list[HomeCase]:
    """Newest case first; an export that can't be decoded gives titles only."""
    if not data.get("cases"):
        return []
    try:
        conv = conversation_from_dict(
            {"profile": data.get("profile") or {}, "cases": data["cases"], "active": data.get("active_case"),
             "pending": data.get("pending")}
        )
    except Exception as exc:  # noqa: BLE001
        log.warning("slack: could not decode an export for the Home tab: %s", type(exc).__name__)
        return [HomeCase(str(c.get("company") or "New case"), str(c.get("phase") or "")) for c in data["cases"]]
    out = []
    for case in reversed(conv.cases):
        stage = case.answers.stage.label if case.answers.stage else "Stage not given yet"
        where = f"{stage} · {case.phase.value.replace('_', ' ')}"
        lines: tuple[ChecklistLine, ...] = ()
        if case.answers.stage is not None:
            lines = checklist_lines(case, plan_for(situation_of(case, conv)))
        out.append(HomeCase(case.title, where, lines))
    return out
