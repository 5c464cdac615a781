"""Benchmark the embedded classifier, TF-IDF alone beside TF-IDF + sentence vectors, with
baselines measured in the same run.

  models    `tfidf` (word and character n-grams) and `tfidf+vectors` (the same, plus wordllama's
            bundled 256-dimension sentence vectors; only when wordllama is installed)
  latency   per message, in process, for each model; beside scikit-learn's own predict_proba
            on the TF-IDF model (the naive way), and Rasa's /model/parse over HTTP when RASA_URL
            is set
  training  the full bots/data/nlu.yml, from cold (median of 3; the vectors' one-off load is
            reported apart)
  memory    peak RSS of a fresh process that imports the app (as a web worker does), loads the
            cached model and classifies 1,000 messages; beside a process that only imports it
  accuracy  5-fold cross-validation on the same folds for each model and, when RASA_URL is set,
            Rasa's DIET trained through the server's HTTP API
  held-out  with --heldout FILE (repeatable): the whole router's aggregate figures with each
            model at the configured threshold (aggregates only; never read the messages)

Budgets (issue 17): p99 <= 1 ms in process, training <= 10 s, worker RSS <= 250 MB.
Run: .venv/bin/python bench/nlu_bench.py [--skip-rasa-cv] [--heldout tests/heldout/part_a.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import REPO_ROOT
from app.understanding.embedded import EmbeddedModel, fit, save, train
from app.understanding.evaluation import Report, evaluate
from app.understanding.sentence_vectors import bundled
from app.understanding.training_data import (
    TrainingExample,
    load_examples,
    load_fallback_threshold,
)

BOTS = REPO_ROOT / "bots"
RASA_URL = os.environ.get("RASA_URL")
PYTHON = sys.executable

_SERVE_PROBE = """
import sys
sys.path.insert(0, {repo!r})
import app, app.runtime
from pathlib import Path
from app.understanding.embedded import load_or_train
from app.understanding.training_data import load_examples, load_fallback_threshold
bots = Path({repo!r}) / "bots"
examples = load_examples(bots)
model = load_or_train(examples, load_fallback_threshold(bots), Path({cache!r}), {vectors!r})
for example in examples[:1000]:
    model.parse(example.text)
print(_peak_mb())
"""
_IMPORT_PROBE = """
import sys
sys.path.insert(0, {repo!r})
import app, app.runtime
print(_peak_mb())
"""
# ru_maxrss survives fork+exec on Linux; VmHWM belongs to the new process's own memory.
_PEAK = """
def _peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""


class _Trainer:
    """One fold's model for cross-validation, with or without the sentence vectors."""

    def __init__(self, name: str, vectors: bool) -> None:
        self.name = name
        self._vectors = vectors
        self._model: EmbeddedModel | None = None

    def train(self, examples: Sequence[TrainingExample]) -> None:
        self._model = train(examples, 0.0, self._vectors)

    def predict(self, text: str) -> str:
        assert self._model is not None
        return self._model.parse(text).ranking[0].name


def quantiles_ms(work: Callable[[str], object], texts: list[str]) -> tuple[float, float]:
    timings = []
    for text in texts:
        started = time.perf_counter()
        work(text)
        timings.append(time.perf_counter() - started)
    cuts = statistics.quantiles(timings, n=100)
    return round(cuts[49] * 1000, 4), round(cuts[98] * 1000, 4)


def probe(source: str, cache: Path, vectors: bool = False) -> float:
    code = _PEAK + source.format(repo=str(REPO_ROOT), cache=str(cache), vectors=vectors)
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 1)


def heldout(paths: Sequence[Path], models: dict[str, EmbeddedModel]) -> dict[str, Any]:
    """The router's aggregate figures with each model in turn (ids and texts are not kept)."""
    from app.cli.common import runtime_or_exit
    from app.cli.nlu_heldout import DEFAULT_MOMENT
    from app.heldout import evaluate_heldout

    rt = runtime_or_exit()
    now = DEFAULT_MOMENT.replace(tzinfo=rt.calendar.zone)
    figures: dict[str, Any] = {}
    for name, model in models.items():
        rt.nlu = model
        report = evaluate_heldout(rt, paths, now).as_json()
        figures[name] = {
            key: value for key, value in report.items() if isinstance(value, int | float)
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-rasa-cv", action="store_true")
    parser.add_argument("--heldout", type=Path, action="append", default=[])
    args = parser.parse_args()
    examples = load_examples(BOTS)
    texts = [example.text for example in examples] * 2
    rows: dict[str, Any] = {"date": str(date.today()), "examples": len(examples)}

    started = time.perf_counter()
    have_vectors = bundled() is not None
    rows["vectors_load_seconds"] = round(time.perf_counter() - started, 3)
    variants = {"tfidf": False} | ({"tfidf+vectors": True} if have_vectors else {})
    threshold = load_fallback_threshold(BOTS)
    models: dict[str, EmbeddedModel] = {}
    rows["training_seconds"], rows["latency_ms"] = {}, {}
    for name, vectors in variants.items():
        cold = []
        for _ in range(3):
            started = time.perf_counter()
            models[name] = train(examples, threshold, vectors)
            cold.append(time.perf_counter() - started)
        rows["training_seconds"][name] = round(statistics.median(cold), 2)
        rows["latency_ms"][name] = quantiles_ms(models[name].parse, texts)

    parts = fit(examples, use_sentence_vectors=False)
    rows["latency_ms"]["tfidf_scikit_learn_predict_proba"] = quantiles_ms(
        lambda text: parts.classifier.predict_proba(parts.transform([text])), texts[:1000]
    )
    if RASA_URL:
        http = requests.Session()
        rows["latency_ms"]["rasa_http"] = quantiles_ms(
            lambda text: http.post(f"{RASA_URL}/model/parse", json={"text": text}, timeout=10),
            texts[:1000],
        )

    cache = REPO_ROOT / "instance" / "nlu-bench"
    rows["rss_mb"] = {"import_app_only": probe(_IMPORT_PROBE, cache)}
    for name, vectors in variants.items():
        save(models[name], cache)  # so the probe loads, as a worker does, rather than trains
        rows["rss_mb"][name] = probe(_SERVE_PROBE, cache, vectors)

    reports: list[Report] = [evaluate(_Trainer(name, v), examples) for name, v in variants.items()]
    if RASA_URL and not args.skip_rasa_cv:
        from app.understanding.rasa_training import RasaTrainer

        trainer = RasaTrainer(RASA_URL, BOTS)
        try:
            reports.append(evaluate(trainer, examples))
        finally:
            trainer.close()
    rows["cross_validation"] = {
        r.backend: {"accuracy": r.accuracy, "macro_f1": r.macro_f1,
                    "training_seconds_per_fold": r.training_seconds}
        for r in reports
    }  # fmt: skip
    if args.heldout:
        rows["heldout"] = heldout(args.heldout, models)
    _print(rows)


def _print(rows: dict[str, Any]) -> None:
    print(f"NLU benchmark {rows['date']}: {rows['examples']} examples")
    print(f"  sentence vectors loaded in {rows['vectors_load_seconds']} s (once per process)")
    for name, seconds in rows["training_seconds"].items():
        print(f"  training {name:<27} {seconds:8.2f} s (full data, cold)")
    for name, (p50, p99) in rows["latency_ms"].items():
        print(f"  latency {name:<33} p50 {p50:8.3f} ms   p99 {p99:8.3f} ms")
    for name, mb in rows["rss_mb"].items():
        print(f"  peak RSS {name:<27} {mb:8.1f} MB")
    for name, scores in rows["cross_validation"].items():
        print(
            f"  5-fold {name:<14} accuracy {scores['accuracy']:.4f}  "
            f"macro-F1 {scores['macro_f1']:.4f}  "
            f"training {scores['training_seconds_per_fold']} s/fold"
        )
    for name, figures in rows.get("heldout", {}).items():
        print(
            f"  held-out {name:<14} intent {figures['intent_accuracy']:.4f}  outcome "
            f"{figures['outcome_acceptable']:.4f}  safety {figures['safety_reached_person']}/"
            f"{figures['safety_critical']}  false alarms {figures['false_alarms']}/"
            f"{figures['bot_right']}"
        )
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
