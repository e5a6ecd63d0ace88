"""Tone: does a draft criticise the employer or vent about the process?

This module owns the sentence-by-sentence judgement behind the `negative` finding. Each
sentence is scored from one language's `ToneWords` (criticism, blame, sarcasm, praise
negated, mild words and intensifiers) plus signals that work in any language: shouting in
ALL CAPS and "!!" / "?!" runs, and, where a language supplies one, a kept sentiment lexicon
(`Valence`) counted in sentences about the employer. A sentence scoring 1 or more is
critical, and the words that made it so are returned for the message. Judgements are
remembered per sentence, since a conversation re-lints the same sentences on each revision.
It does not word the finding (`exit_coach.lint` does) and holds no word lists itself
(`exit_coach.lint_en` and friends do).

Every pattern is bounded, so the work stays linear in the length of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from exit_coach.lint_rules import ToneWords, Unanchored, Valence

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
_REMEMBERED = 4096  # sentences whose judgement is kept; a few hundred kB at most
_JUDGED: dict[tuple[int, bool, str], tuple[str, ...]] = {}
_TONES: dict[int, ToneWords] = {}
_NEGATION_SCOPE = 3  # "no hard feelings", "never meant to cause any": a negator up to three words back


def critical_words(text: str, tone: ToneWords, *, verdicts: bool = True) -> list[str]:
    """The words that make sentences of `text` critical, in order, each once; empty when the tone is fine.

    `verdicts` False skips the employer-verdict rule (`Unanchored`): a negotiation states facts
    about their offer ("the base salary is below the market range") without being critical.
    """
    evidence: list[str] = []
    for match in _SENTENCE.finditer(_WRAPPED.sub(" ", text)):
        for item in _judged(match.group(), tone, verdicts):
            if item not in evidence:
                evidence.append(item)
    return evidence


def forget_judgements() -> None:
    """Empty the memory of judged sentences (for benchmarks and tests that time a cold judgement)."""
    _JUDGED.clear()


def _judged(sentence: str, tone: ToneWords, verdicts: bool) -> tuple[str, ...]:
    """`_judge`, remembered: a conversation re-lints the same sentences on every revision and every draft.

    Keyed by the word lists' identity (hashing the lists themselves costs more than judging), which
    `_TONES` keeps alive so an identity is never reused; the memory is simply emptied when full.
    """
    key = (id(tone), verdicts, sentence)
    found = _JUDGED.get(key)
    if found is None:
        _TONES.setdefault(id(tone), tone)
        if len(_JUDGED) >= _REMEMBERED:
            _JUDGED.clear()
        judged = replace(tone, unanchored=None) if not verdicts and tone.unanchored is not None else tone
        found = _JUDGED[key] = tuple(_judge(sentence, judged))
    return found


class _Sentence:
    """One sentence as written and lower-cased: a case-sensitive pattern (`lower_case`) reads the lower-cased one."""

    __slots__ = ("text", "lower", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.lower = text.lower()
        self.words = _WORD.findall(text)  # as written: shouting is told by case

    def finditer(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        return pattern.finditer(self._for(pattern))

    def search(self, pattern: re.Pattern[str]) -> bool:
        return pattern.search(self._for(pattern)) is not None

    def _for(self, pattern: re.Pattern[str]) -> str:
        return self.text if pattern.flags & re.IGNORECASE else self.lower


def is_critical(sentence: str, tone: ToneWords) -> bool:
    """Whether one sentence reads as criticism or venting."""
    return bool(_judge(sentence, tone))


def _judge(sentence: str, tone: ToneWords) -> list[str]:
    """The evidence in one sentence when it scores as critical, else nothing."""
    score = 0.0
    evidence: list[str] = []
    text = _Sentence(sentence)
    for pattern in (tone.strong, tone.blame, tone.sarcasm, tone.negated_praise):
        for match in text.finditer(pattern):
            score += 1
            evidence.append(_shown(match.group()))
    if tone.unanchored is not None and _is_unanchored_verdict(text, tone.unanchored):
        score += 1
        evidence.append(_shown(sentence.strip()))
    words = [word.lower() for word in text.words]
    found = _lexicon_words(words, tone)
    if tone.valence is not None:
        found += [word for word in _valence_words(text, words, tone.valence) if word not in found]
    score += len(found)
    evidence += found
    mild = [_shown(match.group()) for match in text.finditer(tone.mild)]
    if mild:
        score += 0.5 * len(mild)
        evidence += mild
        # An intensifier only sharpens a word that is already critical: "frankly disappointed".
        if text.search(tone.intensifiers):
            score += 0.5
    if _EXCLAMATION_RUN.search(sentence):
        score += 1
        evidence.append("!!")
    if _shouts(text.words):
        score += 1
        evidence.append("ALL CAPS")
    return evidence if score >= CRITICAL else []


def _is_unanchored_verdict(text: _Sentence, rules: Unanchored) -> bool:
    """Whether the sentence names the employer without warmth, without me and without logistics."""
    return (
        not text.text.rstrip().endswith("?")  # a question asks (rhetorical ones are `sarcasm`)
        and len(text.words) >= _VERDICT_WORDS
        and text.search(rules.target)
        and not text.search(rules.about_me)
        and not text.search(rules.warm)
        and not text.search(rules.logistics)
    )


def _lexicon_words(words: list[str], tone: ToneWords) -> list[str]:
    """Words of the sentence (lower-cased) in the critical lexicon, unless a negator stands just before."""
    found = []
    for index, word in enumerate(words):
        if word not in tone.words:
            continue
        before = words[max(0, index - _NEGATION_SCOPE) : index]
        if any(earlier in tone.negators or earlier.endswith(("n't", "n’t")) for earlier in before):
            continue
        found.append(word)
    return found


def _valence_words(text: _Sentence, words: list[str], valence: Valence) -> list[str]:
    """Words of the sentence the sentiment lexicon rates clearly negative, when the sentence is about them."""
    if text.search(valence.apology):
        return []
    lexicon = valence.lexicon()
    found: list[tuple[str, float]] = []
    for index, word in enumerate(words):
        rating = lexicon.get(word)
        if rating is None or rating > valence.cut or word in valence.polite or word in valence.softeners:
            continue
        before = words[max(0, index - _NEGATION_SCOPE) : index]
        if any(earlier in valence.softeners or earlier.endswith(("n't", "n’t")) for earlier in before):
            continue
        found.append((word, rating))
    if not found:
        return []
    if min(rating for _, rating in found) > valence.harsh and not text.search(valence.about_them):
        return []
    return [word for word, _ in found]


def _shouts(words: list[str]) -> bool:
    """Whether the sentence's words, as written, hold a run of all-caps words long enough to read as shouting."""
    run = letters = 0
    for word in words:
        if word.isupper():
            run, letters = run + 1, letters + len(word)
            if run >= _SHOUT_WORDS and letters >= _SHOUT_LETTERS:
                return True
        else:
            run = letters = 0
    return False


def _shown(words: str) -> str:
    """A match as the user sees it: one line, lower case, printable, at most a few words."""
    clean = " ".join("".join(ch if ch.isprintable() else " " for ch in words).split()).lower()
    return clean if len(clean) <= _SHOWN_CHARS else clean[: _SHOWN_CHARS - 1] + "…"
