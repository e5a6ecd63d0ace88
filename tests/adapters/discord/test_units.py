"""The pure parts: custom_id building and parsing, translation of payload data, rendering limits and escaping."""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from exit_coach.adapters.discord import ids, render, translate
from exit_coach.adapters.discord.bounded import LRU, UserLocks
from exit_coach.flow.events import Choose, Command, Start, SubmitForm, Text
from exit_coach.flow.replies import Ask, Option, Say, ShowRevision
from exit_coach.model import Channel, Draft, DraftKind


def revision(*, mailto: str | None) -> ShowRevision:
    draft = Draft(DraftKind.EMAIL, Channel.EMAIL, "Withdrawing", "Hello,\nI withdraw. Thank you.\nSam")
    return ShowRevision("c", "Acme", 2, draft, (), (Option("Shorter", "shorter"), Option("Mark as sent", "sent")),
                        mailto)


def test_ids_round_trip_and_reject_junk() -> None:
    assert ids.parse(ids.choice("abc123", "stage", "offer")) == ids.ComponentId(ids.CHOICE, "abc123", "stage", "offer")
    assert ids.parse(ids.choice(None, "faq", "q1")).case_id is None
    assert ids.parse(ids.select("abc", "cases", 2)) == ids.ComponentId(ids.CHOICE, "abc", "cases", "", True)
    assert ids.parse(ids.form("abc", "details")).kind == ids.FORM
    assert ids.parse(ids.view("abc", "edit:2")) == ids.ComponentId(ids.VIEW, "abc", "edit:2")
    for junk in ("", "coach", "coach|abc|stage|", "other|a|b|c", "coachform|abc|", "coach||q|v", "x" * 300):
        assert ids.parse(junk) is None, junk


@given(st.text(max_size=120))
def test_parse_never_raises(text: str) -> None:
    ids.parse(text)


def test_options_whose_ids_are_too_long_become_a_select() -> None:
    long_value = "tick:" + "x" * 90
    rows = render.choices("abc123def456", "after", (Option("Done", long_value), Option("Close", "close")))
    assert len(rows) == 1 and isinstance(rows[0], render.Select)
    assert ("Close", "close") in rows[0].options and len(rows[0].custom_id) <= 100


def test_buttons_five_to_a_row_and_selects_beyond_25() -> None:
    seven = tuple(Option(f"O{i}", f"v{i}") for i in range(7))
    rows = render.choices("c", "q", seven)
    assert [len(r) for r in rows] == [5, 2]
    many = tuple(Option(f"O{i}", f"v{i}") for i in range(30))
    selects = render.choices("c", "q", many)
    assert [len(s.options) for s in selects] == [25, 5]
    assert len({s.custom_id for s in selects}) == 2


def test_user_text_cannot_ping_or_restyle() -> None:
    text = "@everyone @here <@123> <@!123> <@&456> <#789> **bold** `code`"
    shown = render.render(Say(text))[0].content
    for raw in ("@everyone", "@here", "<@123>", "<@!123>", "<@&456>", "<#789>", "**bold**"):
        assert raw not in shown
    assert render.code("x ``` y @everyone").count("```") == 2


def test_long_text_is_split_under_the_limit_with_components_last() -> None:
    messages = render.render(Ask("q", "line\n" * 900, (Option("Yes", "yes"),), "c"))
    assert len(messages) > 1 and all(len(m.content) <= render.CONTENT_LIMIT for m in messages)
    assert not any(m.rows for m in messages[:-1]) and messages[-1].rows


def test_a_revision_shows_the_mailto_as_copy_text_and_shortens_it_only_past_a_whole_message() -> None:
    copy, card = render.render(revision(mailto="mailto:?subject=Hi&body=Thanks"))
    assert copy.content == "Subject: Withdrawing\n\nHello,\nI withdraw. Thank you.\nSam" and not copy.rows
    assert "mailto:?subject=Withdrawing&body=Hello" in card.content and card.rows
    long_body = "I withdraw, with thanks for everything. " * 80
    draft = Draft(DraftKind.EMAIL, Channel.EMAIL, "Withdrawing", long_body)
    messages = render.render(ShowRevision("c", "Acme", 1, draft, (), (Option("Sent", "sent"),), "mailto:?x"))
    assert all(len(m.content) <= render.CONTENT_LIMIT for m in messages)
    holder = next(m for m in messages if "mailto:" in m.content)
    link = re.search(r"mailto:\S+", holder.content)[0]
    assert link.endswith("%E2%80%A6"), "shortened, never dropped"
    assert "would send it incomplete" in holder.content, "a shortened link always says so"


def test_a_rescind_email_link_keeps_the_apology_repayment_visa_and_signature() -> None:
    """Article rule (rescinding an accepted offer): apologise, discuss repaying relocation or a signing bonus,
    tell them about the visa steps; the mail link is text, not a button, so it carries the whole email
    instead of the 512 characters of a button URL (issue 7 review, defect 7)."""
    from urllib.parse import unquote

    from exit_coach.drafts import DraftRenderer
    from exit_coach.model import DraftSpec, DraftStyle, Reason, Signature, Situation, Stage

    situation = Situation(
        stage=Stage.ACCEPTED, reason=Reason.OTHER_OFFER, relocation=True, signing_bonus=True, visa=True,
        signed=True, keep_door_open=True, company="Acme Robotics", role="Senior Platform Engineer",
        contact="Maria Gonzalez", signature=Signature("Sam Rivera", "sam.rivera@example.com", "+1 555 010 2030"),
    )
    draft = DraftRenderer().render(
        DraftSpec(DraftKind.FOLLOW_UP_EMAIL, Channel.EMAIL), situation, DraftStyle(include_reason=True, door_open=True)
    )
    full = f"mailto:?subject={quote(draft.subject)}&body={quote(draft.body)}"
    assert len(full) > 512, "the case the old 512-character cut broke"
    messages = render.render(ShowRevision("c", "Acme", 1, draft, (), (Option("Sent", "sent"),), full))
    assert all(len(m.content) <= render.CONTENT_LIMIT for m in messages)
    link = re.search(r"mailto:\S+", "\n".join(m.content for m in messages))[0]
    assert unquote(link.split("&body=", 1)[1]) == draft.body, "the whole rescind email, signature included"
    assert "incomplete" not in "\n".join(m.content for m in messages)
    assert messages[-1].rows, "the buttons stay last"


@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=5000))
def test_the_copy_message_is_the_draft_byte_for_byte(body: str) -> None:
    draft = Draft(DraftKind.EMAIL, Channel.EMAIL, "", body)
    messages = render.render(ShowRevision("c", "Acme", 1, draft, (), (Option("Sent", "sent"),), None))
    copies = [m for m in messages if not m.rows and not m.content.startswith("**Draft ")]
    assert all(len(m.content) <= render.CONTENT_LIMIT for m in copies)
    assert "".join(m.content for m in copies) == body


def test_an_address_near_a_mention_word_gets_no_invisible_character() -> None:
    draft = Draft(DraftKind.EMAIL, Channel.EMAIL, "Hi", "Write to sam@heretech.io or @everyone")
    copy = render.render(ShowRevision("c", "Acme", 1, draft, (), (), None))[0]
    assert copy.content == "Subject: Hi\n\nWrite to sam@heretech.io or @everyone"


def test_translate_commands_clicks_forms_and_text() -> None:
    assert translate.key_of(42).workspace == "" and translate.key_of(42).platform == "discord"
    assert translate.command(1, None, 9).event == Start()
    assert translate.command(1, "new", 9).event == Start(new=True)
    assert translate.command(1, "cases", 9) == translate.Incoming(translate.key_of(1), Command("cases"), "int:9")
    click = translate.component(1, {"custom_id": ids.choice("c", "stage", "offer"), "component_type": 2}, 7)
    assert click.event == Choose("offer", "stage", "c") and click.event_id == "int:7"
    picked = translate.component(1, {"custom_id": ids.select("c", "cases"), "values": ["abc"]}, 8)
    assert picked.event == Choose("abc", "cases", "c")
    assert isinstance(translate.component(1, {"custom_id": ids.form("c", "details")}, 8), translate.OpenForm)
    data = {"custom_id": ids.view("c", "details"), "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "company", "value": "Acme"}]},
        {"type": 18, "component": {"type": 4, "custom_id": "role", "value": "Eng"}}]}
    assert translate.submission(1, data, 5).event == SubmitForm("details", {"company": "Acme", "role": "Eng"}, "c")
    assert translate.message(1, "help", 3).event == Text("help")
    assert translate.message(1, "  ", 3) is None
    assert translate.in_bot_dm(1, None) and not translate.in_bot_dm(0, 1) and translate.in_bot_dm(None, 1)


def test_render_output_is_json_safe() -> None:
    for message in render.render(revision(mailto=None)):
        json.dumps(message.content)


FENCES = st.lists(st.sampled_from(["`", "a", "\n", "@everyone", "<@1>", " "]), max_size=200).map("".join)


@given(FENCES)
def test_no_text_can_close_a_code_block(text: str) -> None:
    block = render.code(text)
    assert block.startswith("```\n") and block.endswith("\n```")
    inner = block[4:-4]
    assert "``" not in inner and not inner.startswith("`") and not inner.endswith("`")
    assert not re.search(r"(?<!\w)@everyone", inner) and "<@1>" not in inner
    assert inner.replace(render.ZWSP, "") == text


def test_five_backticks_do_not_break_out() -> None:
    block = render.code("before ````` **after** @here")
    assert block.count("```") == 2 and "``" not in block[3:-3]


def test_labels_are_not_markdown_escaped() -> None:
    options = (Option("Acme_Corp *Inc* @everyone", "a"), Option("x" * 120, "b"))
    buttons = render.choices("c", "q", options)[0]
    assert buttons[0].label == "Acme_Corp *Inc* @\u200beveryone"
    assert len(buttons[1].label) == render.LABEL_LIMIT
    many = tuple(Option(f"Option_{i} <@1>", f"v{i}") for i in range(30))
    select = render.choices("c", "q", many)[0]
    assert select.options[0][0] == "Option_0 <\u200b@1>"


def test_user_locks_are_dropped_when_free_and_still_serialise() -> None:
    locks = UserLocks()
    order: list[str] = []

    async def work(user: str, tag: str) -> None:
        async with locks.hold(user):
            order.append(f"{tag}+")
            await asyncio.sleep(0.01)
            order.append(f"{tag}-")

    async def main() -> None:
        await asyncio.gather(work("u1", "a"), work("u1", "b"), work("u2", "c"))
        assert len(locks) == 0, "no lock kept once nobody holds or waits"

    asyncio.run(main())
    assert order.index("a-") < order.index("b+"), "one user's work still runs one at a time"


def test_the_dm_cache_keeps_the_most_recent_users() -> None:
    cache: LRU[str, int] = LRU(3)
    for n in range(5):
        cache.put(str(n), n)
    assert len(cache) == 3 and cache.get("0") is None
    assert cache.get("2") == 2
    cache.put("5", 5)
    assert cache.get("3") is None and cache.get("2") == 2


def test_an_optional_label_keeps_its_hint_whole() -> None:
    from exit_coach.adapters.discord.components import input_label

    label = input_label("Who at the company have you been talking to? (optional)")
    assert len(label) <= 45 and label.endswith("… (optional)")
    assert input_label("Your phone (optional)") == "Your phone (optional)"


def test_a_long_say_goes_as_a_file() -> None:
    text = "Your history\n" + "line of history\n" * 500
    [message] = render.render(Say(text))
    assert message.file is not None and message.file.content == text and "Your history" in message.content


def test_an_address_in_coach_text_keeps_no_invisible_character() -> None:
    assert render.safe("Saved: sam@heretech.io") == "Saved: sam@heretech.io"
    assert render.answered("Sam · sam@everyone.example") == "✓ Sam · sam@everyone.example"
    assert "@everyone" not in render.safe("hi @everyone") and "@here" not in render.safe("@here!")
