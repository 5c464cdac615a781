"""Cross-validation of an NLU backend on bots/data/nlu.yml: the same folds for every backend."""

from __future__ import annotations

import resource
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.understanding.embedded import train
from app.understanding.training_data import TrainingExample

DEFAULT_FOLDS = 5
DEFAULT_SEED = 20261122


class FoldTrainer(Protocol):
    """Trains on one fold's examples and predicts the held-out texts."""

    name: str

    def train(self, examples: Sequence[TrainingExample]) -> None: ...

    def predict(self, text: str) -> str:
        """The top-ranked real intent (never the 'unsure' intent), so backends compare fairly."""
        ...


class EmbeddedTrainer:
    name = "embedded"

    def __init__(self) -> None:
        self._model: Any = None

    def train(self, examples: Sequence[TrainingExample]) -> None:
        self._model = train(examples, threshold=0.0)

    def predict(self, text: str) -> str:
        return str(self._model.parse(text).ranking[0].name)


@dataclass
class Report:
    """What `frontdoor nlu evaluate` prints."""

    backend: str
    folds: int
    examples: int
    accuracy: float
    macro_f1: float
    per_intent: dict[str, dict[str, float]]
    worst_confusions: list[dict[str, Any]]
    latency_p50_ms: float
    latency_p99_ms: float
    training_seconds: float
    peak_rss_mb: float
    labels: list[str] = field(repr=False)
    confusion: list[list[int]] = field(repr=False)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["labels"], data["confusion"]
        return data


def stratified_folds(
    examples: Sequence[TrainingExample], folds: int = DEFAULT_FOLDS, seed: int = DEFAULT_SEED
) -> list[tuple[list[int], list[int]]]:
    """(train, test) index lists; the same seed gives every backend the same folds."""
    from sklearn.model_selection import StratifiedKFold

    labels = [example.intent for example in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return [
        (list(map(int, train_idx)), list(map(int, test_idx)))
        for train_idx, test_idx in splitter.split(labels, labels)
    ]


def evaluate(
    trainer: FoldTrainer,
    examples: Sequence[TrainingExample],
    folds: int = DEFAULT_FOLDS,
    seed: int = DEFAULT_SEED,
) -> Report:
    """Train and test `trainer` on each fold; gather metrics over all held-out predictions."""
    truth: list[str] = []
    predicted: list[str] = []
    latencies: list[float] = []
    training: list[float] = []
    for train_idx, test_idx in stratified_folds(examples, folds, seed):
        started = time.perf_counter()
        trainer.train([examples[i] for i in train_idx])
        training.append(time.perf_counter() - started)
        for i in test_idx:
            started = time.perf_counter()
            predicted.append(trainer.predict(examples[i].text))
            latencies.append(time.perf_counter() - started)
            truth.append(examples[i].intent)
    return _report(trainer.name, folds, truth, predicted, latencies, training)


def _report(
    backend: str,
    folds: int,
    truth: list[str],
    predicted: list[str],
    latencies: list[float],
    training: list[float],
) -> Report:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
    from sklearn.metrics import precision_recall_fscore_support as prfs

    labels = sorted(set(truth))
    precision, recall, f1, support = prfs(truth, predicted, labels=labels, zero_division=0)
    per_intent = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    mistakes = Counter((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
    quantiles = statistics.quantiles(latencies, n=100)
    return Report(
        backend=backend,
        folds=folds,
        examples=len(truth),
        accuracy=round(float(accuracy_score(truth, predicted)), 4),
        macro_f1=round(float(f1_score(truth, predicted, labels=labels, average="macro")), 4),
        per_intent=per_intent,
        worst_confusions=[
            {"intent": t, "predicted": p, "count": n} for (t, p), n in mistakes.most_common(10)
        ],
        latency_p50_ms=round(quantiles[49] * 1000, 3),
        latency_p99_ms=round(quantiles[98] * 1000, 3),
        training_seconds=round(statistics.mean(training), 3),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        labels=labels,
        confusion=confusion_matrix(truth, predicted, labels=labels).tolist(),
    )


def write_confusion_png(report: Report, path: Path) -> Path:
    """A row-normalised confusion matrix, for people who tune the training data."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    matrix = np.array(report.confusion, dtype=float)
    rows = matrix.sum(axis=1, keepdims=True)
    normalised = np.divide(matrix, rows, out=np.zeros_like(matrix), where=rows > 0)
    size = max(8.0, len(report.labels) * 0.35)
    figure, axes = plt.subplots(figsize=(size, size))
    axes.imshow(normalised, cmap="Blues", vmin=0, vmax=1)
    ticks = range(len(report.labels))
    axes.set_xticks(ticks, report.labels, rotation=90, fontsize=7)
    axes.set_yticks(ticks, report.labels, fontsize=7)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true intent")
    axes.set_title(
        f"{report.backend}: accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f} "
        f"({report.folds}-fold)"
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
