"""The 'not sure' threshold, chosen by cross-validation on bots/data/nlu.yml rather than by hand.

Criterion: answer as many messages as possible while at least `min_accuracy` of the answered
ones are right. Below the threshold a message goes to a person (routing rule nlu.unsure), which
is slower but safe; above it a wrong intent is a wrong bot answer or a wrong service request. So
the cap is on wrong confident answers, and within it the fewest messages wait for a person.

Every example is scored by a model that did not train on it (stratified k-fold, the same folds
as `frontdoor nlu evaluate`). Each fold's own choice gives the range the pooled choice is
trusted within. Never run this on tests/heldout: those messages measure, they do not tune.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.understanding.embedded import train
from app.understanding.evaluation import DEFAULT_FOLDS, DEFAULT_SEED, stratified_folds
from app.understanding.training_data import TrainingExample

DEFAULT_MIN_ACCURACY = 0.90
# Candidate thresholds, a hundredth apart: finer than the folds can tell apart.
GRID = tuple(step / 100 for step in range(5, 96))

Scored = tuple[float, bool]  # (top confidence, top intent right)


@dataclass(frozen=True)
class Operating:
    """What a threshold does to a set of scored messages (shares of all of them)."""

    threshold: float
    answered: float
    accuracy_answered: float
    wrong_answered: float
    unsure_but_right: float


@dataclass(frozen=True)
class Calibration:
    chosen: Operating
    fold_thresholds: tuple[float, ...]
    min_accuracy: float
    folds: int
    examples: int

    @property
    def low(self) -> float:
        return min(self.fold_thresholds)

    @property
    def high(self) -> float:
        return max(self.fold_thresholds)


def operating(scored: Sequence[Scored], threshold: float) -> Operating:
    """Shares answered, right among answered, wrong and answered, right but sent to a person."""
    answered = [right for confidence, right in scored if confidence >= threshold]
    right_answered = sum(answered)
    right_all = sum(right for _, right in scored)
    total = len(scored)
    return Operating(
        threshold=threshold,
        answered=len(answered) / total,
        accuracy_answered=right_answered / len(answered) if answered else 1.0,
        wrong_answered=(len(answered) - right_answered) / total,
        unsure_but_right=(right_all - right_answered) / total,
    )


def pick(scored: Sequence[Scored], min_accuracy: float) -> Operating:
    """The lowest threshold whose answered messages are at least `min_accuracy` right."""
    for threshold in GRID:
        point = operating(scored, threshold)
        if point.accuracy_answered >= min_accuracy:
            return point
    return operating(scored, GRID[-1])


def out_of_fold(examples: Sequence[TrainingExample], folds: int, seed: int) -> list[list[Scored]]:
    """Per fold, each held-out example's top confidence and whether its top intent is right."""
    scored: list[list[Scored]] = []
    for train_idx, test_idx in stratified_folds(examples, folds, seed):
        model = train([examples[i] for i in train_idx], threshold=0.0)
        fold: list[Scored] = []
        for i in test_idx:
            top = model.parse(examples[i].text).ranking[0]
            fold.append((top.confidence, top.name == examples[i].intent))
        scored.append(fold)
    return scored


def calibrate(
    examples: Sequence[TrainingExample],
    folds: int = DEFAULT_FOLDS,
    seed: int = DEFAULT_SEED,
    min_accuracy: float = DEFAULT_MIN_ACCURACY,
) -> Calibration:
    """The pooled choice over all out-of-fold scores, and each fold's own choice."""
    per_fold = out_of_fold(examples, folds, seed)
    pooled = [item for fold in per_fold for item in fold]
    return Calibration(
        chosen=pick(pooled, min_accuracy),
        fold_thresholds=tuple(pick(fold, min_accuracy).threshold for fold in per_fold),
        min_accuracy=min_accuracy,
        folds=folds,
        examples=len(pooled),
    )


_BLOCK_START = re.compile(r"^(\s*)- name: FallbackClassifier\s*$")
_CALIBRATED_NOTE = re.compile(r"^\s*# Calibrated ")
_THRESHOLD = re.compile(r"^(\s*)threshold:")


def write_threshold(config: Path, calibration: Calibration, today: date) -> None:
    """Set the FallbackClassifier threshold in bots/config.yml, with how it was chosen above it.

    Only that component's lines change, so the file's other comments and order stay.
    """
    lines = config.read_text(encoding="utf-8").splitlines()
    start = next((n for n, line in enumerate(lines) if _BLOCK_START.match(line)), None)
    if start is None:
        raise ValueError(f"{config}: no FallbackClassifier in the pipeline")
    indent = len(_BLOCK_START.match(lines[start]).group(1)) + 2  # type: ignore[union-attr]
    end = start + 1
    while end < len(lines) and (lines[end].startswith(" " * indent) or not lines[end].strip()):
        end += 1
    body = [
        line
        for line in lines[start + 1 : end]
        if not _CALIBRATED_NOTE.match(line) and not _THRESHOLD.match(line)
    ]
    point = calibration.chosen
    pad = " " * indent
    note = [
        f"{pad}# Calibrated {today.isoformat()} by `frontdoor nlu calibrate` (embedded model, "
        f"{calibration.folds}-fold CV,",
        f"{pad}# {calibration.examples} examples): the lowest threshold whose answers are "
        f">= {calibration.min_accuracy:.0%} right. It answers {point.answered:.1%},",
        f"{pad}# {point.accuracy_answered:.1%} of them right; wrong and answered "
        f"{point.wrong_answered:.1%}, right but unsure {point.unsure_but_right:.1%}; folds chose "
        f"{calibration.low:.2f}-{calibration.high:.2f}.",
        f"{pad}threshold: {point.threshold:.2f}",
    ]
    updated = [*lines[: start + 1], *note, *body, *lines[end:]]
    config.write_text("\n".join(updated) + "\n", encoding="utf-8")
