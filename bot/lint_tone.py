"""Tone: does a draft criticise the employer or vent about the process?

This module owns the sentence-by-sentence judgement behind the `negative` finding. Each
sentence is scored from one language's `ToneWords` (criticism, blame, sarcasm, praise
negated, mild words and intensifiers) plus signals that work in any language: shouting in
ALL CAPS and "!!" / "?!" runs. A sentence scoring 1 or more is critical, and the words that
made it so are returned for the message. It does not word the finding (`exit_coach.lint`
does) and holds no word lists itself (`exit_coach.lint_en` and friends do).

Every pattern is bounded, so the work stays linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from exit_coach.lint_rules import ToneWords, Unanchored

CRITICAL = 1.0
"""The score at which a sentence counts as critical."""

# A sentence: text up to its terminators, which are kept so "!!" stays visible. A single line break
# is only wrapping (it is read as a space); a blank line ends a sentence too.
_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]*")
_WRAPPED = re.compile(r"(?<=[^\n])\n(?![ \t]{0,40}\n)")
_EXCLAMATION_RUN = re.compile(r"[!?]*!(?:[!?]+)|\?!")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Shouting: three or more all-caps words in a row ("I AM DONE WITH THIS"), at least ten letters in all;
# shorter runs are names and acronyms ("JANE DOE", "NASA").
_SHOUT_WORDS = 3
_SHOUT_LETTERS = 10
_SHOWN_CHARS = 28
_VERDICT_WORDS = 4  # a greeting or a sign-off ("Dear hiring team,") is not a verdict
_NEGATION_SCOPE = 3  # "no hard feelings", "never meant to cause any": a negator up to three words back


def critical_words(text: str, tone: ToneWords, *, verdicts: bool = True) -> list[str]:
    """The words that make sentences of `text` critical, in order, each once; empty when the tone is fine.

    `verdicts` False skips the employer-verdict rule (`Unanchored`): a negotiation states facts
    about their offer ("the base salary is below the market range") without being critical.
    """
    if not verdicts and tone.unanchored is not None:
        tone = replace(tone, unanchored=None)
    evidence: list[str] = []
    for match in _SENTENCE.finditer(_WRAPPED.sub(" ", text)):
        for item in _judge(match.group(), tone):
            if item not in evidence:
                evidence.append(item)
    return evidence


def is_critical(sentence: str, tone: ToneWords) -> bool:
    """Whether one sentence reads as criticism or venting."""
    return bool(_judge(sentence, tone))


def _judge(sentence: str, tone: ToneWords) -> list[str]:
    """The evidence in one sentence when it scores as critical, else nothing."""
    score = 0.0
    evidence: list[str] = []
    for pattern in (tone.strong, tone.blame, tone.sarcasm, tone.negated_praise):
        for match in pattern.finditer(sentence):
            score += 1
            evidence.append(_shown(match.group()))
    if tone.unanchored is not None and _is_unanchored_verdict(sentence, tone.unanchored):
        score += 1
        evidence.append(_shown(sentence.strip()))
    found = _lexicon_words(sentence, tone)
    score += len(found)
    evidence += found
    mild = [_shown(match.group()) for match in tone.mild.finditer(sentence)]
    if mild:
        score += 0.5 * len(mild)
        evidence += mild
        # An intensifier only sharpens a word that is already critical: "frankly disappointed".
        if tone.intensifiers.search(sentence):
            score += 0.5
    if _EXCLAMATION_RUN.search(sentence):
        score += 1
        evidence.append("!!")
    if _shouts(sentence):
        score += 1
        evidence.append("ALL CAPS")
    return evidence if score >= CRITICAL else []


def _is_unanchored_verdict(sentence: str, rules: Unanchored) -> bool:
    """Whether the sentence names the employer without warmth, without me and without logistics."""
    return (
        not sentence.rstrip().endswith("?")  # a question asks (rhetorical ones are `sarcasm`)
        and len(_WORD.findall(sentence)) >= _VERDICT_WORDS
        and rules.target.search(sentence) is not None
        and rules.about_me.search(sentence) is None
        and rules.warm.search(sentence) is None
        and rules.logistics.search(sentence) is None
    )


def _lexicon_words(sentence: str, tone: ToneWords) -> list[str]:
    """Words of the sentence in the critical lexicon, unless a negator stands just before."""
    words = [match.group().lower() for match in _WORD.finditer(sentence)]
    found = []
    for index, word in enumerate(words):
        if word not in tone.words:
            continue
        before = words[max(0, index - _NEGATION_SCOPE) : index]
        if any(earlier in tone.negators or earlier.endswith(("n't", "n’t")) for earlier in before):
            continue
        found.append(word)
    return found


def _shouts(sentence: str) -> bool:
    """Whether the sentence has a run of all-caps words long enough to read as shouting."""
    words = letters = 0
    for match in _WORD.finditer(sentence):
        word = match.group()
        if word.isupper():
            words, letters = words + 1, letters + len(word)
            if words >= _SHOUT_WORDS and letters >= _SHOUT_LETTERS:
                return True
        else:
            words = letters = 0
    return False


def _shown(words: str) -> str:
    """A match as the user sees it: one line, lower case, printable, at most a few words."""
    clean = " ".join("".join(ch if ch.isprintable() else " " for ch in words).split()).lower()
    return clean if len(clean) <= _SHOWN_CHARS else clean[: _SHOWN_CHARS - 1] + "…"
