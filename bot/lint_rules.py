"""The shape of one language's lint word lists, and the registry of languages lint knows.

This module owns `LanguageRules` (what a language must supply for the word-based checks:
withdrawal, thanks, reasons, tone, the "we already spoke" cue and the word budget) and
`RULES`, the lookup by language code. The word lists themselves live in one module per
language (`lint_en`, `lint_es`, `lint_de`, `lint_fr`); the checks live in `exit_coach.lint`
and `exit_coach.lint_tone`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


def any_of(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of `alternatives`."""
    return re.compile("|".join(alternatives), re.IGNORECASE)


def lower_case(*alternatives: str) -> re.Pattern[str]:
    """One pattern matching any of `alternatives`, written in lower case, for lower-cased text.

    Tone patterns are matched against the lower-cased sentence (`exit_coach.lint_tone`); a
    case-sensitive pattern there runs about three times faster than a case-insensitive one,
    since the engine can reject a branch on its first letter.
    """
    return re.compile("|".join(alternatives))


@dataclass(frozen=True)
class Reason:
    """One kind of reason: the label the user sees and the words that give it away in a sentence."""

    label: str
    cue: re.Pattern[str]
    only_with: re.Pattern[str] | None = None  # counts only in a sentence that also matches this
    not_with: re.Pattern[str] | None = None  # never counts in a sentence that also matches this


@dataclass(frozen=True)
class Unanchored:
    """A sentence about the employer that is neither warm nor about me nor logistics reads as a verdict.

    In a withdrawal, what is said about them is thanks or praise ("your team was welcoming"),
    and everything else is about me ("I have accepted another offer") or logistics ("I will
    return the laptop"). A sentence that names them (`target`) and is none of those
    ("the salary band you published was a lie") is judged critical.
    """

    target: re.Pattern[str]
    about_me: re.Pattern[str]
    warm: re.Pattern[str]
    logistics: re.Pattern[str]


@dataclass(frozen=True)
class ToneWords:
    """What gives criticism away in one language; each pattern's match is shown to the user.

    A pattern built with `lower_case` (case-sensitive) is matched against the lower-cased
    sentence; one built with `any_of` (case-insensitive) against the sentence as written.

    A sentence is critical when its weights add up to 1: one `strong` word, one `blame` or
    `sarcasm` pattern, or one `negated_praise` does it alone; `mild` words and `intensifiers`
    count half, so "frankly disappointed" is critical and "I know this is disappointing" is not.
    ALL-CAPS runs of three words and "!!" runs are caught for every language in
    `exit_coach.lint_tone`. `words` is the broad lexicon of single critical words: each counts
    like a `strong` match unless one of the `negators` stands just before it ("not unfair").
    """

    strong: re.Pattern[str]
    mild: re.Pattern[str]
    intensifiers: re.Pattern[str]
    blame: re.Pattern[str]
    sarcasm: re.Pattern[str]
    negated_praise: re.Pattern[str]
    words: frozenset[str] = field(default_factory=frozenset)
    negators: frozenset[str] = field(default_factory=frozenset)
    unanchored: Unanchored | None = None
    valence: Valence | None = None


@dataclass(frozen=True)
class Valence:
    """A kept sentiment lexicon, for criticism worded in ways the lists above have not met.

    `lexicon` loads (once, on first use) word -> valence for the negative words; a word at or
    below `cut` that is not `polite` (the regret a kind withdrawal voices about itself:
    "unfortunately", "difficult", "sorry") counts like a `strong` match, unless a negator or
    an apology's "any" ("any trouble this causes") stands just before it. It counts only in a
    sentence `about_them` (the employer, the process, its people) or when it is harsh on its
    own (at or below `harsh`), and never in an apology for what I cause (`apology`: "sorry for
    the trouble this causes").
    """

    lexicon: Callable[[], Mapping[str, float]]
    cut: float
    harsh: float
    polite: frozenset[str]
    about_them: re.Pattern[str]
    apology: re.Pattern[str]
    softeners: frozenset[str] = frozenset({"any"})


@dataclass(frozen=True)
class LanguageRules:
    """Everything the word-based checks need in one language."""

    code: str
    name: str
    withdrawal: re.Pattern[str]
    thanks: re.Pattern[str]
    call_made: re.Pattern[str]
    reasons: tuple[Reason, ...]
    tone: ToneWords
    word_budget: float  # the English word limits times this: the same message takes more words here
    stopwords: frozenset[str]  # frequent function words, to notice a draft written in another language
    withdrawal_example: str  # one plain withdrawal sentence, shown when a draft lacks one
    rescind_example: str  # the same for an accepted offer
    thanks_example: str


LANGUAGES: tuple[str, ...] = ("en", "es", "de", "fr")
"""The language codes lint checks, English first (the default)."""

LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Spanish", "de": "German", "fr": "French"}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("the and you your for with that this have will would thank thanks my our am is are was not to of"),
    "es": _words("el los las y que para con por una su usted le les mi muy gracias del al pero"),
    "de": _words("der die das und ist nicht ich sie ihnen ihre ihr mit für zu auf dem den des ein eine meine mich"),
    "fr": _words("le les et des du est pas je vous votre vos pour qui dans avec sur ne mon ma mes une"),
}
"""Frequent function words per language: enough to tell which language a draft is in, without
loading that language's word lists."""
