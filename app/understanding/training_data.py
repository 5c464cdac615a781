"""Read bots/data/nlu.yml: the single source of intents and examples for every backend."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from app.understanding.near_miss import CLARIFY_INTENT
from app.understanding.nlu import FALLBACK_INTENT

NLU_FILE = Path("data") / "nlu.yml"
_ANNOTATION = re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)|\[([^\]]+)\]\{[^}]*\}")


@dataclass(frozen=True)
class TrainingExample:
    intent: str
    text: str


def strip_annotations(example: str) -> str:
    """`my ref is [WNC-204318](case_reference)` -> `my ref is WNC-204318`."""
    return _ANNOTATION.sub(lambda m: m.group(1) or m.group(2), example).strip()


def load_examples(bots_dir: Path) -> list[TrainingExample]:
    """Every intent example in nlu.yml, annotations removed."""
    data = yaml.safe_load((bots_dir / NLU_FILE).read_text(encoding="utf-8")) or {}
    examples: list[TrainingExample] = []
    for block in data.get("nlu", []):
        intent = block.get("intent")
        if not intent:
            continue
        for line in str(block.get("examples", "")).splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text:
                examples.append(TrainingExample(intent=intent, text=strip_annotations(text)))
    return examples


def load_fallback_threshold(bots_dir: Path, default: float = 0.4) -> float:
    """The FallbackClassifier threshold in bots/config.yml, so both backends say 'unsure' alike."""
    config = yaml.safe_load((bots_dir / "config.yml").read_text(encoding="utf-8")) or {}
    for component in config.get("pipeline", []):
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", default))
    return default


def load_intents(bots_dir: Path) -> frozenset[str]:
    """The intent taxonomy: every intent nlu.yml trains."""
    return frozenset(example.intent for example in load_examples(bots_dir))


def routable_intents(bots_dir: Path) -> frozenset[str]:
    """What rules may match on: the taxonomy plus the 'not sure' intent."""
    return load_intents(bots_dir) | {FALLBACK_INTENT, CLARIFY_INTENT}
