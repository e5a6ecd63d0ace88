"""The `negative` check against a labelled corpus of critical and neutral sentences.

The corpus (tests/core/lint_corpus/) is split once, by a hash of each sentence, into a
development half (the one the lexicon was tuned on) and a held-out half (never tuned on).
The split was fixed before any tuning; the tests print precision and recall for both halves
and hold the held-out half to >= 0.9 on each.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from exit_coach.lint import lint_text

CORPUS = Path(__file__).with_name("lint_corpus")
FLOOR = 0.9


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


def score(which: str) -> tuple[Score, list[str], list[str]]:
    """The score on one half, with the missed critical and the wrongly flagged neutral sentences."""
    critical = [s for s in sentences("critical_en.txt") if half(s) == which]
    neutral = [s for s in sentences("neutral_en.txt") if half(s) == which]
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


@pytest.mark.parametrize("which", ["dev", "held_out"])
def test_negative_precision_and_recall_hold_on_each_half(which: str, capsys: pytest.CaptureFixture[str]) -> None:
    result, missed, wrongly = score(which)
    with capsys.disabled():
        print(
            f"\n  negative on the {which} half: precision {result.precision:.3f}, recall {result.recall:.3f} "
            f"(tp {result.true_pos}, fp {result.false_pos}, fn {result.false_neg}, tn {result.true_neg})"
        )
        for sentence in missed:
            print(f"    missed:  {sentence}")
        for sentence in wrongly:
            print(f"    flagged: {sentence}")
    assert result.precision >= FLOOR and result.recall >= FLOOR
