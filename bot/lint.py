"""Draft lint: the checks every draft goes through, ours or the user's own text, in four languages.

This module owns the stable finding codes (`CODES`), the word limits per draft
kind and language, and the wording of each finding (each says what to do). The
word lists are per language (`exit_coach.lint_en`, `lint_es`, `lint_de`, `lint_fr`),
the tone judgement is `exit_coach.lint_tone`. `lint_text` is pure: no I/O, never
raises on any string, and every pattern is bounded so the work stays linear in
the length of the text. It does not decide which drafts to write (see
`exit_coach.roadmap`) and does not render them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from importlib import import_module

from exit_coach.lint_rules import LANGUAGE_NAMES, LANGUAGES, STOPWORDS, LanguageRules
from exit_coach.lint_tone import critical_words
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
    "other_language": "the draft reads as another language than the one checked, so the wording checks were skipped",
}

WORD_LIMITS: dict[DraftKind, int] = {
    DraftKind.EMAIL: 120,
    DraftKind.FOLLOW_UP_EMAIL: 120,
    DraftKind.RECRUITER_NOTE: 120,
    DraftKind.NEGOTIATION_EMAIL: 200,
    DraftKind.LINKEDIN: 80,
    DraftKind.PHONE_SCRIPT: 180,  # the spoken lines plus short cues for the caller
}
"""Most words an English draft of each kind may have (a leading "Subject:" line is not counted).

Other languages scale these by their `word_budget` (see `word_limit`)."""

_KIND_FOR_CHANNEL: dict[Channel, DraftKind] = {
    Channel.LINKEDIN: DraftKind.LINKEDIN,
    Channel.PHONE: DraftKind.PHONE_SCRIPT,
    Channel.RECRUITER: DraftKind.RECRUITER_NOTE,
}
_NO_CONTACT_NEEDED = (DraftKind.PHONE_SCRIPT, DraftKind.LINKEDIN)


_PLACEHOLDER = re.compile(
    "|".join(
        (
            r"\[[^\[\]\n]{0,60}\](?!\()",  # [Name], [Nombre]; not a markdown link
            r"\{\{[^{}\n]{0,80}\}\}",  # {{ company }}
            r"\{%[^{}\n]{0,80}%\}",
            r"\{[^\W\d][\w ]{0,40}\}",  # {name}, {prénom}
            r"<[^\W\d_][\w '-]{0,40}>",  # <name>, <Ihr Name>; e-mail and URL brackets never match
            r"\b[Xx]{3,}\b",
            r"\bTODO\b",
            r"\bTBD\b",
            r"_{3,}",
        )
    )
)
_NOT_PLACEHOLDERS = frozenset({"[sic]", "<br>", "<p>", "<b>", "<i>", "<u>", "<em>", "<strong>", "<div>", "<span>"})
_SENTENCE_END = re.compile(r"[.!?;\n]+")
_SUBJECT = re.compile(r"\s*(?:subject|asunto|betreff|objet)\s?:", re.IGNORECASE)
_OTHER_LANGUAGE_MIN_WORDS = 6  # function words of another language before a draft "reads as" it
# Tone is judged on the opening only: ten times the longest draft's budget, so a real draft is read
# whole, while a pasted novel (already `too_long`) cannot make the phrase patterns slow.
_TONE_CHARS = 12_000

# Contact details: bounded quantifiers keep these linear.
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_PHONE = re.compile(r"(?:\+|\b)\d[\d ().-]{5,18}\d\b")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
_STOPWORD_LANGUAGES: dict[str, tuple[str, ...]] = {
    word: tuple(code for code in LANGUAGES if word in STOPWORDS[code])
    for word in frozenset().union(*STOPWORDS.values())
}
"""Each frequent function word and the languages it belongs to: one lookup per word of a draft."""
_WORDING_CODES = ("no_withdrawal", "no_thanks", "several_reasons", "negative")
"""The checks that read the words, and so only work in the draft's own language."""


def lint_text(
    text: str,
    *,
    stage: Stage | None = None,
    kind: DraftKind | None = None,
    channel: Channel | None = None,
    lang: str = "en",
    linkedin_fits: bool | None = None,
) -> tuple[Finding, ...]:
    """Check one draft and return its findings, at most one per code, in the order of `CODES`.

    `kind` None means the kind that fits `channel` (linkedin, phone script, recruiter
    note), else an email. `stage` None skips the stage-dependent channel check. `lang`
    is the draft's language ("en", "es", "de" or "fr"; ValueError otherwise). When the
    text plainly reads as another of those languages, the checks that read the words
    are skipped and `other_language` says so, instead of false findings. `linkedin_fits`
    False (LinkedIn wasn't the main, informal channel) flags a LinkedIn message; None skips that.
    """
    rules = language_rules(lang)
    if kind is not None:
        draft_kind = kind
    else:
        draft_kind = _KIND_FOR_CHANNEL.get(channel, DraftKind.EMAIL) if channel else DraftKind.EMAIL
    negotiation = draft_kind is DraftKind.NEGOTIATION_EMAIL
    other = _reads_as_other_language(text, rules)
    checks: dict[str, Callable[[], str | None]] = {
        "placeholder": lambda: _placeholder(text),
        "no_withdrawal": lambda: None if negotiation else _no_withdrawal(text, stage, rules),
        "no_thanks": lambda: None if rules.thanks.search(text) else _no_thanks(rules),
        "too_long": lambda: _too_long(text, draft_kind, rules),
        "several_reasons": lambda: None if negotiation else _several_reasons(text, rules),
        "negative": lambda: _negative(text, rules, verdicts=not negotiation),
        "no_contact_info": lambda: None if draft_kind in _NO_CONTACT_NEEDED else _no_contact_info(text),
        "wrong_channel": lambda: (
            None if negotiation else _wrong_channel(text, stage, draft_kind, channel, rules, other, linkedin_fits)
        ),
        "other_language": lambda: _other_language(rules, other),
    }
    findings = []
    for code in CODES:
        if other is not None and code in _WORDING_CODES:
            continue
        message = checks[code]()
        if message:
            findings.append(Finding(code=code, message=message))
    return tuple(findings)


def lint_draft(
    draft: Draft, stage: Stage | None, *, lang: str = "en", linkedin_fits: bool | None = None
) -> tuple[Finding, ...]:
    """The checks for one of our drafts (or the user's edit of one): its body, its kind, its channel."""
    return lint_text(
        draft.body, stage=stage, kind=draft.kind, channel=draft.channel, lang=lang, linkedin_fits=linkedin_fits
    )


def language_rules(lang: str) -> LanguageRules:
    """The word lists for `lang`; ValueError naming the choices for anything else."""
    code = lang.strip().lower() if isinstance(lang, str) else ""
    if code not in LANGUAGES:
        raise ValueError(f"unknown lint language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    return _load_rules(code)


@cache
def _load_rules(code: str) -> LanguageRules:
    """One language's word lists, compiled on first use: `coach plan` in English never pays for the others."""
    rules: LanguageRules = import_module(f"exit_coach.lint_{code}").RULES
    return rules


def word_limit(kind: DraftKind, lang: str = "en") -> int:
    """Most words a draft of `kind` may have in `lang`: the English limit scaled by the language's budget."""
    return round(WORD_LIMITS[kind] * language_rules(lang).word_budget)


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
    noun, them = ("placeholder", "it") if len(found) == 1 else ("placeholders", "them")
    return f"Fill in the {noun} {shown}{more} with the real details, or delete {them}, before you send this."


def _no_withdrawal(text: str, stage: Stage | None, rules: LanguageRules) -> str | None:
    if rules.withdrawal.search(_without_subject(text)):  # the subject alone is not enough: say it in the body
        return None
    example = rules.rescind_example if stage is Stage.ACCEPTED else rules.withdrawal_example
    return f'Say it plainly: add one sentence such as "{example}" so your decision is not in doubt.'


def _no_thanks(rules: LanguageRules) -> str:
    return f'Open with a short thank-you, such as "{rules.thanks_example}"; it keeps the door open.'


def _too_long(text: str, kind: DraftKind, rules: LanguageRules) -> str | None:
    limit = round(WORD_LIMITS[kind] * rules.word_budget)
    words = sum(1 for _ in _WORD.finditer(_without_subject(text)))
    if words <= limit:
        return None
    return (
        f"Say less: {words} words is more than this needs; cut to {limit} or fewer, "
        "keeping the thanks, the decision and at most one reason."
    )


def _several_reasons(text: str, rules: LanguageRules) -> str | None:
    found: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        for reason in rules.reasons:
            if reason.label in found or not reason.cue.search(sentence):
                continue
            if reason.only_with and not reason.only_with.search(sentence):
                continue
            if reason.not_with and reason.not_with.search(sentence):
                continue
            found.append(reason.label)
    if len(found) < 2:
        return None
    labels = sorted(found, key=[reason.label for reason in rules.reasons].index)
    return f"Say less: you give {len(labels)} reasons ({', '.join(labels)}); keep the one that matters most, or none."


def _negative(text: str, rules: LanguageRules, *, verdicts: bool) -> str | None:
    words = critical_words(text[:_TONE_CHARS], rules.tone, verdicts=verdicts)
    if not words:
        return None
    shown = " and ".join(f'"{word}"' for word in words[:2])
    return f"Say less: drop {shown}; one neutral line, or no reason at all, keeps the door open."


def _no_contact_info(text: str) -> str | None:
    if "@" in text and _EMAIL.search(text):
        return None
    for match in _PHONE.finditer(text):
        digits = sum(ch.isdigit() for ch in match.group())
        if digits in PHONE_DIGITS and not _ISO_DATE.fullmatch(match.group()):
            return None
    return "Add your email address or phone number under your name so they can reach you."


def _wrong_channel(
    text: str,
    stage: Stage | None,
    kind: DraftKind,
    channel: Channel | None,
    rules: LanguageRules,
    other: str | None,
    linkedin_fits: bool | None = None,
) -> str | None:
    if stage is None:
        return None
    on_linkedin = kind is DraftKind.LINKEDIN or channel is Channel.LINKEDIN
    if on_linkedin and stage.is_late:
        then = "call or email them instead" if stage is Stage.FINAL else "call them, then confirm by email"
        return f"At this stage ({stage.label.lower()}) a LinkedIn message is too casual; {then}."
    if on_linkedin and linkedin_fits is False:
        # article: LinkedIn only if it has been the main channel and the relationship is informal
        return (
            "A LinkedIn message fits only when LinkedIn has been your main channel and things are informal; "
            "email instead."
        )
    mentions_call = (language_rules(other) if other else rules).call_made.search(text)
    if stage in (Stage.OFFER, Stage.ACCEPTED) and kind is DraftKind.EMAIL and not mentions_call:
        return f"At this stage ({stage.label.lower()}) call them first, then send this email to confirm the call."
    return None


def _reads_as_other_language(text: str, rules: LanguageRules) -> str | None:
    """The code of the language the text plainly reads as, when that is not `rules`' language; else None.

    Counts frequent function words of each language: another language needs at least a few
    of its own and clearly more than the checked one, so names and loanwords never tip it.
    """
    counts = dict.fromkeys(LANGUAGES, 0)
    for match in _WORD.finditer(text[:20_000]):  # the opening is enough to tell the language
        for code in _STOPWORD_LANGUAGES.get(match.group().lower(), ()):
            counts[code] += 1
    best = max(LANGUAGES, key=counts.__getitem__)
    own = counts[rules.code]
    if best == rules.code or counts[best] < _OTHER_LANGUAGE_MIN_WORDS or counts[best] < 2 * own + 2:
        return None
    return best


def _other_language(rules: LanguageRules, other: str | None) -> str | None:
    if other is None:
        return None
    name = LANGUAGE_NAMES[other]
    return (
        f"This reads as {name}, not {rules.name}, so the withdrawal, thanks, reason and tone "
        f"checks were skipped; check it as {name} ({other})."
    )


def _without_subject(text: str) -> str:
    """The text without a leading "Subject: ..." line (or Asunto, Betreff, Objet)."""
    if not _SUBJECT.match(text[:40]):
        return text
    stripped = text.lstrip()
    newline = stripped.find("\n")
    return "" if newline < 0 else stripped[newline + 1 :]


def _quote(token: str) -> str:
    """A placeholder safe to show: printable characters only, at most 40 of them."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in token[:40])
    return f'"{clean}…"' if len(token) > 40 else f'"{clean}"'
