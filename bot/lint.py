"""Draft lint: the checks every draft goes through, ours or the user's own text.

This module owns the stable finding codes (`CODES`), the word limits per draft
kind and the wording of each finding. `lint_text` is pure: no I/O, never raises
on any string, and every pattern is bounded so the work stays linear in the
length of the text. It does not decide which drafts to write (see
`exit_coach.roadmap`) and does not render them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from exit_coach.model import Channel, Draft, DraftKind, Finding, Stage
from exit_coach.text import PHONE_DIGITS

CODES: dict[str, str] = {
    "placeholder": "an unfilled placeholder such as [Name], {{ company }}, <role>, XXX or TODO",
    "no_withdrawal": "no sentence that clearly says you are withdrawing",
    "no_thanks": "no thanks for their time",
    "too_long": "over-explaining: more words than the draft kind needs",
    "several_reasons": "over-explaining: more than one reason for leaving",
    "negative": "negative or critical wording about the employer or the process",
    "no_contact_info": "a written draft with no email address or phone number to reach you",
    "wrong_channel": "a channel that does not fit the stage (LinkedIn late on, email before a call)",
}

WORD_LIMITS: dict[DraftKind, int] = {
    DraftKind.EMAIL: 120,
    DraftKind.FOLLOW_UP_EMAIL: 120,
    DraftKind.RECRUITER_NOTE: 120,
    DraftKind.NEGOTIATION_EMAIL: 200,
    DraftKind.LINKEDIN: 80,
    DraftKind.PHONE_SCRIPT: 180,  # the spoken lines plus short cues for the caller
}
"""Most words a draft of each kind may have (a leading "Subject:" line is not counted)."""

_KIND_FOR_CHANNEL: dict[Channel, DraftKind] = {
    Channel.LINKEDIN: DraftKind.LINKEDIN,
    Channel.PHONE: DraftKind.PHONE_SCRIPT,
    Channel.RECRUITER: DraftKind.RECRUITER_NOTE,
}
_NO_CONTACT_NEEDED = (DraftKind.PHONE_SCRIPT, DraftKind.LINKEDIN)


def _any(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of `alternatives`."""
    return re.compile("|".join(alternatives), re.IGNORECASE)


_PLACEHOLDER = re.compile(
    "|".join(
        (
            r"\[[^\[\]\n]{0,60}\](?!\()",  # [Name], [Your name]; not a markdown link
            r"\{\{[^{}\n]{0,80}\}\}",  # {{ company }}
            r"\{%[^{}\n]{0,80}%\}",
            r"\{[A-Za-z_][\w ]{0,40}\}",  # {name}
            r"<[A-Za-z][A-Za-z0-9 _'-]{0,40}>",  # <name>; e-mail and URL brackets never match
            r"\b[Xx]{3,}\b",
            r"\bTODO\b",
            r"\bTBD\b",
            r"_{3,}",
        )
    )
)
_NOT_PLACEHOLDERS = frozenset({"[sic]", "<br>", "<p>", "<b>", "<i>", "<u>", "<em>", "<strong>", "<div>", "<span>"})

_WITHDRAWAL = _any(
    r"\bwithdr[ae]w\w*",
    r"\brescind\w*",
    r"\bdeclin\w*",
    r"\bpull(?:ing)? out\b",
    r"\bturn(?:ing)? down\b",
    r"\bno longer (?:be )?(?:available|interested|pursu|consider|a candidate|able to (?:accept|join|proceed)"
    r"|mov\w* forward|proceed|continu)",
    r"(?:\bnot|n['’]t) (?:be )?(?:moving|move|going) forward",
    r"\b(?:not able|unable) to (?:accept|join|proceed|continue)\b",
    r"\bstep(?:ping)? (?:back|away|aside)\b",
    r"\bdecided not to\b",
    r"\bremove (?:me|myself|my (?:application|candidacy|name))\b",
    r"\b(?:won't|won’t|will not|cannot|can't|can’t) (?:be )?(?:join|accept|pursu|proceed|continu)",
)
_THANKS = _any(r"\bthank", r"\bthx\b", r"\bgrateful\b", r"\bgratitude\b", r"\bappreciat")
_CALL_MADE = _any(
    r"\bas (?:we )?discussed\b",
    r"\bon the phone\b",
    r"\b(?:our|my|today's|today’s|earlier|phone) call\b",
    r"\bphone conversation\b",
    r"\b(?:we|just) spoke\b",
    r"\b(?:spoke|talked|speaking) (?:earlier|today|yesterday|this (?:morning|afternoon|evening))\b",
    r"\b(?:spoke|talked|speaking) (?:on the phone|by phone)\b",
)


@dataclass(frozen=True)
class _Reason:
    """One kind of reason: the label the user sees and the words that give it away in a sentence."""

    label: str
    cue: re.Pattern[str]
    only_with: re.Pattern[str] | None = None  # counts only in a sentence that also matches this
    not_with: re.Pattern[str] | None = None  # never counts in a sentence that also matches this


_NEGATION = _any(r"\b(?:not|never|no longer|cannot)\b", r"n['’]t\b", r"\bmis(?:match|align)")
# Relocation and visa are one logistic reason; repaying relocation costs or agreeing on visa next
# steps is logistics, not a reason. "Culture" and "fit" are often praise, hence the negation.
_REASONS: tuple[_Reason, ...] = (
    _Reason(
        "another offer",
        _any(
            r"\b(?:another|other|competing|different|alternative) (?:job )?(?:offer|opportunit\w*|role|position|job)\b",
            r"\baccepted (?:an? )?(?:offer|position|role|job)\b",
            r"\belsewhere\b",
        ),
    ),
    _Reason("pay", _any(r"\bsalary\b", r"\bcompensation\b", r"\bpay\b", r"\bbenefits package\b")),
    _Reason(
        "personal reasons",
        _any(
            r"\bpersonal\b",
            r"\bmy (?:health|family)\b",
            r"\bfamily (?:reasons|circumstances|matters|needs|situation)\b",
            r"\bhealth (?:reasons|issues|concerns)\b",
        ),
    ),
    _Reason(
        "relocation or visa",
        _any(r"\brelocat", r"\bvisa\b", r"\bsponsorship\b", r"\bimmigration\b"),
        not_with=_any(r"\bsteps?\b", r"\brepa(?:y|id|ying|yment)\b", r"\bsettl", r"\b(?:assistance|costs|expenses)\b"),
    ),
    _Reason("the commute", _any(r"\bcommut")),
    _Reason("culture", _any(r"\bcultur(?:e|al)\b(?! fit)"), only_with=_NEGATION),
    _Reason("fit", _any(r"\bfit\b", r"\bmismatch", r"\bmatch\b", r"\balign", r"\bscope\b"), only_with=_NEGATION),
)
_SENTENCE_END = re.compile(r"[.!?;\n]+")

_NEGATIVE = _any(
    r"\b(?:disorgani[sz]ed|unorgani[sz]ed|unprofessional|rude|toxic|disappointing|terrible|awful|horrible)\b",
    r"\b(?:chaotic|chaos|lowball\w*|low-ball\w*|insulting|ridiculous|incompetent|disrespectful|condescending)\b",
    r"\b(?:arrogant|shady|sketchy|unacceptable|frustrating|worst|pathetic|exploitative|red flags?)\b",
    r"\b(?:a mess|a joke|bait and switch|waste of (?:my |our |your )?time|wasted (?:my|our) time)\b",
    r"\bpoorly (?:run|organi[sz]ed|managed|handled)\b",
)

# Contact details: bounded quantifiers keep these linear.
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_PHONE = re.compile(r"(?:\+|\b)\d[\d ().-]{5,18}\d\b")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
_NO_THANKS = "Start with a short thank-you for their time; it keeps the door open."


def lint_text(
    text: str,
    *,
    stage: Stage | None = None,
    kind: DraftKind | None = None,
    channel: Channel | None = None,
) -> tuple[Finding, ...]:
    """Check one draft and return its findings, at most one per code, in the order of `CODES`.

    `kind` None means the kind that fits `channel` (linkedin, phone script, recruiter
    note), else an email. `stage` None skips the stage-dependent channel check.
    """
    if kind is not None:
        draft_kind = kind
    else:
        draft_kind = _KIND_FOR_CHANNEL.get(channel, DraftKind.EMAIL) if channel else DraftKind.EMAIL
    negotiation = draft_kind is DraftKind.NEGOTIATION_EMAIL
    checks: tuple[Callable[[], str | None], ...] = (
        lambda: _placeholder(text),
        lambda: None if negotiation else _no_withdrawal(text, stage),
        lambda: None if _THANKS.search(text) else _NO_THANKS,
        lambda: _too_long(text, draft_kind),
        lambda: None if negotiation else _several_reasons(text),
        lambda: _negative(text),
        lambda: None if draft_kind in _NO_CONTACT_NEEDED else _no_contact_info(text),
        lambda: None if negotiation else _wrong_channel(text, stage, draft_kind, channel),
    )
    findings = []
    for code, check in zip(CODES, checks, strict=True):
        message = check()
        if message:
            findings.append(Finding(code=code, message=message))
    return tuple(findings)


def lint_draft(draft: Draft, stage: Stage | None) -> tuple[Finding, ...]:
    """The checks for one of our drafts (or the user's edit of one): its body, its kind, its channel."""
    return lint_text(draft.body, stage=stage, kind=draft.kind, channel=draft.channel)


def _placeholder(text: str) -> str | None:
    found: list[str] = []
    for match in _PLACEHOLDER.finditer(text):
        token = match.group()
        if token.lower() not in _NOT_PLACEHOLDERS and token not in found:
            found.append(token)
    if not found:
        return None
    shown = " and ".join(_quote(token) for token in found[:2])
    more = f" (and {len(found) - 2} more)" if len(found) > 2 else ""
    noun = "placeholder" if len(found) == 1 else "placeholders"
    return f"Replace the {noun} {shown}{more} with the real details before you send it."


def _no_withdrawal(text: str, stage: Stage | None) -> str | None:
    if _WITHDRAWAL.search(_without_subject(text)):  # the subject alone is not enough: say it in the body
        return None
    what = "your acceptance" if stage is Stage.ACCEPTED else "your application"
    return f"Add one plain sentence saying you are withdrawing {what}, so your decision is not in doubt."


def _too_long(text: str, kind: DraftKind) -> str | None:
    limit = WORD_LIMITS[kind]
    words = sum(1 for _ in _WORD.finditer(_without_subject(text)))
    if words <= limit:
        return None
    return (
        f"This runs to {words} words; trim it to {limit} or fewer by keeping the thanks, "
        "the decision and at most one reason."
    )


def _several_reasons(text: str) -> str | None:
    found: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        for reason in _REASONS:
            if reason.label in found or not reason.cue.search(sentence):
                continue
            if reason.only_with and not reason.only_with.search(sentence):
                continue
            if reason.not_with and reason.not_with.search(sentence):
                continue
            found.append(reason.label)
    if len(found) < 2:
        return None
    labels = sorted(found, key=[reason.label for reason in _REASONS].index)
    return f"You give {len(labels)} reasons ({', '.join(labels)}); keep the one that matters most, or none at all."


def _negative(text: str) -> str | None:
    words: list[str] = []
    for match in _NEGATIVE.finditer(text):
        word = match.group().lower()
        if word not in words:
            words.append(word)
    if not words:
        return None
    shown = ", ".join(f'"{word}"' for word in words[:3])
    return f"Leave out critical wording such as {shown}; a neutral note protects your reputation."


def _no_contact_info(text: str) -> str | None:
    if "@" in text and _EMAIL.search(text):
        return None
    for match in _PHONE.finditer(text):
        digits = sum(ch.isdigit() for ch in match.group())
        if digits in PHONE_DIGITS and not _ISO_DATE.fullmatch(match.group()):
            return None
    return "Add your email address or phone number under your name so they can reach you."


def _wrong_channel(text: str, stage: Stage | None, kind: DraftKind, channel: Channel | None) -> str | None:
    if stage is None:
        return None
    if (kind is DraftKind.LINKEDIN or channel is Channel.LINKEDIN) and stage.is_late:
        then = "call or email them instead" if stage is Stage.FINAL else "call them, then confirm by email"
        return f"At this stage ({stage.label.lower()}) a LinkedIn message is too casual; {then}."
    if stage in (Stage.OFFER, Stage.ACCEPTED) and kind is DraftKind.EMAIL and not _CALL_MADE.search(text):
        return f"At this stage ({stage.label.lower()}) call them first, then send this email to confirm the call."
    return None


def _without_subject(text: str) -> str:
    """The text without a leading "Subject: ..." line."""
    stripped = text.lstrip()
    if stripped[:8].lower() != "subject:":
        return text
    newline = stripped.find("\n")
    return "" if newline < 0 else stripped[newline + 1 :]


def _quote(token: str) -> str:
    """A placeholder safe to show: printable characters only, at most 40 of them."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in token[:40])
    return f'"{clean}…"' if len(token) > 40 else f'"{clean}"'
