"""Draft rendering: what the user would read and send, for every stage, reason and knob."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from exit_coach.drafts import PLACEHOLDER_RE, DraftRenderer, TemplateProblem, reason_line
from exit_coach.model import Channel, Draft, DraftKind, DraftSpec, DraftStyle, Reason, Signature, Situation, Stage

RENDERER = DraftRenderer()
SIGNATURE = Signature(name="Priya Natarajan", email="priya@example.org", phone="+44 20 7946 0000")
STAGES = [stage for stage in Stage if stage is not Stage.NO_RESPONSE]
EARLY = [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.FINAL, Stage.OFFER]
EMAIL_KINDS = [DraftKind.EMAIL, DraftKind.FOLLOW_UP_EMAIL, DraftKind.RECRUITER_NOTE]
WITHDRAWAL_KINDS = [*EMAIL_KINDS, DraftKind.PHONE_SCRIPT, DraftKind.LINKEDIN]
CHANNEL = {
    DraftKind.EMAIL: Channel.EMAIL,
    DraftKind.FOLLOW_UP_EMAIL: Channel.EMAIL,
    DraftKind.RECRUITER_NOTE: Channel.RECRUITER,
    DraftKind.PHONE_SCRIPT: Channel.PHONE,
    DraftKind.LINKEDIN: Channel.LINKEDIN,
    DraftKind.NEGOTIATION_EMAIL: Channel.EMAIL,
}
STYLES = [
    DraftStyle(shorter=a, warmer=b, door_open=c, include_reason=d)
    for a, b, c, d in itertools.product(*[(False, True)] * 4)
]

THANKS = re.compile(r"\bthank", re.I)
WITHDRAWAL = re.compile(r"\bwithdraw", re.I)
APOLOGY = re.compile(r"\b(sorry|apologi[sz]e)", re.I)
PRAISE = re.compile(
    r"\b(enjoy\w*|impress\w*|great|wonderful|amazing|fantastic|excit\w*|pleasure|appreciat\w*|valued|kindness|"
    r"confidence in me)\b",
    re.I,
)


def situation(stage: Stage, reason: Reason = Reason.UNSPECIFIED, **changes: object) -> Situation:
    """A fully described case, with long names so word limits are tested on the heavy side."""
    details: dict[str, object] = {
        "company": "Northwind Logistics International",
        "role": "Senior Platform Reliability Engineer",
        "contact": "Jordan Alvarez-Whitfield",
        "recruiter": "Priya Raman-Castellanos",
        "signature": SIGNATURE,
    }
    details.update(changes)
    return Situation(stage=stage, reason=reason, **details)  # type: ignore[arg-type]


def render(
    kind: DraftKind, sit: Situation, style: DraftStyle | None = None, renderer: DraftRenderer = RENDERER
) -> Draft:
    return renderer.render(DraftSpec(kind, CHANNEL[kind]), sit, style or DraftStyle())


def words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize("kind", EMAIL_KINDS)
@pytest.mark.parametrize("reason", list(Reason))
@pytest.mark.parametrize("stage", STAGES)
def test_every_email_is_complete_short_and_signed(stage: Stage, reason: Reason, kind: DraftKind) -> None:
    for style, logistics in itertools.product(STYLES, (False, True)):
        sit = situation(stage, reason, relocation=logistics, signing_bonus=logistics, visa=logistics)
        draft = render(kind, sit, style)
        shown = f"{stage}/{reason}/{kind}/{style}/logistics={logistics}:\n{draft.body}"
        assert draft.subject and not PLACEHOLDER_RE.search(draft.subject), shown
        assert not PLACEHOLDER_RE.search(draft.body), shown
        assert words(draft.body) < 120, shown
        assert THANKS.search(draft.body), shown
        assert WITHDRAWAL.search(draft.body), shown
        assert draft.body.endswith("Priya Natarajan\npriya@example.org\n+44 20 7946 0000"), shown
        # article: adapt the tone to the relationship: the recruiter by first name, the employer formally
        greeted = "Hi Priya," if kind is DraftKind.RECRUITER_NOTE else "Dear Jordan Alvarez-Whitfield,"
        assert draft.body.splitlines()[0] == greeted, shown


@pytest.mark.parametrize("stage", STAGES)
def test_phone_script_and_linkedin_have_no_subject_and_still_withdraw(stage: Stage) -> None:
    for kind in (DraftKind.PHONE_SCRIPT, DraftKind.LINKEDIN):
        draft = render(kind, situation(stage, Reason.OTHER_OFFER))
        assert draft.subject == ""
        assert not draft.body.lower().startswith("subject:")
        assert THANKS.search(draft.body) and WITHDRAWAL.search(draft.body), draft.body
        assert not PLACEHOLDER_RE.search(draft.body), draft.body


def test_linkedin_is_short_and_signed_with_the_name_only() -> None:
    for stage, style in itertools.product(STAGES, STYLES):
        body = render(DraftKind.LINKEDIN, situation(stage, Reason.NOT_A_FIT), style).body
        assert words(body) < 80, body
        assert body.splitlines()[-1] == "Priya Natarajan"
        assert "priya@example.org" not in body and "7946" not in body


def test_stage_aware_wording() -> None:
    applied = render(DraftKind.EMAIL, situation(Stage.APPLIED)).body
    assert "reaching out" in applied and "no longer available" in applied
    assert "conversation" in render(DraftKind.EMAIL, situation(Stage.SCREENING)).body
    assert "conversations" in render(DraftKind.EMAIL, situation(Stage.INTERVIEWING)).body
    assert "thank you for the offer" in render(DraftKind.EMAIL, situation(Stage.OFFER)).body.lower()
    accepted = render(DraftKind.EMAIL, situation(Stage.ACCEPTED))
    assert "withdraw my acceptance" in accepted.body
    assert "offer" in accepted.body and "acceptance" in accepted.subject.lower()
    for stage in STAGES:
        follow_up = render(DraftKind.FOLLOW_UP_EMAIL, situation(stage)).body
        assert re.search(r"\b(call|phone)\b", follow_up), follow_up


@pytest.mark.parametrize("stage", STAGES)
def test_red_flags_is_the_shortest_and_has_no_praise(stage: Stage) -> None:
    for kind, style in itertools.product(WITHDRAWAL_KINDS, STYLES):
        body = render(kind, situation(stage, Reason.RED_FLAGS), style).body
        assert not PRAISE.search(body), f"{kind}/{style}:\n{body}"
        if kind is DraftKind.RECRUITER_NOTE:
            continue  # it alone adds the offer to share feedback privately, so it may run longer
        others = [
            render(kind, situation(stage, reason), style).body for reason in Reason if reason is not Reason.RED_FLAGS
        ]
        assert words(body) <= min(words(other) for other in others), f"{kind}/{style}:\n{body}"


def test_red_flags_feedback_goes_privately_through_the_recruiter() -> None:
    note = render(DraftKind.RECRUITER_NOTE, situation(Stage.INTERVIEWING, Reason.RED_FLAGS, via_recruiter=True)).body
    assert "feedback" in note and "privately" in note


@pytest.mark.parametrize("reason", list(Reason))
def test_accepted_apologises_and_gives_a_reason(reason: Reason) -> None:
    for kind in (*EMAIL_KINDS, DraftKind.PHONE_SCRIPT):
        body = render(kind, situation(Stage.ACCEPTED, reason)).body
        assert APOLOGY.search(body), body
        expected_reason = reason_line(situation(Stage.ACCEPTED, reason)) or "circumstances have changed"
        assert expected_reason in body, body


def test_accepted_offers_to_settle_money_and_talks_visa_next_steps() -> None:
    for kind in (*EMAIL_KINDS, DraftKind.PHONE_SCRIPT):
        plain = render(kind, situation(Stage.ACCEPTED, Reason.OTHER_OFFER)).body
        assert "repay" not in plain and "visa" not in plain.lower()
        bonus = render(kind, situation(Stage.ACCEPTED, Reason.OTHER_OFFER, signing_bonus=True)).body
        assert "repaying or settling the signing bonus" in bonus, bonus
        moved = render(kind, situation(Stage.ACCEPTED, Reason.OTHER_OFFER, relocation=True)).body
        assert "relocation support" in moved and "repay" in moved, moved
        visa = render(kind, situation(Stage.ACCEPTED, Reason.OTHER_OFFER, visa=True)).body
        assert "visa" in visa and "next steps" in visa.lower(), visa


def test_money_lines_stay_out_before_acceptance() -> None:
    body = render(DraftKind.EMAIL, situation(Stage.OFFER, signing_bonus=True, relocation=True)).body
    assert "repay" not in body


@pytest.mark.parametrize("stage", STAGES)
def test_relocation_visa_names_the_constraint(stage: Stage) -> None:
    for kind in WITHDRAWAL_KINDS:
        body = render(kind, situation(stage, Reason.RELOCATION_VISA)).body.lower()
        assert "relocation" in body and "visa" in body and "start date" in body, body


INJECTIONS = ["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ ''.__class__.__mro__ }}"]


@pytest.mark.parametrize("kind", list(DraftKind))
def test_user_values_come_out_literally(kind: DraftKind) -> None:
    sit = situation(
        Stage.SCREENING,
        company=INJECTIONS[0],
        role=INJECTIONS[1],
        contact=INJECTIONS[2].replace(" ", ""),
        recruiter=INJECTIONS[2].replace(" ", ""),
        signature=Signature(name="{{ name }}", email="a@b.c", phone="{% raw %}"),
    )
    draft = render(kind, sit, DraftStyle(door_open=True))
    text = draft.subject + "\n" + draft.body
    assert INJECTIONS[2].replace(" ", "") in text
    assert INJECTIONS[0] in text or INJECTIONS[1] in text
    assert "49" not in text and "xxx" not in text and "{{ name }}" in text


def test_a_newline_in_a_company_name_cannot_forge_a_subject() -> None:
    draft = render(DraftKind.EMAIL, situation(Stage.SCREENING, company="Acme\nSubject: you are hired"))
    assert draft.subject == "Withdrawing my application: Senior Platform Reliability Engineer"
    assert "at Acme Subject: you are hired." in draft.body


@pytest.mark.parametrize("kind", list(DraftKind))
@pytest.mark.parametrize("stage", STAGES)
def test_missing_details_become_placeholders_never_a_crash(stage: Stage, kind: DraftKind) -> None:
    draft = render(kind, Situation(stage=stage))
    found = set(PLACEHOLDER_RE.findall(draft.subject + "\n" + draft.body))
    assert "[Your name]" in found, draft.body
    assert "[Company]" in found or "[Role]" in found
    # an unknown name gets a neutral greeting, never a bracketed placeholder
    assert not found & {"[Contact name]", "[Recruiter's name]"}, draft.body


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (DraftKind.EMAIL, "Dear hiring team,"),
        (DraftKind.FOLLOW_UP_EMAIL, "Dear hiring team,"),
        (DraftKind.NEGOTIATION_EMAIL, "Dear hiring team,"),
        (DraftKind.RECRUITER_NOTE, "Hello,"),
        (DraftKind.LINKEDIN, "Hello, thanks for talking"),
        (DraftKind.PHONE_SCRIPT, '- Open: "Hello, it\'s Priya Natarajan.'),
    ],
)
def test_an_unknown_name_gets_a_neutral_greeting_never_a_placeholder(kind: DraftKind, expected: str) -> None:
    """Article rule: greet whoever receives it; with no name given, greet neutrally (issue 7, point 2)."""
    body = render(kind, situation(Stage.SCREENING, contact="  ", recruiter="")).body
    assert any(line.startswith(expected) for line in body.splitlines()), body
    assert not PLACEHOLDER_RE.findall(body), body


@pytest.mark.parametrize("stage", STAGES)
def test_informal_channels_greet_by_first_name_formal_email_by_the_name_as_given(stage: Stage) -> None:
    """Article rule: adapt the tone to the relationship: first name on a call or LinkedIn, the name as given in
    a formal email, never "Hi Mia Chen"."""
    sit = situation(stage, Reason.OTHER_OFFER, contact="Mia Chen")
    assert render(DraftKind.EMAIL, sit).body.startswith("Dear Mia Chen,\n")
    assert render(DraftKind.FOLLOW_UP_EMAIL, sit).body.startswith("Dear Mia Chen,\n")
    assert render(DraftKind.LINKEDIN, sit).body.startswith("Hi Mia, ")
    assert '- Open: "Hi Mia, it\'s Priya Natarajan.' in render(DraftKind.PHONE_SCRIPT, sit).body
    for kind in WITHDRAWAL_KINDS:
        assert "Hi Mia Chen" not in render(kind, sit).body
    titled = situation(stage, contact="Dr. Chen")
    assert '"Hi Dr. Chen, it' in render(DraftKind.PHONE_SCRIPT, titled).body, "a title keeps the name as given"


@pytest.mark.parametrize(
    ("contact", "first"), [("Ms Priya Shah", "Priya"), ("Dr. Ana Ruiz", "Ana"), ("Mr. Li", "Mr. Li")]
)
def test_a_title_is_dropped_when_greeting_informally_and_kept_in_a_formal_email(contact: str, first: str) -> None:
    """Article rule: adapt the tone to the relationship: "Hi Priya," on LinkedIn or a call, never
    "Hi Ms Priya Shah,"; a formal email keeps the name as given; a title with no first name stays whole."""
    sit = situation(Stage.SCREENING, Reason.OTHER_OFFER, contact=contact)
    assert render(DraftKind.LINKEDIN, sit).body.startswith(f"Hi {first}, ")
    assert f'"Hi {first}, it' in render(DraftKind.PHONE_SCRIPT, sit).body
    assert render(DraftKind.EMAIL, sit).body.startswith(f"Dear {contact},\n")


def test_signature_keeps_only_what_the_user_gave() -> None:
    body = render(DraftKind.EMAIL, situation(Stage.SCREENING, signature=Signature(name="Sam", email="sam@x.org"))).body
    assert body.endswith("Best regards,\nSam\nsam@x.org")


def test_placeholder_pattern() -> None:
    text = "Hi [Contact name], the [Role] at [Company]. [Your name] [decision date]"
    assert PLACEHOLDER_RE.findall(text) == ["[Contact name]", "[Role]", "[Company]", "[Your name]", "[decision date]"]
    assert not PLACEHOLDER_RE.search("Thanks (really) - see you at 10:30 [2]!")


@pytest.mark.parametrize("kind", [*EMAIL_KINDS, DraftKind.LINKEDIN, DraftKind.NEGOTIATION_EMAIL])
@pytest.mark.parametrize("stage", STAGES)
def test_shorter_is_shorter_but_keeps_the_essentials(stage: Stage, kind: DraftKind) -> None:
    for reason in Reason:
        sit = situation(stage, reason, signing_bonus=True)
        default, short = render(kind, sit).body, render(kind, sit, DraftStyle(shorter=True)).body
        assert words(short) < words(default), short
        assert THANKS.search(short)
        assert kind is DraftKind.NEGOTIATION_EMAIL or WITHDRAWAL.search(short)
        if kind is not DraftKind.LINKEDIN:
            assert short.endswith("priya@example.org\n+44 20 7946 0000")


@pytest.mark.parametrize("kind", WITHDRAWAL_KINDS)
@pytest.mark.parametrize("stage", STAGES)
def test_door_open_adds_a_stay_in_touch_sentence(stage: Stage, kind: DraftKind) -> None:
    closed = render(kind, situation(stage, Reason.PERSONAL)).body
    opened = render(kind, situation(stage, Reason.PERSONAL), DraftStyle(door_open=True)).body
    assert "stay in touch" not in closed.lower()
    assert "stay in touch" in opened.lower()
    assert words(opened) > words(closed)


@pytest.mark.parametrize("kind", WITHDRAWAL_KINDS)
@pytest.mark.parametrize("stage", EARLY)
def test_include_reason_false_removes_the_reason(stage: Stage, kind: DraftKind) -> None:
    for reason in (Reason.OTHER_OFFER, Reason.NOT_A_FIT, Reason.COMPENSATION, Reason.PERSONAL):
        line = reason_line(situation(stage, reason))
        assert line in render(kind, situation(stage, reason)).body
        without = render(kind, situation(stage, reason), DraftStyle(include_reason=False)).body
        assert line not in without
        assert WITHDRAWAL.search(without)


def test_warmer_adds_warmth_except_for_red_flags() -> None:
    for stage in STAGES:
        plain = render(DraftKind.EMAIL, situation(stage, Reason.PERSONAL)).body
        warm = render(DraftKind.EMAIL, situation(stage, Reason.PERSONAL), DraftStyle(warmer=True)).body
        assert warm != plain and "Warm regards," in warm


def test_reason_lines_are_single_neutral_sentences() -> None:
    assert reason_line(situation(Stage.SCREENING, Reason.UNSPECIFIED)) == ""
    assert reason_line(situation(Stage.SCREENING, Reason.RED_FLAGS)) == ""
    for reason in (Reason.OTHER_OFFER, Reason.NOT_A_FIT, Reason.COMPENSATION, Reason.PERSONAL, Reason.RELOCATION_VISA):
        line = reason_line(situation(Stage.SCREENING, reason))
        assert len(re.findall(r"[.!?]", line)) == 1 and line.endswith("."), line
        assert words(line) <= 14
        assert not re.search(r"\b(bad|poor|unprofessional|disorganis\w*|low|unfair)\b", line, re.I), line


def test_negotiation_email_asks_for_a_meeting_and_does_not_withdraw() -> None:
    for stage, reason, style in itertools.product(STAGES, Reason, STYLES):
        body = render(DraftKind.NEGOTIATION_EMAIL, situation(stage, reason, visa=True), style).body
        assert not WITHDRAWAL.search(body), body
        assert "meeting" in body and "within the next week" in body and "keen" in body
        # article: they already started a visa petition: negotiate its timing and support, never ask for it
        assert "visa steps" in body and "already started" in body and "sponsorship" not in body
        assert not PLACEHOLDER_RE.search(body) and words(body) < 120
    pay = render(DraftKind.NEGOTIATION_EMAIL, situation(Stage.OFFER, Reason.COMPENSATION)).body
    assert "salary" in pay and "visa" not in pay


def test_templates_are_found_from_any_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    draft = render(DraftKind.EMAIL, situation(Stage.OFFER), renderer=DraftRenderer())
    assert "withdraw" in draft.body


def test_override_dir_replaces_only_the_file_it_holds(tmp_path: Path) -> None:
    (tmp_path / "email.j2").write_text(
        "Subject: Re {{ role }}\nYo {{ contact }}, I withdraw from {{ company }}.\n\n\n\n{{ name }}\n"
    )
    renderer = DraftRenderer(override_dir=tmp_path)
    sit = situation(Stage.SCREENING, company="{{ 7*7 }}")
    draft = render(DraftKind.EMAIL, sit, renderer=renderer)
    assert draft.subject == "Re Senior Platform Reliability Engineer"
    assert draft.body == "Yo Jordan Alvarez-Whitfield, I withdraw from {{ 7*7 }}.\n\nPriya Natarajan"
    assert render(DraftKind.PHONE_SCRIPT, sit, renderer=renderer).body == render(DraftKind.PHONE_SCRIPT, sit).body


@pytest.mark.parametrize(
    "source",
    ["{% if %}broken", "Hi {{ no_such_variable }}", "{{ ''.__class__.__mro__[1].__subclasses__() }}"],
    ids=["syntax", "undefined", "sandbox"],
)
def test_a_broken_override_raises_template_problem_naming_the_file(tmp_path: Path, source: str) -> None:
    (tmp_path / "email.j2").write_text(source)
    renderer = DraftRenderer(override_dir=tmp_path)
    with pytest.raises(TemplateProblem) as caught:
        render(DraftKind.EMAIL, situation(Stage.SCREENING), renderer=renderer)
    assert str(tmp_path / "email.j2") in str(caught.value)


def test_a_missing_override_dir_fails_at_construction(tmp_path: Path) -> None:
    with pytest.raises(TemplateProblem, match="does not exist"):
        DraftRenderer(override_dir=tmp_path / "nope")


def test_the_recruiter_note_greets_the_recruiter_and_the_employer_email_the_contact() -> None:
    """Article rule: through a recruiter, tell them first: their note greets them, the employer's email the
    employer's contact (issue 7, point 2)."""
    sit = situation(Stage.SCREENING, Reason.OTHER_OFFER, via_recruiter=True)
    assert render(DraftKind.RECRUITER_NOTE, sit).body.startswith("Hi Priya,\n")
    assert render(DraftKind.EMAIL, sit).body.splitlines()[0] == "Dear Jordan Alvarez-Whitfield,"
    unnamed = situation(Stage.SCREENING, Reason.OTHER_OFFER, via_recruiter=True, recruiter="")
    assert render(DraftKind.RECRUITER_NOTE, unnamed).body.startswith("Hello,\n")


@pytest.mark.parametrize("stage", [Stage.SCREENING, Stage.INTERVIEWING, Stage.FINAL, Stage.OFFER])
def test_a_negotiation_through_the_recruiter_greets_the_recruiter_and_asks_them_to_arrange_it(stage: Stage) -> None:
    """Article rule: through a recruiter, they manage the conversation; the negotiation greets them."""
    sit = situation(stage, Reason.COMPENSATION, via_recruiter=True, negotiable=True)
    via = RENDERER.render(DraftSpec(DraftKind.NEGOTIATION_EMAIL, Channel.RECRUITER), sit, DraftStyle()).body
    assert via.startswith("Hi Priya,\n"), via
    assert "Could you ask them for a short meeting" in via
    direct = render(DraftKind.NEGOTIATION_EMAIL, sit).body
    assert direct.startswith("Dear Jordan Alvarez-Whitfield,\n"), direct


def spoken_words(kind: DraftKind, body: str) -> int:
    """What the user says or sends: a call script's quoted lines; a note's body above the signature."""
    if kind is DraftKind.PHONE_SCRIPT:
        return sum(words(quote) for quote in re.findall(r'"([^"]*)"', body))
    return words(body.rsplit("\n\n", 1)[0])


@pytest.mark.parametrize("kind", [DraftKind.PHONE_SCRIPT, DraftKind.RECRUITER_NOTE])
@pytest.mark.parametrize("stage", STAGES)
def test_shorter_cuts_call_scripts_and_recruiter_notes_by_a_fifth(stage: Stage, kind: DraftKind) -> None:
    """Article rule: brevity is your ally; "Shorter" must cut the spoken lines / the note by >= 20% words
    (issue 7, point 7), every reason, knob and logistics flag."""
    for reason, door, include, flags in itertools.product(Reason, (False, True), (False, True), (False, True)):
        sit = situation(stage, reason, visa=flags, relocation=flags, signing_bonus=flags, via_recruiter=flags)
        base = DraftStyle(door_open=door, include_reason=include)
        long_ = render(kind, sit, base).body
        short = render(kind, sit, DraftStyle(shorter=True, door_open=door, include_reason=include)).body
        assert spoken_words(kind, short) <= 0.8 * spoken_words(kind, long_), f"{long_}\n----\n{short}"
        assert THANKS.search(short) and WITHDRAWAL.search(short), short


WARMTH = re.compile(r"\b(valued|pleasure|enjoy\w*|kind\w*|warm\w*|really)\b", re.I)


@pytest.mark.parametrize("kind", list(DraftKind))
@pytest.mark.parametrize("stage", STAGES)
def test_warmer_adds_words_of_warmth_the_user_can_see_in_every_kind(stage: Stage, kind: DraftKind) -> None:
    """"Warmer" must add visible warmth (issue 7, point 7): more warm words, in every kind except red flags."""
    for reason in (r for r in Reason if r is not Reason.RED_FLAGS):
        plain = render(kind, situation(stage, reason)).body
        warm = render(kind, situation(stage, reason), DraftStyle(warmer=True)).body
        assert len(WARMTH.findall(warm)) > len(WARMTH.findall(plain)), f"{plain}\n----\n{warm}"


@pytest.mark.parametrize("kind", [DraftKind.EMAIL, DraftKind.FOLLOW_UP_EMAIL, DraftKind.NEGOTIATION_EMAIL])
@pytest.mark.parametrize("stage", STAGES)
def test_shorter_trims_emails_by_a_visible_margin(stage: Stage, kind: DraftKind) -> None:
    """Emails start brief (article: brevity is your ally), but "Shorter" still cuts at least a tenth."""
    for reason, door, flags in itertools.product(Reason, (False, True), (False, True)):
        sit = situation(stage, reason, visa=flags, relocation=flags, signing_bonus=flags)
        long_ = render(kind, sit, DraftStyle(door_open=door)).body
        short = render(kind, sit, DraftStyle(shorter=True, door_open=door)).body
        assert spoken_words(kind, short) <= 0.9 * spoken_words(kind, long_), f"{long_}\n----\n{short}"
