"""Benchmark (a script, not a test): the CPU cost of linting one draft.

Lint runs on every drafted revision inside a conversation step, so its cost is part of
the cost of a step. This renders our own drafts (every draft kind, every stage and reason,
with and without the Shorter / Warmer / reason / door knobs), adds a few user edits that
vent, and times `lint_draft` on each, many rounds over, with `time.perf_counter_ns`.
The first call (which imports lint, compiles the word lists and reads the sentiment
lexicon) is timed on its own. Tone judgements are remembered per sentence (a conversation
re-lints the same sentences on every revision), so `cold` times each draft with that
memory emptied first: the cost of a draft whose every sentence is new.

Prints one JSON object: drafts, lint_us_median, lint_us_p99, lint_us_mean (remembered
sentences, as in a running bot), cold_us_median, cold_us_p99, first_call_ms.

    python benchmarks/bench_lint.py [--rounds N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exit_coach.drafts import DraftRenderer  # noqa: E402
from exit_coach.model import Channel, Draft, DraftKind, DraftSpec, DraftStyle, Reason, Signature, Situation, Stage  # noqa: E402

CHANNEL = {
    DraftKind.EMAIL: Channel.EMAIL,
    DraftKind.FOLLOW_UP_EMAIL: Channel.EMAIL,
    DraftKind.RECRUITER_NOTE: Channel.RECRUITER,
    DraftKind.PHONE_SCRIPT: Channel.PHONE,
    DraftKind.LINKEDIN: Channel.LINKEDIN,
    DraftKind.NEGOTIATION_EMAIL: Channel.EMAIL,
}
VENTING = (
    "\n\nFrankly, the process was a total mess and nobody bothered to reply to my emails for weeks!!",
    "\n\nI expected a professional company, not a circus. Thanks for wasting my time.",
)


def drafts() -> list[tuple[Draft, Stage]]:
    """Our drafts across stages, reasons, kinds and styles, plus a few vented user edits."""
    renderer = DraftRenderer()
    signature = Signature(name="Priya Natarajan", email="priya@example.org", phone="+44 20 7946 0000")
    styles = [DraftStyle(shorter=a, warmer=b, door_open=c, include_reason=d)
              for a, b, c, d in itertools.product(*[(False, True)] * 4)]
    found: list[tuple[Draft, Stage]] = []
    for stage, reason, kind in itertools.product(
        [stage for stage in Stage if stage is not Stage.NO_RESPONSE], Reason, CHANNEL
    ):
        situation = Situation(
            stage=stage, reason=reason, company="Acme", role="Data Engineer", contact="Sam Lee",
            recruiter="Ana Ruiz", signature=signature,
        )
        style = styles[(hash((stage, reason, kind)) & 0xFFFF) % len(styles)]
        draft = renderer.render(DraftSpec(kind, CHANNEL[kind]), situation, style)
        found.append((draft, stage))
    for (draft, stage), tail in zip(found[:: len(found) // 8], itertools.cycle(VENTING)):
        found.append((replace(draft, body=draft.body + tail), stage))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    sample = drafts()
    started = time.perf_counter_ns()
    from exit_coach.lint import lint_draft  # the import and first call compile the word lists
    from exit_coach.lint_tone import forget_judgements

    lint_draft(*sample[0])
    first_call_ms = (time.perf_counter_ns() - started) / 1e6
    warm: list[float] = []
    cold: list[float] = []
    for _ in range(args.rounds):
        for draft, stage in sample:
            forget_judgements()
            start = time.perf_counter_ns()
            lint_draft(draft, stage)
            cold.append((time.perf_counter_ns() - start) / 1000)
    for _ in range(args.rounds):
        for draft, stage in sample:
            start = time.perf_counter_ns()
            lint_draft(draft, stage)
            warm.append((time.perf_counter_ns() - start) / 1000)
    warm.sort()
    cold.sort()
    print(json.dumps({
        "drafts": len(sample),
        "lint_us_median": round(statistics.median(warm), 1),
        "lint_us_p99": round(warm[int(len(warm) * 0.99)], 1),
        "lint_us_mean": round(statistics.fmean(warm), 1),
        "cold_us_median": round(statistics.median(cold), 1),
        "cold_us_p99": round(cold[int(len(cold) * 0.99)], 1),
        "first_call_ms": round(first_call_ms, 1),
    }))


if __name__ == "__main__":
    main()
