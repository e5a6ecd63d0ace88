"""Turning state into replies: the current question, the plan, a revision, the checklist.

Pure functions of (conversation, case, context). Which of them shows when is
declared in `exit_coach.flow.screens`, whose `prompt` the flow calls after
every step, so a reply a day later, a restart or a stale click always ends
with the right question on screen.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from exit_coach.flow.outcome import Context
from exit_coach.flow.questions import BY_ID, signature_fields
from exit_coach.flow.replies import (
    Ask,
    AskForm,
    CaseOverview,
    ChecklistLine,
    FormField,
    Option,
    Reply,
    Say,
    ShowChecklist,
    ShowPlan,
    ShowRevision,
)
from exit_coach.flow.state import Case, Conversation, Phase, Revision, ScreenRef, situation_of
from exit_coach.flow.texts import FAQ, FOREIGN, FORM_CLOSED, RETENTION_CHOICES, SEND_ANYWAY
from exit_coach.model import Action, Channel, Draft, DraftKind, Finding, Language, Plan, Reason, Situation
from exit_coach.reminders import shown as local
from exit_coach.roadmap import plan_for, switch_channels

MAILTO_LIMIT = 1800
"""Longer mailto: links are cut off by some mail apps; past this we offer copy instead."""

GLOBAL_PENDING = (
    "faq", "cases", "forget", "settings", "settings_signature", "settings_tz", "settings_quiet", "closeout", "reopen",
    "settings_retention",
)


def plan_of(case: Case, conv: Conversation, ctx: Context) -> Plan:
    return plan_for(situation_of(case, conv), help_url=ctx.help_url)


def checklist_lines(case: Case, plan: Plan) -> tuple[ChecklistLine, ...]:
    return tuple(ChecklistLine(i.id, i.text, i.id in case.done) for i in plan.checklist)


def show_plan(case: Case, conv: Conversation, ctx: Context) -> ShowPlan:
    plan = plan_of(case, conv, ctx)
    return ShowPlan(
        case_id=case.id,
        title=case.title,
        action=plan.action.value,
        channels=tuple(c.value for c in plan.channels),
        reasoning=plan.reasoning,
        checklist=checklist_lines(case, plan),
        help_url=plan.help.url if plan.help else None,
        help_reasons=plan.help.reasons if plan.help else (),
    )


def show_checklist(case: Case, conv: Conversation, ctx: Context) -> ShowChecklist:
    return ShowChecklist(case.id, case.title, checklist_lines(case, plan_of(case, conv, ctx)))


def mailto_link(rev: Revision) -> str | None:
    """A mailto: URL with subject and body, or None when it would be too long to open reliably."""
    if rev.channel not in (Channel.EMAIL, Channel.RECRUITER):
        return None
    return _mailto(rev.subject, rev.body)


@lru_cache(maxsize=256)
def _mailto(subject: str, body: str) -> str | None:
    # cached: the latest revision is shown again on most steps, and percent-encoding is not free
    url = f"mailto:?subject={quote(subject)}&body={quote(body)}"
    return url if len(url) <= MAILTO_LIMIT else None


RISKY_CODES = ("placeholder", "negative", "no_withdrawal")
"""Findings that make "Mark as sent" ask once: a gap, criticism, or no clear decision would go out."""


def risky_findings(rev: Revision) -> tuple[Finding, ...]:
    """The findings of `rev` worth one confirmation before it is recorded as sent."""
    if rev.kind is DraftKind.NEGOTIATION_EMAIL:  # a negotiation asks, it doesn't withdraw
        return tuple(f for f in rev.findings if f.code in RISKY_CODES and f.code != "no_withdrawal")
    return tuple(f for f in rev.findings if f.code in RISKY_CODES)


def revision_actions(case: Case, rev: Revision) -> tuple[Option, ...]:
    """The buttons under a revision: only controls that can change this draft (see `restyles`)."""
    actions: list[Option] = []
    if not rev.edited:  # restyling re-renders the template: it would silently drop the user's own words
        actions += restyle_options(case, rev)
    actions.append(Option("Edit", "edit"))
    if channels_to_switch_to(case):
        actions.append(Option("Switch channel", "switch"))
    if not rev.edited:  # a re-render in another language would drop the user's own words too
        actions.append(Option("Switch language", "language"))
    if rev.kind is DraftKind.PHONE_SCRIPT:
        actions.append(Option("Call done", "call_done", "primary"))
    else:
        actions.append(Option("Mark as sent", "sent", "primary"))
    return tuple(actions)


def channels_to_switch_to(case: Case) -> tuple[Channel, ...]:
    """Where the latest revision could go instead (see `exit_coach.roadmap.switch_channels`)."""
    rev = case.latest
    if rev is None or case.answers.stage is None:
        return ()
    a = case.answers
    # only the answers matter here (stage, recruiter, main channel, informal); no profile needed
    situation = Situation(
        stage=case.answers.stage, via_recruiter=a.via_recruiter, main_channel=a.main_channel, informal=a.informal
    )
    return switch_channels(situation, current=rev.channel, negotiate=rev.kind is DraftKind.NEGOTIATION_EMAIL)


def restyle_options(case: Case, rev: Revision) -> list[Option]:
    """Shorter / Warmer / reason / door, each offered only where the templates give it something to change."""
    style, reason = rev.style, case.answers.reason
    out = [Option("Longer" if style.shorter else "Shorter", "shorter")]
    if reason is not Reason.RED_FLAGS:  # red flags: a plain thanks, never warmer praise
        out.append(Option("Less warm" if style.warmer else "Warmer", "warmer"))
    if rev.kind is DraftKind.NEGOTIATION_EMAIL:
        return out  # a negotiation has no reason line or door-open line to toggle
    # no reason line exists to toggle for red flags (kept out on purpose) or an unspecified reason
    if reason not in (Reason.RED_FLAGS, Reason.UNSPECIFIED):
        out.append(Option("No reason" if style.include_reason else "Add reason", "reason"))
    out.append(Option("Drop door-open line" if style.door_open else "Keep door open", "door"))
    return out


def show_revision(case: Case, rev: Revision) -> ShowRevision:
    return ShowRevision(
        case_id=case.id,
        title=case.title,
        number=rev.number,
        draft=_draft_of(rev),
        findings=rev.findings,
        actions=revision_actions(case, rev),
        mailto=mailto_link(rev),
        to_hint=case.contact,
    )


def _draft_of(rev: Revision) -> Draft:
    return Draft(kind=rev.kind, channel=rev.channel, subject=rev.subject, body=rev.body)


def ask_question(case: Case, conv: Conversation) -> Reply:
    """The reply that asks `case.question` when it is one of the roadmap questions."""
    q = BY_ID[case.question or "details"]
    if q.fields is not None:
        return AskForm(
            question=q.id, title=q.title, text=q.text(case), fields=q.fields(case, conv.profile), case_id=case.id
        )
    assert q.options is not None
    return Ask(question=q.id, text=q.text(case), options=q.options(case), case_id=case.id)


def plan_choice(case: Case, conv: Conversation, ctx: Context) -> Ask:
    plan = plan_of(case, conv, ctx)
    options: tuple[Option, ...] = (Option("Show my drafts", "draft", "primary"),)
    if plan.action is Action.NEGOTIATE:
        options = (Option("Draft the negotiation email", "draft", "primary"), Option("Withdraw instead", "withdraw"))
    return Ask("plan", "Ready for the draft?", options, case.id)


def after_sent_choice(case: Case, conv: Conversation, ctx: Context) -> Ask:
    plan = plan_of(case, conv, ctx)
    open_items = [i for i in plan.checklist if i.id not in case.done]
    options = tuple(Option(f"Done: {i.text}", f"tick:{i.id}") for i in open_items[:8])
    options += (Option("What comes next", "reentry"),)
    if not conv.profile.checkins:
        options += (Option("Check in with me later", "checkins"),)
    if any(c.id != case.id and c.phase.is_open and not c.sent_at for c in conv.cases):
        options += (Option("I accepted another offer", "accepted"),)
    options += (Option("They came back with a better offer", "reopen"), Option("Close this case", "close"))
    return Ask("after", "Tick off what you've done, or see what comes next.", options, case.id)


def no_action_choice(case: Case, conv: Conversation, ctx: Context) -> Ask:
    return Ask(
        "no_action",
        "Nothing to send for now. What would you like to do?",
        (Option("They've reached out after all", "reached_out"), Option("Close this case", "close")),
        case.id,
    )


def latest_revision(case: Case, conv: Conversation, ctx: Context) -> ShowRevision:
    assert case.latest is not None  # the screen table shows a revision screen only when there is one
    return show_revision(case, case.latest)


CASES_SHOWN = 24
"""How many cases `cases` lists: every open one (at most MAX_OPEN_CASES), then the newest closed ones."""


def case_options(conv: Conversation) -> tuple[Option, ...]:
    newest_first = list(reversed(conv.cases))
    shown = [c for c in newest_first if c.phase.is_open] + [c for c in newest_first if not c.phase.is_open]
    clock = conv.profile.clock
    return tuple(
        Option(f"{c.title} ({c.phase.value}) · opened {local(c.created_at, clock, zone=False)}", c.id)
        for c in shown[:CASES_SHOWN]
    )


def send_anyway_choice(case: Case, conv: Conversation, ctx: Context) -> Ask:
    rev = case.latest
    assert rev is not None
    problems = "; ".join(f.message.rstrip(".") for f in risky_findings(rev))
    return Ask(
        case.question or "confirm_send",
        SEND_ANYWAY.format(problems=problems),
        (Option("Back to the draft", "back", "primary"), Option("Send it anyway", "anyway", "danger")),
        case.id,
    )


def switch_choice(case: Case, conv: Conversation, ctx: Context) -> Ask:
    offered = channels_to_switch_to(case)
    options = tuple(Option(c.label, c.value) for c in offered)
    return Ask(case.question or "switch", "Which channel instead?", (*options, Option("Keep as is", "keep")), case.id)


def language_choice(case: Case, conv: Conversation, ctx: Context) -> Ask:
    """Write this draft (and the case's next ones) in another language, or keep it."""
    others = tuple(Option(lang.label, lang.value) for lang in Language if lang is not case.language)
    question = f"Which language will you write to {case.company or 'them'} in?"
    return Ask(case.question or "language", question, (*others, Option("Keep as is", "keep")), case.id)


def edit_form(case: Case, conv: Conversation | None = None, ctx: Context | None = None) -> AskForm:
    body = case.latest.body if case.latest else ""
    return AskForm(
        question=case.question or "edit",
        title="Edit the draft",
        text="Change anything you like; I'll check the result.",
        fields=(FormField("body", "Message", multiline=True, max_length=4000, initial=body),),
        case_id=case.id,
        submit_label="Check it",
    )


def negotiation_choice(case: Case, conv: Conversation, ctx: Context) -> Ask:
    return Ask(
        "outcome",
        "How did the negotiation go?",
        (
            Option("It worked: I'm staying", "stayed", "primary"),
            Option("It didn't: withdraw now", "withdraw"),
            Option("Still waiting", "waiting"),
        ),
        case.id,
    )


def pending_prompt(conv: Conversation) -> Reply:
    if conv.pending == "faq":
        return Ask("faq", "Which question?", tuple(Option(e.question, e.key) for e in FAQ))
    if conv.pending == "cases":
        return Ask("cases", "Your cases:", (*case_options(conv), Option("Start a new case", "new")))
    if conv.pending == "forget":
        return Ask(
            "forget",
            "Delete everything I keep about you, every case and draft? This can't be undone.",
            (Option("Yes, delete it all", "yes", "danger"), Option("No, keep it", "no")),
        )
    if conv.pending in ("settings_tz", "settings_quiet", "closeout", "reopen"):
        from exit_coach.flow import closeout, followup, history  # they build on this module

        if conv.pending == "closeout":
            return closeout.pending_prompt(conv)
        if conv.pending == "reopen":
            return history.pending_prompt(conv)
        return followup.settings_form(conv)
    if conv.pending == "settings_signature":
        return AskForm(
            "settings_signature",
            "Your signature",
            "How do you sign your messages?",
            signature_fields(None, conv.profile),
        )
    if conv.pending == "settings_retention":
        return Ask(
            "settings_retention",
            "Delete a case once no one has touched it for:",
            (*(Option(f"{days} days", str(days)) for days in RETENTION_CHOICES),
             Option("The operator's setting", "default")),
        )
    from exit_coach.flow.followup import settings_line, settings_options

    checkins = "on" if conv.profile.checkins else "off"
    kept = f"{conv.profile.retention_days} days" if conv.profile.retention_days else "the operator's setting"
    return Ask(
        "settings",
        f"Settings. Signature: {conv.profile.signature.name or 'not set'}. Check-ins: {checkins}. "
        + settings_line(conv.profile.clock) + f" Untouched cases are deleted after: {kept}.",
        (
            Option("Change my signature", "signature"),
            Option("Turn check-ins off" if conv.profile.checkins else "Turn check-ins on", "checkins"),
            *settings_options(conv.profile.clock),
            Option("Delete cases sooner", "retention"),
            Option("Done", "done"),
        ),
    )


def overview(conv: Conversation) -> tuple[CaseOverview, ...]:
    """Every case, newest first: its title, stage and phase, and its checklist once the stage is known."""
    out: list[CaseOverview] = []
    for case in reversed(conv.cases):
        stage = case.answers.stage.label if case.answers.stage else "Stage not given yet"
        lines: tuple[ChecklistLine, ...] = ()
        if case.answers.stage is not None:
            lines = checklist_lines(case, plan_for(situation_of(case, conv)))
        opened = local(case.created_at, conv.profile.clock)
        where = f"{stage} · {case.phase.value.replace('_', ' ')} · opened {opened}"
        out.append(CaseOverview(case.id, case.title, where, lines))
    return tuple(out)


def form_on_screen(conv: Conversation, case_id: str | None, question: str) -> AskForm | Say:
    """The form to open for a "Fill in" click on `question`, or a note saying why there is none."""
    closed = Say(FORM_CLOSED, case_id)
    if conv.pending == question and question in ("settings_signature", "settings_tz", "settings_quiet"):
        shown = pending_prompt(conv)
        return shown if isinstance(shown, AskForm) else closed
    case = conv.case(case_id)
    if case is None:
        return Say(FOREIGN) if case_id else closed
    if case.question != question or not case.phase.is_open:
        return closed
    if case.phase is Phase.ASKING:
        shown = ask_question(case, conv)
        return shown if isinstance(shown, AskForm) else closed
    ref = ScreenRef.parse(question)
    if ref is None or ref.screen != "edit" or case.phase is not Phase.DRAFTING or case.latest is None:
        return closed
    return edit_form(case) if ref.revision == case.latest.number else closed


def prompt(conv: Conversation, ctx: Context) -> tuple[Reply, ...]:
    """Where the user is now; the screen table decides (see `exit_coach.flow.screens.prompt`)."""
    from exit_coach.flow import screens  # the screen table is built from this module's displays

    return screens.prompt(conv, ctx)


def case_prompt(case: Case, conv: Conversation, ctx: Context) -> tuple[Reply, ...]:
    """What `case` shows now (see `exit_coach.flow.screens.case_prompt`)."""
    from exit_coach.flow import screens

    return screens.case_prompt(case, conv, ctx)
