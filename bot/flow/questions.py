"""The roadmap questions, declared as data: what is asked, when, and what an answer changes.

The order of `QUESTIONS` is the order of the conversation. Each question says
whether it applies to a case (so `accepted` gets its extra questions and
`no_response` skips almost everything), how it is shown (options or form
fields), and how an answer updates the case. Invalid answers come back as a
`Problem` with a message for the user; nothing here raises on user input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from exit_coach.flow.replies import FormField, Option
from exit_coach.flow.state import Answers, Case, Profile
from exit_coach.model import Channel, Language, Reason, Signature, Stage
from exit_coach.roadmap import negotiation_fits
from exit_coach.text import is_blank, looks_like_email, looks_like_phone, text_problem

YES_NO = (Option("Yes", "yes"), Option("No", "no"))
EARLY_STAGES = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING)


@dataclass(frozen=True)
class Problem:
    """An answer we can't take, with what to do instead."""

    message: str


def clean_text(value: str, *, label: str, max_length: int, multiline: bool = False) -> str | Problem:
    """Trim `value` and check it (length cap, no control characters); never raises."""
    text = value.replace("\r\n", "\n").strip()
    if is_blank(text):  # zero-width spaces or a lone combining mark are no answer
        text = ""
    problem = text_problem(text, max_length=max_length, multiline=multiline)
    return Problem(f"{label} {problem}.") if problem else text




@dataclass(frozen=True)
class Question:
    id: str
    text: Callable[[Case], str]
    applies: Callable[[Case, Profile], bool]
    options: Callable[[Case], tuple[Option, ...]] | None = None
    fields: Callable[[Case, Profile], tuple[FormField, ...]] | None = None
    choose: Callable[[Case, str], Case] | None = None
    submit: Callable[[Case, Profile, Mapping[str, str]], tuple[Case, Profile] | Problem] | None = None
    title: str = ""

    @property
    def is_form(self) -> bool:
        return self.fields is not None


def _answer(case: Case, **changes: Any) -> Case:
    return replace(case, answers=replace(case.answers, **changes))


def _stage_is(*stages: Stage) -> Callable[[Case, Profile], bool]:
    return lambda case, _profile: case.answers.stage in stages


def _withdrawing(case: Case, _profile: Profile) -> bool:
    return case.answers.stage not in (None, Stage.NO_RESPONSE)


def _details_fields(case: Case, _profile: Profile) -> tuple[FormField, ...]:
    return (
        FormField("company", "Company", max_length=120, initial=case.company, hint="e.g. Acme"),
        FormField("role", "Role", max_length=120, initial=case.role, hint="e.g. Data Engineer"),
        FormField(
            "contact",
            "Who at the company have you been talking to? (optional)",
            required=False,
            max_length=80,
            initial=case.contact,
            hint="the hiring manager's name",
        ),
    )


def _submit_details(case: Case, profile: Profile, values: Mapping[str, str]) -> tuple[Case, Profile] | Problem:
    cleaned: dict[str, str] = {}
    for f in _details_fields(case, profile):
        got = clean_text(str(values.get(f.name, "")), label=f.label.split(" (")[0], max_length=f.max_length)
        if isinstance(got, Problem):
            return got
        if f.required and not got:
            return Problem(f"Please fill in {f.label.lower()}.")
        cleaned[f.name] = got
    return replace(case, company=cleaned["company"], role=cleaned["role"], contact=cleaned["contact"]), profile


def _recruiter_fields(case: Case, _profile: Profile) -> tuple[FormField, ...]:
    return (FormField("recruiter", "Your recruiter's name (optional)", required=False, max_length=80,
                      initial=case.recruiter),)


def _submit_recruiter(case: Case, profile: Profile, values: Mapping[str, str]) -> tuple[Case, Profile] | Problem:
    got = clean_text(str(values.get("recruiter", "")), label="The recruiter's name", max_length=80)
    return got if isinstance(got, Problem) else (replace(case, recruiter=got), profile)


def signature_fields(_case: Case | None, profile: Profile) -> tuple[FormField, ...]:
    sig = profile.signature
    return (
        FormField("name", "Your name", max_length=80, initial=sig.name),
        FormField("email", "Your email", required=False, max_length=254, initial=sig.email, kind="email"),
        FormField("phone", "Your phone (optional)", required=False, max_length=40, initial=sig.phone,
                  kind="phone"),
    )


def submit_signature(case: Case, profile: Profile, values: Mapping[str, str]) -> tuple[Case, Profile] | Problem:
    got = checked_signature(values)
    return got if isinstance(got, Problem) else (case, replace(profile, signature=got))


def checked_signature(values: Mapping[str, str]) -> Signature | Problem:
    """Validate a signature (asked in a case, or changed in settings): a name and a way to reach the user."""
    name = clean_text(str(values.get("name", "")), label="Your name", max_length=80)
    email = clean_text(str(values.get("email", "")), label="Your email", max_length=254)
    phone = clean_text(str(values.get("phone", "")), label="Your phone", max_length=40)
    for got in (name, email, phone):
        if isinstance(got, Problem):
            return got
    assert isinstance(name, str) and isinstance(email, str) and isinstance(phone, str)
    if not name:
        return Problem("Please give the name you sign with.")
    if not any(ch.isalpha() for ch in name):
        return Problem(f"{name!r} doesn't look like a name: please give the name you sign with, in letters.")
    if email and not looks_like_email(email):
        return Problem(f"{email!r} doesn't look like an email address.")
    if phone and not looks_like_phone(phone):
        return Problem(f"{phone!r} doesn't look like a phone number (digits, spaces, + - ( ) only).")
    if not (email or phone):
        return Problem("Add an email or a phone number so they can reach you.")
    return Signature(name=name, email=email, phone=phone)


def _recruiter_relays(case: Case) -> bool:
    """Through a recruiter who passes the news on (the user doesn't contact the team too)."""
    return case.answers.via_recruiter and not case.answers.tell_employer_too


def _stage_options(_case: Case) -> tuple[Option, ...]:
    return tuple(Option(s.label, s.value) for s in Stage)


def _reason_options(_case: Case) -> tuple[Option, ...]:
    return tuple(Option(r.label, r.value) for r in Reason)


def _yes_no(_case: Case) -> tuple[Option, ...]:
    return YES_NO


def _yes(value: str) -> bool:
    return value == "yes"


def _choose_stage(case: Case, value: str) -> Case:
    stage = Stage(value)
    if stage is case.answers.stage:
        return case
    # a different stage asks different questions: answers given for the old one must not linger
    return replace(case, answers=Answers(stage=stage))


def _choose_reason(case: Case, value: str) -> Case:
    reason = Reason(value)
    # a reason that terms can't fix drops an earlier "I'd stay for better terms" (asked only where it fits)
    negotiable = case.answers.negotiable and negotiation_fits(case.answers.stage, reason)
    return _answer(case, reason=reason, negotiable=negotiable)


def _negotiating(case: Case) -> bool:
    return case.answers.negotiable and negotiation_fits(case.answers.stage, case.answers.reason)


def _main_channel_options(case: Case) -> tuple[Option, ...]:
    # a phone relationship changes the plan between rounds (a call, then an email); when they have only
    # just reached out a quick reply in writing fits either way, so "Phone" would change nothing there
    phone = (Option("Phone", "phone"),) if case.answers.stage in (Stage.SCREENING, Stage.INTERVIEWING) else ()
    return (Option("Email", "email"), *phone, Option("LinkedIn", "linkedin"))


def _visa_matters(case: Case, _profile: Profile) -> bool:
    """Article: visa petitions and relocation commitments matter at offer and after, and whenever they are
    the reason."""
    a = case.answers
    relocation_reason = _withdrawing(case, _profile) and a.reason is Reason.RELOCATION_VISA
    return a.stage in (Stage.OFFER, Stage.ACCEPTED) or relocation_reason


def language_options(case: Case) -> tuple[Option, ...]:
    """The four draft languages, the case's current one (the platform locale's, at first) first."""
    ordered = (case.language, *(lang for lang in Language if lang is not case.language))
    return tuple(Option(lang.label, lang.value, "primary" if lang is case.language else "") for lang in ordered)


def _choose_money(case: Case, value: str) -> Case:
    return _answer(case, relocation=value in ("relocation", "both"), signing_bonus=value in ("bonus", "both"))


QUESTIONS: tuple[Question, ...] = (
    Question(
        "details",
        lambda c: "Which application is this about?",
        applies=lambda c, p: True,
        fields=_details_fields,
        submit=_submit_details,
        title="The application",
    ),
    Question(
        "stage",
        lambda c: f"How far did you get with {c.company or 'them'}?",
        applies=lambda c, p: True,
        options=_stage_options,
        choose=_choose_stage,
    ),
    Question(
        "reason",
        lambda c: "What's the main reason? You won't have to explain more than one line of it.",
        applies=_withdrawing,
        options=_reason_options,
        choose=_choose_reason,
    ),
    Question(
        # article: negotiate when pay, scope or flexibility are the problem, before an offer is accepted
        "negotiable",
        lambda c: "Would you still want this job if the pay, scope or flexibility changed?",
        applies=lambda c, p: negotiation_fits(c.answers.stage, c.answers.reason),
        options=_yes_no,
        choose=lambda c, v: _answer(c, negotiable=_yes(v)),
    ),
    Question(
        "recruiter",
        lambda c: "Did you apply through a recruiter or an agency?",
        applies=_withdrawing,
        options=_yes_no,
        choose=lambda c, v: _answer(c, via_recruiter=_yes(v)),
    ),
    Question(
        "recruiter_name",
        lambda c: "What's your recruiter's name? Their note is addressed to them, the rest to the company.",
        applies=lambda c, p: _withdrawing(c, p) and c.answers.via_recruiter,
        fields=_recruiter_fields,
        submit=_submit_recruiter,
        title="Your recruiter",
    ),
    Question(
        # article: tell the recruiter first and let them relay; contacting the team as well is the user's call
        "relay",
        lambda c: "Should your recruiter pass the news on, or will you also contact the hiring team yourself?",
        # not once accepted: the article asks the user to phone the employer then, whoever else relays it
        applies=lambda c, p: (
            _withdrawing(c, p) and c.answers.via_recruiter and not _negotiating(c)
            and c.answers.stage is not Stage.ACCEPTED
        ),
        options=lambda c: (
            Option("Let the recruiter pass it on", "relay", "primary"),
            Option("I'll contact the team too", "direct"),
        ),
        choose=lambda c, v: _answer(c, tell_employer_too=v == "direct"),
    ),
    Question(
        "rapport",
        lambda c: "Did you build a personal rapport with the hiring manager?",
        applies=_stage_is(Stage.FINAL),
        options=_yes_no,
        choose=lambda c, v: _answer(c, rapport=_yes(v)),
    ),
    Question(
        "main_channel",
        lambda c: "How have you mostly been in touch with them?",
        # when the recruiter passes the news on, how the user talked to the employer changes nothing
        applies=lambda c, p: _stage_is(*EARLY_STAGES)(c, p) and not _recruiter_relays(c),
        options=_main_channel_options,
        choose=lambda c, v: _answer(c, main_channel=Channel(v)),
    ),
    Question(
        "informal",
        lambda c: "Is it an informal relationship (first names, casual messages)?",
        applies=lambda c, p: c.answers.stage in EARLY_STAGES and c.answers.main_channel is Channel.LINKEDIN,
        options=_yes_no,
        choose=lambda c, v: _answer(c, informal=_yes(v)),
    ),
    Question(
        "signed",
        lambda c: "Did you sign an offer letter or contract?",
        applies=_stage_is(Stage.ACCEPTED),
        options=_yes_no,
        choose=lambda c, v: _answer(c, signed=_yes(v)),
    ),
    Question(
        "money",
        lambda c: "Have you received relocation assistance or a signing bonus?",
        applies=_stage_is(Stage.ACCEPTED),
        options=lambda c: (
            Option("Neither", "none"),
            Option("Relocation assistance", "relocation"),
            Option("Signing bonus", "bonus"),
            Option("Both", "both"),
        ),
        choose=_choose_money,
    ),
    Question(
        "visa",
        lambda c: "Has the employer started a visa petition or committed relocation support for you?",
        applies=_visa_matters,
        options=_yes_no,
        choose=lambda c, v: _answer(c, visa=_yes(v)),
    ),
    Question(
        "door",
        lambda c: f"Would you like to keep the door open with {c.company or 'them'} for the future?",
        applies=_withdrawing,
        options=_yes_no,
        choose=lambda c, v: _answer(c, keep_door_open=_yes(v)),
    ),
    Question(
        # the employer's language, not the user's: an expat often writes to them in another one
        "language",
        lambda c: f"Which language will you write to {c.company or 'them'} in?",
        applies=_withdrawing,
        options=language_options,
        choose=lambda c, v: replace(c, language=Language(v)),
    ),
    Question(
        "signature",
        lambda c: "How do you sign your messages? I'll remember it for next time.",
        applies=lambda c, p: _withdrawing(c, p) and not p.signature.is_complete,
        fields=signature_fields,
        submit=submit_signature,
        title="Your signature",
    ),
)

BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}


def _check_declaration() -> None:
    # Fail at import, like a bad ConversationHandler config: a question is a choice or a form, not both.
    for q in QUESTIONS:
        if (q.options is None) == (q.fields is None):
            raise ValueError(f"question {q.id!r} must have exactly one of options or fields")
        if (q.choose is None) != (q.options is None) or (q.submit is None) != (q.fields is None):
            raise ValueError(f"question {q.id!r} has a handler that does not match its kind")


_check_declaration()


def next_question(case: Case, profile: Profile, *, after: str | None) -> str | None:
    """The first question after `after` (or from the start) that applies; None when done."""
    ids = [q.id for q in QUESTIONS]
    start = ids.index(after) + 1 if after in ids else 0
    for q in QUESTIONS[start:]:
        if q.applies(case, profile):
            return q.id
    return None
