"""Benchmark language detectors on our own validation messages, in the same run.

  cld2          pycld2 alone: reliable, at least 60%, not English-like (no guards)
  before        app/understanding/language.py as committed at HEAD~ (CLD2 behind guards), if given
  lingua-high   lingua-language-detector, high accuracy, restricted to our languages
  lingua-low    the same in low-accuracy mode (trigrams only)
  ours          app/understanding/language.py now (greetings, romanised words, CLD2 behind guards)
  ours+lingua   ours, asking lingua-low when CLD2 cannot name a 3+ word Latin message

Scored on tests/understanding/language_validation.yaml (foreign flagged, named right, English
falsely flagged) and on the English examples of bots/data/nlu.yml (falsely flagged). Latency is
CPU time per message over all of them (p50, p99, max; the thread's own clock, so a busy shared
machine's preemption does not count); the memory added is VmRSS of a fresh process after
loading the detector and scoring, less the same process before it.

The lingua rows need `pip install lingua-language-detector==2.1.1` (a 96 MB wheel); without it
they are left out.

Run: .venv/bin/python bench/language_bench.py [--before PATH] [--only NAME]
  where PATH is a copy of an older language.py, e.g. `git show HEAD~3:app/understanding/language.py`
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import REPO_ROOT

VALIDATION = REPO_ROOT / "tests" / "understanding" / "language_validation.yaml"
# English plus the community languages and others common in Northamptonshire that lingua has
# (it has no Kurdish, Tigrinya or Pashto).
LINGUA_LANGUAGES = (
    "ENGLISH POLISH ROMANIAN PORTUGUESE LITHUANIAN URDU PUNJABI HINDI SLOVAK CZECH BULGARIAN "
    "LATVIAN SOMALI ARABIC BENGALI GUJARATI TAMIL SPANISH ITALIAN FRENCH RUSSIAN UKRAINIAN "
    "TURKISH PERSIAN"
).split()
LINGUA_MIN_CONFIDENCE = 0.5

Detector = Callable[[str], str | None]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _lingua(low: bool) -> Detector:
    from lingua import Language, LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_languages(
        *(getattr(Language, name) for name in LINGUA_LANGUAGES)
    )
    if low:
        builder = builder.with_low_accuracy_mode()
    detector = builder.with_preloaded_language_models().build()

    def detect(text: str) -> str | None:
        values = detector.compute_language_confidence_values(text)
        if not values or values[0].value < LINGUA_MIN_CONFIDENCE:
            return None
        language = values[0].language
        return None if language == Language.ENGLISH else language.iso_code_639_1.name.lower()

    return detect


def _cld2() -> Detector:
    import pycld2

    def detect(text: str) -> str | None:
        try:
            reliable, _bytes, details = pycld2.detect(text)
        except pycld2.error:
            return None
        _name, code, percent, _score = details[0]
        if not reliable or percent < 60 or code in ("en", "un", "sco"):
            return None
        return str(code).split("-", 1)[0]

    return detect


def _module(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("language_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ours_with_lingua() -> Detector:
    from app.understanding import language
    from app.understanding.language_lexicon import ENGLISH_MARKERS
    from app.understanding.text import normalise

    lingua = _lingua(low=True)

    def detect(text: str) -> str | None:
        found = language.non_english(text)
        if found is not None:
            return found
        words = language._WORD.findall(normalise(text))
        english = sum(1 for word in words if word in ENGLISH_MARKERS)
        if len(words) < 3 or english / len(words) >= 0.2 or language._names_only(text):
            return None
        return lingua(text)

    return detect


def build(name: str, before: Path | None) -> Detector:
    if name == "cld2":
        return _cld2()
    if name == "lingua-high":
        return _lingua(low=False)
    if name == "lingua-low":
        return _lingua(low=True)
    if name == "before":
        assert before is not None
        return _module(before).non_english  # type: ignore[no-any-return]
    if name == "ours+lingua":
        return _ours_with_lingua()
    from app.understanding.language import non_english

    return non_english


def score(name: str, before: Path | None) -> dict[str, Any]:
    """One detector's figures, measured in this (fresh) process."""
    from app.understanding.training_data import load_examples

    data = yaml.safe_load(VALIDATION.read_text(encoding="utf-8"))
    training = [example.text for example in load_examples(REPO_ROOT / "bots")]
    rss_before = _rss_mb()
    detect = build(name, before)
    detect("warm up")
    foreign = [(text, codes.split("/")) for text, codes in data["foreign"]]
    verdicts = {text: detect(text) for text, _ in foreign}
    timings = []
    for text in [text for text, _ in foreign] + data["english"] + training:
        started = time.thread_time_ns()
        detect(text)
        timings.append((time.thread_time_ns() - started) / 1e6)
    timings.sort()
    return {
        "detector": name,
        "foreign_flagged": sum(verdicts[text] is not None for text, _ in foreign),
        "foreign_named": sum(verdicts[text] in codes for text, codes in foreign),
        "foreign": len(foreign),
        "foreign_missed": [text for text, _ in foreign if verdicts[text] is None],
        "english_flagged": [text for text in data["english"] if detect(text)],
        "english": len(data["english"]),
        "training_flagged": sum(1 for text in training if detect(text)),
        "training": len(training),
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[int(len(timings) * 0.99)],
        "max_ms": timings[-1],
        "added_rss_mb": _rss_mb() - rss_before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="an older language.py to compare")
    parser.add_argument("--only", help="score one detector in this process and print JSON")
    args = parser.parse_args()
    if args.only:
        print(json.dumps(score(args.only, args.before)))
        return
    # lingua is measured only where installed: the service does not use it (see README).
    has_lingua = importlib.util.find_spec("lingua") is not None
    names = ["cld2", *(["before"] if args.before else [])]
    names += ["lingua-high", "lingua-low", "ours", "ours+lingua"] if has_lingua else ["ours"]
    for name in names:
        command = [sys.executable, __file__, "--only", name]
        if args.before:
            command += ["--before", str(args.before)]
        row = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
        print(
            f"{name:<12} foreign flagged {row['foreign_flagged']:3}/{row['foreign']}"
            f"  named {row['foreign_named']:3}  English false {len(row['english_flagged']):2}"
            f"/{row['english']}  training false {row['training_flagged']:3}/{row['training']}"
            f"  p50 {row['p50_ms']:.3f} p99 {row['p99_ms']:.3f} max {row['max_ms']:.2f} ms"
            f"  +RSS {row['added_rss_mb']:.0f} MB"
        )
        if row["english_flagged"]:
            print("    English flagged:", "; ".join(row["english_flagged"][:12]))


if __name__ == "__main__":
    main()
