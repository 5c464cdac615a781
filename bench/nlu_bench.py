"""Benchmark the embedded classifier, with baselines measured in the same run.

  latency   per message, in process: the lean numpy path, beside scikit-learn's own
            predict_proba on the same fitted model (the naive way), and Rasa's /model/parse
            over HTTP when RASA_URL is set
  training  the full bots/data/nlu.yml, from cold (median of 3)
  memory    peak RSS of a fresh process that loads the cached model and classifies 1,000
            messages, beside a fresh process that only imports the app
  accuracy  5-fold cross-validation on the same folds for embedded and, when RASA_URL is set,
            Rasa's DIET trained through the server's HTTP API

Run: .venv/bin/python bench/nlu_bench.py [--skip-rasa-cv]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import REPO_ROOT
from app.understanding.embedded import fit, train
from app.understanding.evaluation import EmbeddedTrainer, Report, evaluate
from app.understanding.training_data import load_examples

BOTS = REPO_ROOT / "bots"
RASA_URL = os.environ.get("RASA_URL")
PYTHON = sys.executable

_SERVE_PROBE = """
import sys
sys.path.insert(0, {repo!r})
from pathlib import Path
from app.understanding.embedded import load_or_train
from app.understanding.training_data import load_examples, load_fallback_threshold
bots = Path({repo!r}) / "bots"
examples = load_examples(bots)
model = load_or_train(examples, load_fallback_threshold(bots), Path({cache!r}))
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


def quantiles_ms(work: Callable[[str], object], texts: list[str]) -> tuple[float, float]:
    timings = []
    for text in texts:
        started = time.perf_counter()
        work(text)
        timings.append(time.perf_counter() - started)
    cuts = statistics.quantiles(timings, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


def probe(source: str, cache: Path) -> float:
    code = _PEAK + source.format(repo=str(REPO_ROOT), cache=str(cache))
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-rasa-cv", action="store_true")
    args = parser.parse_args()
    examples = load_examples(BOTS)
    texts = [example.text for example in examples] * 2
    rows: dict[str, object] = {"date": str(date.today()), "examples": len(examples)}

    cold = []
    for _ in range(3):
        started = time.perf_counter()
        model = train(examples, 0.4)
        cold.append(time.perf_counter() - started)
    rows["training_seconds"] = round(statistics.median(cold), 2)

    parts = fit(examples)
    rows["latency_ms"] = {
        "embedded": quantiles_ms(model.parse, texts),
        "scikit_learn_predict_proba": quantiles_ms(
            lambda text: parts.classifier.predict_proba(parts.transform([text])), texts[:1000]
        ),
    }
    if RASA_URL:
        http = requests.Session()
        rows["latency_ms"]["rasa_http"] = quantiles_ms(  # type: ignore[index]
            lambda text: http.post(f"{RASA_URL}/model/parse", json={"text": text}, timeout=10),
            texts[:1000],
        )

    cache = REPO_ROOT / "instance" / "nlu-bench"
    rows["rss_mb"] = {
        "import_app_only": probe(_IMPORT_PROBE, cache),
        "load_and_classify": probe(_SERVE_PROBE, cache),
    }

    reports: list[Report] = [evaluate(EmbeddedTrainer(), examples)]
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

    print(f"NLU benchmark {rows['date']}: {len(examples)} examples")
    print(f"  training (full data, cold): {rows['training_seconds']} s")
    for name, (p50, p99) in rows["latency_ms"].items():  # type: ignore[attr-defined]
        print(f"  latency {name:<28} p50 {p50:8.3f} ms   p99 {p99:8.3f} ms")
    for name, mb in rows["rss_mb"].items():  # type: ignore[attr-defined]
        print(f"  peak RSS {name:<27} {mb:8.1f} MB")
    for name, scores in rows["cross_validation"].items():  # type: ignore[attr-defined]
        print(
            f"  5-fold {name:<10} accuracy {scores['accuracy']:.4f}  "
            f"macro-F1 {scores['macro_f1']:.4f}  "
            f"training {scores['training_seconds_per_fold']} s/fold"
        )
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
