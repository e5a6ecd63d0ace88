"""The whole answer to `coach plan`: roadmap plan, rendered drafts and their lint.

`full_plan` puts `exit_coach.roadmap.plan_for`, a draft renderer and `exit_coach.lint.lint_text`
together; `plan_to_json` gives the SPEC §5 JSON shape and `plan_to_text` a
readable terminal version. Pure: no I/O, no environment, no jinja2 import (the
renderer is passed in), and no platform escaping (callers do that).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from exit_coach.lint import lint_draft
from exit_coach.model import (
    DRAFT_KIND_LABELS,
    Draft,
    DraftKind,
    DraftSpec,
    DraftStyle,
    Finding,
    Plan,
    Situation,
)
from exit_coach.roadmap import default_style, linkedin_fits, plan_for

DRAFT_TITLES: dict[DraftKind, str] = DRAFT_KIND_LABELS
"""Kept for importers; the labels live in `exit_coach.model` (`DraftKind.label`)."""


class Renderer(Protocol):
    """What `full_plan` needs from a draft renderer (`exit_coach.drafts.DraftRenderer` fits)."""

    def render(self, spec: DraftSpec, situation: Situation, style: DraftStyle) -> Draft: ...


@dataclass(frozen=True)
class DraftFinding:
    """One lint finding, tied to the draft it was found in."""

    draft: DraftKind
    finding: Finding


@dataclass(frozen=True)
class FullPlan:
    """A plan with its drafts rendered (in `plan.draft_specs` order) and checked."""

    situation: Situation
    plan: Plan
    drafts: tuple[Draft, ...]
    lint: tuple[DraftFinding, ...]


def full_plan(situation: Situation, *, renderer: Renderer, help_url: str | None) -> FullPlan:
    """Plan `situation`, render each draft with the default style and lint it.

    Renderer errors (e.g. `exit_coach.drafts.TemplateProblem`) propagate unchanged.
    """
    plan = plan_for(situation, help_url=help_url)
    style = default_style(situation)
    drafts = tuple(renderer.render(spec, situation, style) for spec in plan.draft_specs)
    lint = tuple(
        DraftFinding(draft.kind, finding)
        for draft in drafts
        for finding in lint_draft(
            draft, situation.stage, lang=draft.language.value, linkedin_fits=linkedin_fits(situation)
        )
    )
    return FullPlan(situation=situation, plan=plan, drafts=drafts, lint=lint)


def plan_to_json(full: FullPlan) -> dict[str, object]:
    """The SPEC §5 object: exactly action, channels, urgency, reasoning, checklist, drafts, lint, help."""
    plan = full.plan
    help_ = None if plan.help is None else {"url": plan.help.url, "reasons": list(plan.help.reasons)}
    return {
        "action": plan.action.value,
        "channels": [channel.value for channel in plan.channels],
        "urgency": plan.urgency.value,
        "reasoning": list(plan.reasoning),
        "checklist": [{"id": item.id, "text": item.text} for item in plan.checklist],
        "drafts": [
            {"kind": d.kind.value, "channel": d.channel.value, "subject": d.subject, "body": d.body}
            for d in full.drafts
        ],
        "lint": [{"draft": n.draft.value, "code": n.finding.code, "message": n.finding.message} for n in full.lint],
        "help": help_,
    }


def plan_to_text(full: FullPlan) -> str:
    """The plan as plain text for a terminal: action, channels and why, checklist, drafts, lint, help."""
    plan, s = full.plan, full.situation
    lines = [f"Plan: {plan.action.label}"]
    about = " at ".join(part for part in (s.role, s.company) if part)
    lines.append(f"For: {about} ({s.stage.label.lower()})" if about else f"Stage: {s.stage.label.lower()}")
    if plan.channels:
        lines.append("Channels: " + " → ".join(c.label for c in plan.channels))
    lines.append(f"Urgency: {plan.urgency.value}")
    lines += ["", "Why:", *(f"  - {sentence}" for sentence in plan.reasoning)]
    lines += ["", "Checklist:", *(f"  [ ] {item.text}" for item in plan.checklist)]
    for number, draft in enumerate(full.drafts, start=1):
        lines += ["", f"{number}. {draft.kind.label} ({draft.channel.label})", "-" * 40]
        if draft.subject:
            lines += [f"Subject: {draft.subject}", ""]
        lines.append(draft.body)
    if full.drafts:
        lines += ["", "Draft check:"]
        if full.lint:
            lines += [f"  - {n.draft.label}: {n.finding.message} ({n.finding.code})" for n in full.lint]
        else:
            lines.append("  No problems found.")
    if plan.help is not None:
        lines += ["", f"Talking it through with a coach could help: {plan.help.url}"]
        lines += [f"  - because {reason}" for reason in plan.help.reasons]
    return "\n".join(lines)
