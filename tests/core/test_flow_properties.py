"""Property tests: random event sequences never crash the flow or corrupt its state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exit_coach.flow.events import GLOBAL_COMMANDS, Choose, Command, Event, ReminderDue, Start, SubmitForm, Text
from exit_coach.flow.outcome import Context
from exit_coach.flow.questions import BY_ID
from exit_coach.flow.replies import Ask, AskForm, Reply, ShowRevision
from exit_coach.flow.screens import SCREENS, live_screen, prompt
from exit_coach.flow.state import Conversation, Phase, ScreenRef
from exit_coach.flow.step import step
from exit_coach.flow.view import GLOBAL_PENDING
from tests.core.conversation import RENDERER, SIGNATURE

SCREEN_PHASES = {screen.phase for screen in SCREENS.values()}

weird_text = st.sampled_from(
    [
        "",
        " ",
        "1",
        "2",
        "7",
        "yes",
        "no",
        "back",
        "help",
        "cancel",
        "restart",
        "status",
        "cases",
        "history",
        "export",
        "forget",
        "faq",
        "faq 2",
        "settings",
        "start",
        "new",
        "sent",
        "shorter",
        "edit",
        "{{ 7*7 }}",
        "<!channel>",
        "\x00",
        "🚀",
        "شركة",
        "x" * 5000,
    ]
) | st.text(max_size=50)


def check_invariants(conv: Conversation) -> None:
    ids = [c.id for c in conv.cases]
    assert len(ids) == len(set(ids)), "case ids are unique"
    assert conv.active is None or conv.active in ids, "the active case exists"
    assert conv.pending is None or conv.pending in GLOBAL_PENDING
    for case in conv.cases:
        assert [r.number for r in case.revisions] == list(range(1, len(case.revisions) + 1))
        assert len(set(case.done)) == len(case.done)
        if case.phase is Phase.ASKING:
            assert case.question in BY_ID
        elif case.phase in SCREEN_PHASES:
            # the screen table says which screens each phase has; a revision screen names the latest revision
            assert live_screen(case) is not None, (case.phase, case.question)
        else:
            assert case.question is None
        if case.phase is Phase.SENT:
            assert case.sent_at is not None, "a finished withdrawal always says when they were told"
        assert len(set(case.went_out)) == len(case.went_out)


def check_display_matches_routing(conv: Conversation) -> None:
    """What the screen table shows for a case answers to the id the router accepts for it."""
    case = conv.active_case
    if conv.pending or case is None or not case.phase.is_open:
        return
    shown = prompt(conv, _ctx(0))[-1]
    if isinstance(shown, ShowRevision):
        assert ScreenRef("rev", shown.number).id == case.question
    else:
        assert isinstance(shown, Ask | AskForm) and shown.question == case.question, (shown, case.question)


def _on_screen(replies: tuple[Reply, ...]) -> Reply | None:
    return replies[-1] if replies else None


@st.composite
def an_event(draw: st.DrawFn, conv: Conversation, shown: Reply | None) -> Event:
    case_ids = [c.id for c in conv.cases] + ["someone-elses-case", None]
    roll = draw(st.integers(0, 9))
    if roll <= 4 and isinstance(shown, Ask):
        return Choose(draw(st.sampled_from([o.value for o in shown.options])), shown.question, shown.case_id)
    if roll <= 4 and isinstance(shown, ShowRevision):
        return Choose(draw(st.sampled_from([a.value for a in shown.actions])), f"rev:{shown.number}", shown.case_id)
    if roll <= 4 and isinstance(shown, AskForm):
        if draw(st.booleans()):
            values = {"company": "Acme", "role": "Analyst", **SIGNATURE, "body": "Thank you. I withdraw."}
        else:
            values = {f.name: draw(weird_text) for f in shown.fields}
        return SubmitForm(shown.question, values, shown.case_id)
    if roll == 5:
        return Text(draw(weird_text), draw(st.sampled_from(case_ids)))
    if roll == 6:
        return Command(draw(st.sampled_from([*GLOBAL_COMMANDS, "start", "new", "nonsense"])), draw(weird_text))
    if roll == 7:
        question = draw(
            st.sampled_from(
                [
                    *BY_ID,
                    *(ScreenRef(name, number if screen.per_revision else None).id
                      for name, screen in SCREENS.items() for number in (1, 2)),
                    "rev:x",
                    "rev:1:2",
                    *GLOBAL_PENDING,
                ]
            )
        )
        return Choose(
            draw(st.sampled_from(["yes", "no", "sent", "draft", "email", "linkedin", "1", "new"])),
            question,
            draw(st.sampled_from(case_ids)),
        )
    if roll == 8:
        kind = draw(st.sampled_from(["nudge_send", "checkin_2w", "checkin_3m", "negotiation_check", "bogus"]))
        return ReminderDue(kind, draw(st.sampled_from(case_ids)) or "none")
    return Start(new=draw(st.booleans()))


def _ctx(n: int) -> Context:
    now = datetime(2026, 11, 30, tzinfo=UTC) + timedelta(minutes=n)
    return Context(now=now, new_id=f"c{n}", render=RENDERER.render, help_url="https://help.example")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_sequences_never_raise_and_keep_state_consistent(data: st.DataObject) -> None:
    conv = Conversation()
    shown: Reply | None = None
    for n in range(data.draw(st.integers(1, 40), label="length")):
        event = data.draw(an_event(conv, shown), label=f"event {n}")
        result = step(conv, event, _ctx(n))
        check_invariants(result.state)
        check_display_matches_routing(result.state)
        if not isinstance(event, ReminderDue):
            assert result.replies, f"{event!r} got no answer"
        conv, shown = result.state, _on_screen(result.replies) or shown


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_repeated_click_takes_effect_once(data: st.DataObject) -> None:
    """A double click (the same Choose delivered twice) changes nothing the second time."""
    conv = Conversation()
    shown: Reply | None = None
    for n in range(data.draw(st.integers(1, 30), label="length")):
        event = data.draw(an_event(conv, shown), label=f"event {n}")
        result = step(conv, event, _ctx(n))
        if isinstance(event, Choose) and result.state != conv and event.question not in ("faq", "cases"):
            again = step(result.state, event, _ctx(n))
            assert again.state == result.state, f"{event!r} acted twice"
        conv, shown = result.state, _on_screen(result.replies) or shown
