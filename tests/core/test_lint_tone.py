"""The `negative` check against a labelled corpus of critical and neutral sentences.

The corpus (tests/core/lint_corpus/) is split once, by a hash of each sentence, into a
development half and a held-out half; the split was fixed before any tuning, and the word
lists were only ever changed to fix sentences of the development half.

The corpus grew in six batches. After each round of tuning the held-out half of the newest
batch was measured exactly once, before anything was seen of it: those first figures are the
honest estimate for unseen wording (see README, "Draft lint codes"). Each later round was
written by someone who had seen the earlier held-out misses, so the figures for the whole
held-out half are somewhat optimistic. The tests print the table for every batch and both
halves, hold what the lint reaches (precision >= 0.9, recall >= 0.85 on the held-out half, so
a regression fails), and the target of 0.9 for both on the held-out half, reached once VADER's
sentiment lexicon was added (tuned on the development half only).

Because that held-out half is contaminated, a blind batch (blind_critical_en.txt,
blind_neutral_en.txt) was written on 2026-12-02 before the detector or the corpus was read,
and is never tuned on: it is the honest figure. Its floors are a regression bar, set a little
under what the lint reached (precision 0.983, recall 0.850 when written). Its misses were
seen once, at the baseline measurement, so a second blind batch (blind2_*_en.txt, 60 + 60)
was written after all tuning and measured once: precision 0.955, recall 0.700 (the lint
before this work: 0.975, 0.650). Neither blind batch's misses are printed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from exit_coach.lint import lint_text

CORPUS = Path(__file__).with_name("lint_corpus")
TARGET = 0.9
PRECISION_FLOOR = 0.9
BLIND_PRECISION_FLOOR = 0.95  # reached: 0.983
BLIND_RECALL_FLOOR = 0.82  # reached: 0.850 (0.814 before the sentiment lexicon)
BLIND_2_RECALL_FLOOR = 0.65  # the second blind batch, written after all tuning: reached 0.700 (0.650 before)


def sentences(name: str, *, batch: int | None = None) -> list[str]:
    """The sentences of one corpus file (one per line, `#` comments skipped), or of one batch of it.

    Batch 2 starts at a `# batch 2` line: sentences written after the first held-out measurement,
    so its held-out part is the one never seen while tuning.
    """
    found: list[str] = []
    current = 1
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("# batch "):
            current = int(line.split()[2].rstrip(":"))
        elif line.strip() and not line.startswith("#") and batch in (None, current):
            found.append(line.strip())
    return found


def half(sentence: str) -> str:
    """'dev' or 'held_out': a fixed split by the sentence's own hash, independent of file order."""
    return "dev" if hashlib.sha256(sentence.encode("utf-8")).digest()[0] % 2 == 0 else "held_out"


def blind(prefix: str = "blind") -> tuple[list[str], list[str]]:
    """A blind batch: critical and neutral sentences never used for tuning ("blind" or "blind2")."""
    return sentences(f"{prefix}_critical_en.txt"), sentences(f"{prefix}_neutral_en.txt")


def flagged(sentence: str) -> bool:
    return any(finding.code == "negative" for finding in lint_text(sentence))


@dataclass(frozen=True)
class Score:
    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int

    @property
    def precision(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_pos)

    @property
    def recall(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_neg)


def score(which: str, batch: int | None = None) -> tuple[Score, list[str], list[str]]:
    """The score on one half (of one batch), with the missed critical and the wrongly flagged neutral sentences."""
    critical = [s for s in sentences("critical_en.txt", batch=batch) if half(s) == which]
    neutral = [s for s in sentences("neutral_en.txt", batch=batch) if half(s) == which]
    return score_of(critical, neutral)


def score_of(critical: list[str], neutral: list[str]) -> tuple[Score, list[str], list[str]]:
    missed = [s for s in critical if not flagged(s)]
    wrongly = [s for s in neutral if flagged(s)]
    result = Score(len(critical) - len(missed), len(wrongly), len(missed), len(neutral) - len(wrongly))
    return result, missed, wrongly


def test_the_corpus_is_big_enough_and_has_no_sentence_in_both_classes() -> None:
    critical, neutral = sentences("critical_en.txt"), sentences("neutral_en.txt")
    assert len(critical) >= 150 and len(neutral) >= 150
    assert len(set(critical)) == len(critical) and len(set(neutral)) == len(neutral)
    assert not set(critical) & set(neutral)
    for which in ("dev", "held_out"):  # both halves hold a fair share of each class
        assert sum(half(s) == which for s in critical) >= 60
        assert sum(half(s) == which for s in neutral) >= 60
    blind_critical, blind_neutral = blind()
    assert len(blind_critical) >= 120 and len(blind_neutral) >= 120
    assert not set(blind_critical) & set(blind_neutral)
    second_critical, second_neutral = blind("blind2")
    assert len(second_critical) >= 60 and len(second_neutral) >= 60
    assert not set(second_critical) & set(second_neutral)


def _line(label: str, result: Score) -> str:
    return (
        f"  {label:<22} precision {result.precision:.3f}  recall {result.recall:.3f}  "
        f"(tp {result.true_pos}, fp {result.false_pos}, fn {result.false_neg}, tn {result.true_neg})"
    )


def test_negative_precision_and_recall_table(capsys: pytest.CaptureFixture[str]) -> None:
    """Print the figures for the dev half, the held-out half (and its batches) and the blind batch; hold the floors."""
    dev, _, _ = score("dev")
    held_out, missed, wrongly = score("held_out")
    blind_critical, blind_neutral = blind()
    on_blind, _, _ = score_of(blind_critical, blind_neutral)
    tuning = set(sentences("critical_en.txt")) | set(sentences("neutral_en.txt"))
    unseen, _, _ = score_of(
        [s for s in blind_critical if s not in tuning], [s for s in blind_neutral if s not in tuning]
    )
    second, _, _ = score_of(*blind("blind2"))
    with capsys.disabled():
        print("\n  negative, English corpus:")
        print(_line("dev half (tuned on)", dev))
        print(_line("held-out half", held_out))
        for batch in range(1, 7):
            print(_line(f"held-out, batch {batch}", score("held_out", batch)[0]))
        print(_line("blind batch", on_blind))
        print(_line("blind, not in corpus", unseen))
        print(_line("blind batch 2", second))
        for sentence in missed:
            print(f"    missed:  {sentence}")
        for sentence in wrongly:
            print(f"    flagged: {sentence}")
    assert dev.precision >= TARGET and dev.recall >= TARGET
    assert held_out.precision >= PRECISION_FLOOR and held_out.recall >= TARGET
    assert on_blind.precision >= BLIND_PRECISION_FLOOR and on_blind.recall >= BLIND_RECALL_FLOOR
    assert second.precision >= PRECISION_FLOOR and second.recall >= BLIND_2_RECALL_FLOOR


@pytest.mark.parametrize(
    "sentence",
    [
        "Your recruiter was irresponsible with my references.",  # lexicon words about them, in no word list
        "The hiring manager's questions were boring and selfish.",
        "Honestly, the whole thing was idiotic.",  # harsh enough on its own
    ],
)
def test_the_sentiment_lexicon_catches_criticism_the_word_lists_have_not_met(sentence: str) -> None:
    assert flagged(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "I am sorry for the trouble this causes.",  # an apology for what I cause
        "Please forgive any disruption to your plans.",  # "any": an apology's softener
        "I have no complaints about the process at all.",  # negated
        "Unfortunately, it was a difficult decision and I am sad to withdraw.",  # polite regret about myself
        "I was struck by how thoughtful your questions were.",  # mildly negative in the lexicon, not criticism
    ],
)
def test_the_sentiment_lexicon_leaves_regret_apologies_and_negations_alone(sentence: str) -> None:
    assert not flagged(sentence)


@pytest.mark.parametrize("lang", ["en", "es", "de", "fr"])
def test_tone_reads_the_same_in_any_letter_case(lang: str) -> None:
    """Patterns run on the lower-cased sentence for speed; what they find must not depend on case."""
    from exit_coach.lint import language_rules
    from exit_coach.lint_tone import critical_words, forget_judgements

    tone = language_rules(lang).tone
    shown = [sentence for sentence in sentences("critical_en.txt")[:80] if not sentence.isupper()]
    for sentence in [*shown, "İstanbul was a total mess, frankly."]:
        forget_judgements()
        as_written = [word for word in critical_words(sentence, tone) if word != "ALL CAPS"]
        forget_judgements()
        title_case = [word for word in critical_words(sentence.title(), tone) if word != "ALL CAPS"]
        assert as_written == title_case, (lang, sentence)


def test_case_sensitive_tone_patterns_are_written_in_lower_case() -> None:
    """A `lower_case` pattern reads the lower-cased sentence: a capital letter in it could never match."""
    import re

    from exit_coach.lint import language_rules

    for lang in ("en", "es", "de", "fr"):
        tone = language_rules(lang).tone
        patterns = [tone.strong, tone.mild, tone.intensifiers, tone.blame, tone.sarcasm, tone.negated_praise]
        if tone.unanchored is not None:
            u = tone.unanchored
            patterns += [u.target, u.about_me, u.warm, u.logistics]
        if tone.valence is not None:
            patterns += [tone.valence.about_them, tone.valence.apology]
        for pattern in patterns:
            if not pattern.flags & re.IGNORECASE:
                assert not re.search(r"(?<!\\)[A-Z]", pattern.pattern), (lang, pattern.pattern[:60])
