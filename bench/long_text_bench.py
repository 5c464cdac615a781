"""Benchmark understanding long texts, with a baseline measured in the same run.

  understand  the full understand() the pipeline uses (embedded NLU, entities, language, safety
              cues) on one long token and on ordinary words, 10 KB, 100 KB and 1 MB
  baseline    the bare cost of lower-casing and splitting the same text into words

Median of several repeats. Time should grow no faster than the text (it levels off, since
understanding reads a bounded amount), and 1 MB should take under 0.5 s.

Run: .venv/bin/python bench/long_text_bench.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import REPO_ROOT
from app.pipeline.understand import understand
from app.understanding.nlu import build_nlu
from app.understanding.safety import DEFAULT_LEXICON_PATH, SafetyLexicon

SIZES = (10_000, 100_000, 1_000_000)
TARGET_SECONDS = 0.5
_WORDS = (
    "my bin was not collected on our street again this week and the council tax bill "
    "looks wrong so please could someone call me back about the missed collection"
).split()


def one_token(size: int) -> str:
    """Base64, as a mail attachment brings it: one token with no space."""
    return base64.b64encode(random.Random(16).randbytes(size))[:size].decode()


def ordinary_words(size: int) -> str:
    rnd = random.Random(16)
    return " ".join(rnd.choice(_WORDS) for _ in range(size // 4))[:size]


def median_seconds(work: Callable[[str], object], text: str, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        work(text)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    nlu = build_nlu("embedded", REPO_ROOT / "bots", REPO_ROOT / "instance" / "nlu", None, 1.0)
    lexicon = SafetyLexicon.load(DEFAULT_LEXICON_PATH)

    def classify(text: str) -> object:
        return understand(text, nlu, lexicon, "WNC")

    def baseline(text: str) -> object:
        return text.lower().split()

    rows = []
    for kind, make in (("one long token", one_token), ("ordinary words", ordinary_words)):
        for size in SIZES:
            text = make(size)
            rows.append(
                {
                    "text": kind,
                    "bytes": size,
                    "understand_ms": round(median_seconds(classify, text, args.repeats) * 1000, 1),
                    "baseline_ms": round(median_seconds(baseline, text, args.repeats) * 1000, 2),
                }
            )

    print(f"Long-text benchmark {date.today()}: median of {args.repeats}")
    print(f"  {'text':<16}{'size':>10}{'understand':>14}{'lower+split':>14}")
    for row in rows:
        print(
            f"  {row['text']:<16}{row['bytes']:>10,}{row['understand_ms']:>11.1f} ms"
            f"{row['baseline_ms']:>11.2f} ms"
        )
    worst = max(float(str(row["understand_ms"])) for row in rows if row["bytes"] == SIZES[-1])
    verdict = "under" if worst / 1000 < TARGET_SECONDS else "OVER"
    print(f"  slowest 1 MB: {worst:.1f} ms, {verdict} the {TARGET_SECONDS} s target")
    print(json.dumps({"date": str(date.today()), "rows": rows}))


if __name__ == "__main__":
    main()
