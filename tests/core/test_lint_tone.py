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
a regression fails), and keep the target recall of 0.9 as a strict expected failure: it turns
into a failure the day the lint reaches it, so the floor can be raised.
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
RECALL_FLOOR = 0.85  # what the lint reaches on the held-out half (0.884 when written); the target is TARGET


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


def _line(label: str, result: Score) -> str:
    return (
        f"  {label:<22} precision {result.precision:.3f}  recall {result.recall:.3f}  "
        f"(tp {result.true_pos}, fp {result.false_pos}, fn {result.false_neg}, tn {result.true_neg})"
    )


def test_negative_precision_and_recall_table(capsys: pytest.CaptureFixture[str]) -> None:
    """Print the figures for both halves and every batch; hold the floors on the held-out half."""
    dev, _, _ = score("dev")
    held_out, missed, wrongly = score("held_out")
    with capsys.disabled():
        print("\n  negative, English corpus:")
        print(_line("dev half", dev))
        print(_line("held-out half", held_out))
        for batch in range(1, 7):
            print(_line(f"held-out, batch {batch}", score("held_out", batch)[0]))
        for sentence in missed:
            print(f"    missed:  {sentence}")
        for sentence in wrongly:
            print(f"    flagged: {sentence}")
    assert dev.precision >= TARGET and dev.recall >= TARGET
    assert held_out.precision >= PRECISION_FLOOR and held_out.recall >= RECALL_FLOOR


@pytest.mark.xfail(strict=True, reason="held-out recall is 0.884, short of the 0.9 target (see the table)")
def test_negative_reaches_the_target_recall_on_the_held_out_half() -> None:
    held_out, _, _ = score("held_out")
    assert held_out.recall >= TARGET
