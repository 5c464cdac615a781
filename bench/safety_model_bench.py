"""Benchmark the learned safety model beside the intent classifier, measured in the same run.

  latency   per message, in process: the intent classifier alone (the baseline), the safety
            model alone, both together (what understand() adds up to), and the lexicon's cues
  training  bots/data/safety.yml (with the nlu.yml intents it borrows) from cold, median of 3,
            beside the intent classifier's own training
  memory    peak RSS of fresh processes: importing the app, loading the intent classifier and
            classifying 1,000 messages, and the same with the safety model loaded and consulted
  quality   recall and false alarms on safety.yml's validation split

Run: .venv/bin/python bench/safety_model_bench.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import REPO_ROOT
from app.understanding.embedded import train as train_nlu
from app.understanding.safety import SafetyLexicon
from app.understanding.safety_model import load_safety_data, train, validate
from app.understanding.training_data import load_examples
from bench.nlu_bench import _IMPORT_PROBE, probe, quantiles_ms

BOTS = REPO_ROOT / "bots"
RULES = REPO_ROOT / "routing_rules"

_NLU_PROBE = """
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
_BOTH_PROBE = _NLU_PROBE.replace(
    "print(_peak_mb())",
    """from app.understanding.safety_model import load_or_train as load_safety
safety = load_safety(bots, Path({cache!r}))
for example in examples[:1000]:
    safety.assess(example.text)
print(_peak_mb())""",
)


def main() -> None:
    nlu_examples = load_examples(BOTS)
    data = load_safety_data(BOTS)
    rows: dict[str, object] = {
        "date": str(date.today()),
        "safety_examples": {"train": len(data.train), "validation": len(data.validation)},
    }

    def cold(work: object) -> float:
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            work()  # type: ignore[operator]
            timings.append(time.perf_counter() - started)
        return round(statistics.median(timings), 2)

    rows["training_seconds"] = {
        "safety_model": cold(lambda: train(data)),
        "intent_classifier": cold(lambda: train_nlu(nlu_examples, 0.4)),
    }
    safety = train(data)
    nlu = train_nlu(nlu_examples, 0.4)
    lexicon = SafetyLexicon.load_dir(Path(os.environ.get("ROUTING_RULES_DIR", RULES)))
    texts = [e.text for e in nlu_examples] + [e.text for e in (*data.train, *data.validation)]

    def both(text: str) -> None:
        nlu.parse(text)
        safety.assess(text)

    rows["latency_ms"] = {
        "intent_classifier": quantiles_ms(nlu.parse, texts),
        "safety_model": quantiles_ms(safety.assess, texts),
        "intent_and_safety": quantiles_ms(both, texts),
        "lexicon_cues": quantiles_ms(lexicon.detect, texts),
    }
    cache = REPO_ROOT / "instance" / "nlu-bench"
    rows["rss_mb"] = {
        "import_app_only": probe(_IMPORT_PROBE, cache),
        "intent_classifier": probe(_NLU_PROBE, cache),
        "intent_and_safety": probe(_BOTH_PROBE, cache),
    }
    report = validate(safety, data.validation)
    rows["validation"] = {
        "risk_reached_person": [report.reached_person, report.risk],
        "risk_to_life_as_emergency": [report.as_emergency, report.to_life],
        "false_alarms": [report.false_alarms, report.everyday],
        "false_emergencies": report.false_emergencies,
        "thresholds": {"person": safety.thresholds.person, "life": safety.thresholds.life},
    }

    print(f"Safety model benchmark {rows['date']}: {rows['safety_examples']}")
    for name, seconds in rows["training_seconds"].items():  # type: ignore[attr-defined]
        print(f"  training {name:<25} {seconds:8.2f} s (cold, median of 3)")
    for name, (p50, p99) in rows["latency_ms"].items():  # type: ignore[attr-defined]
        print(f"  latency {name:<26} p50 {p50:8.3f} ms   p99 {p99:8.3f} ms")
    for name, mb in rows["rss_mb"].items():  # type: ignore[attr-defined]
        print(f"  peak RSS {name:<25} {mb:8.1f} MB")
    print(
        f"  validation: {report.reached_person}/{report.risk} risks reach a person, "
        f"{report.as_emergency}/{report.to_life} risk to life as emergency, "
        f"{report.false_alarms}/{report.everyday} false alarms, "
        f"{report.false_emergencies} false emergencies"
    )
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
