"""The learned safety signal: a classifier over the whole message, beside the reviewed lexicon.

The lexicon (safety.py) hears the words people use for risk. Residents at risk often say it
otherwise ("I won't need the sofa after the weekend") or in passing inside a bin report, so this
model is trained on bots/data/safety.yml to label a message `none`, `needs_person` or
`risk_to_life`, and tuned for recall.

It is the embedded classifier's recipe (TF-IDF word and character n-grams, a log-loss linear
model, lean numpy inference, npz + JSON cache keyed by a hash of the data) with balanced class
weights, so the rarer risk classes are not outvoted. Two thresholds are tuned on the file's
validation split, never fitted on:
  person  on the risk score, 1 - P(none): every validation risk example should reach a person,
          with false alarms on validation everyday messages between FALSE_ALARM_LOW and _HIGH.
  life    on P(risk_to_life): the same, for emergencies, counted over all non-emergencies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from app.understanding import embedded
from app.understanding.embedded import EmbeddedModel, FloatArray
from app.understanding.text import char_features, word_features
from app.understanding.training_data import load_examples

SAFETY_FILE = Path("data") / "safety.yml"
NONE, NEEDS_PERSON, RISK_TO_LIFE = "none", "needs_person", "risk_to_life"
LABELS = (NONE, NEEDS_PERSON, RISK_TO_LIFE)
# Bump when features, hyper-parameters or the tuning policy change.
MODEL_VERSION = "safety-sgd-balanced-w12-c25-v1"
# The share of validation everyday messages we accept sending to a person: the threshold sits at
# the recall-100% point, but never lets more than HIGH through, and never fewer than LOW (below
# that we would only be buying false confidence on examples we wrote ourselves).
FALSE_ALARM_LOW = 0.02
FALSE_ALARM_HIGH = 0.05


class SafetyDataError(ValueError):
    """bots/data/safety.yml is unusable."""


@dataclass(frozen=True)
class SafetyExample:
    label: str
    family: str
    text: str


@dataclass(frozen=True)
class SafetyData:
    """The training split (with the nlu.yml intents it borrows) and the validation split."""

    train: tuple[SafetyExample, ...]
    validation: tuple[SafetyExample, ...]


def load_safety_data(bots_dir: Path) -> SafetyData:
    """Read bots/data/safety.yml (format at its top) and the nlu.yml intents it names."""
    path = bots_dir / SAFETY_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    borrowed: list[SafetyExample] = []
    by_intent = {label: set(intents) for label, intents in (data.get("from_nlu") or {}).items()}
    for example in load_examples(bots_dir):
        for label, intents in by_intent.items():
            if example.intent in intents:
                borrowed.append(SafetyExample(label, f"nlu.{example.intent}", example.text))
    train = _section(data, "train", path) + tuple(borrowed)
    validation = _section(data, "validation", path)
    unknown = {e.label for e in (*train, *validation)} - set(LABELS)
    if unknown:
        raise SafetyDataError(f"{path}: unknown labels {sorted(unknown)}; use {list(LABELS)}")
    seen = {e.text.lower() for e in train}
    leaked = [e.text for e in validation if e.text.lower() in seen]
    if leaked:
        raise SafetyDataError(f"{path}: validation examples also in training: {leaked[:3]}")
    return SafetyData(train, validation)


def _section(data: dict[str, Any], name: str, path: Path) -> tuple[SafetyExample, ...]:
    blocks = data.get(name)
    if not blocks:
        raise SafetyDataError(f"{path}: no {name!r} section")
    examples: list[SafetyExample] = []
    for block in blocks:
        for line in str(block.get("examples", "")).splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text:
                examples.append(SafetyExample(block["label"], block.get("family", ""), text))
    return tuple(examples)


@dataclass(frozen=True)
class SafetyVerdict:
    """What the model made of one message: its label and the scores the thresholds saw."""

    label: str
    risk: float  # 1 - P(none)
    life: float  # P(risk_to_life)

    @property
    def needs_person(self) -> bool:
        return self.label != NONE

    @property
    def risk_to_life(self) -> bool:
        return self.label == RISK_TO_LIFE

    @property
    def cue_id(self) -> str:
        """A pseudo-cue naming this signal beside the lexicon's, e.g. `model.needs_person@0.83`."""
        score = self.life if self.risk_to_life else self.risk
        return f"model.{self.label}@{score:.2f}"


@dataclass(frozen=True)
class Thresholds:
    person: float
    life: float


class SafetyModel:
    """The trained classifier and its tuned thresholds."""

    def __init__(self, classifier: EmbeddedModel, thresholds: Thresholds, key: str) -> None:
        self.classifier = classifier
        self.thresholds = thresholds
        self.key = key
        self._none = classifier.classes.index(NONE)
        self._life = classifier.classes.index(RISK_TO_LIFE)

    def scores(self, text: str) -> tuple[float, float]:
        probabilities = self.classifier.probabilities(text)
        return 1.0 - float(probabilities[self._none]), float(probabilities[self._life])

    def assess(self, text: str) -> SafetyVerdict:
        risk, life = self.scores(text)
        if life >= self.thresholds.life:
            label = RISK_TO_LIFE
        elif risk >= self.thresholds.person:
            label = NEEDS_PERSON
        else:
            label = NONE
        return SafetyVerdict(label, risk, life)


def data_hash(data: SafetyData) -> str:
    digest = hashlib.sha256(f"{MODEL_VERSION}|{FALSE_ALARM_LOW}|{FALSE_ALARM_HIGH}".encode())
    for split, examples in (("train", data.train), ("validation", data.validation)):
        for example in examples:
            digest.update(f"{split}\t{example.label}\t{example.text}\n".encode())
    return "safety-" + digest.hexdigest()[:16]


def fit(examples: Sequence[SafetyExample], key: str) -> EmbeddedModel:
    """Fit with scikit-learn (imported only here) and export to the lean numpy model."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier

    texts = [example.text for example in examples]
    words = TfidfVectorizer(analyzer=word_features, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer=char_features, sublinear_tf=True, min_df=2)
    matrix = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    # Balanced weights: risk examples are the minority, and missing one costs far more.
    classifier = SGDClassifier(
        loss="log_loss", alpha=1e-5, max_iter=30, tol=None, random_state=0,
        class_weight="balanced",
    )  # fmt: skip
    classifier.fit(matrix, [example.label for example in examples])
    spaces = (
        embedded._FeatureSpace(
            word_features, dict(words.vocabulary_), np.asarray(words.idf_, np.float64), 0
        ),
        embedded._FeatureSpace(
            char_features, dict(chars.vocabulary_), np.asarray(chars.idf_, np.float64),
            len(words.vocabulary_),
        ),
    )  # fmt: skip
    return EmbeddedModel(
        classes=[str(label) for label in classifier.classes_],
        spaces=spaces,
        coef=np.ascontiguousarray(classifier.coef_.T, dtype=np.float64),
        intercept=np.asarray(classifier.intercept_, dtype=np.float64),
        threshold=0.0,
        data_hash=key,
    )


def tune(classifier: EmbeddedModel, validation: Sequence[SafetyExample]) -> Thresholds:
    """Both thresholds from the validation split (see the module docstring)."""
    probe = SafetyModel(classifier, Thresholds(1.0, 1.0), classifier.data_hash)
    scored = [(example.label, *probe.scores(example.text)) for example in validation]
    risk_pos = np.array([risk for label, risk, _ in scored if label != NONE])
    risk_neg = np.array([risk for label, risk, _ in scored if label == NONE])
    life_pos = np.array([life for label, _, life in scored if label == RISK_TO_LIFE])
    life_neg = np.array([life for label, _, life in scored if label != RISK_TO_LIFE])
    return Thresholds(_threshold(risk_pos, risk_neg), _threshold(life_pos, life_neg))


def _threshold(positives: FloatArray, negatives: FloatArray) -> float:
    """The recall-100% point, clipped to the false-alarm band [LOW, HIGH] of the negatives."""
    if positives.size == 0 or negatives.size == 0:
        raise SafetyDataError("validation needs examples of every label")
    recall_all = float(positives.min())
    # The lowest threshold that lets at most `share` of the negatives through.
    ordered = np.sort(negatives)[::-1]

    def at_most(share: float) -> float:
        allowed = int(share * negatives.size)
        return float(np.nextafter(ordered[allowed], 1.0)) if allowed < ordered.size else 0.0

    return min(max(recall_all, at_most(FALSE_ALARM_HIGH)), at_most(FALSE_ALARM_LOW))


def train(data: SafetyData) -> SafetyModel:
    key = data_hash(data)
    classifier = fit(data.train, key)
    return SafetyModel(classifier, tune(classifier, data.validation), key)


def save(model: SafetyModel, cache_dir: Path) -> None:
    embedded.save(model.classifier, cache_dir)
    thresholds = {"person": model.thresholds.person, "life": model.thresholds.life}
    embedded._atomic_write(
        cache_dir / f"{model.key}.thresholds.json", json.dumps(thresholds).encode()
    )


def load(cache_dir: Path, key: str) -> SafetyModel | None:
    """The cached model for `key`, or None when there is none (or it is from another version)."""
    path = cache_dir / f"{key}.thresholds.json"
    classifier = embedded.load(cache_dir, key)
    if classifier is None or not path.exists():
        return None
    thresholds = json.loads(path.read_text())
    return SafetyModel(classifier, Thresholds(thresholds["person"], thresholds["life"]), key)


def load_or_train(bots_dir: Path, cache_dir: Path) -> SafetyModel:
    """The model for bots/data/safety.yml: from the cache when the data is unchanged."""
    data = load_safety_data(bots_dir)
    key = data_hash(data)
    cached = load(cache_dir, key)
    if cached is not None:
        return cached
    model = train(data)
    save(model, cache_dir)
    return model


@dataclass(frozen=True)
class ValidationReport:
    """Recall and false alarms on the validation split, overall and by family."""

    risk: int
    reached_person: int
    to_life: int
    as_emergency: int
    everyday: int
    false_alarms: int
    false_emergencies: int  # non-emergency validation messages labelled risk_to_life
    missed: tuple[str, ...]
    by_family: dict[str, tuple[int, int]]

    @property
    def recall(self) -> float:
        return self.reached_person / self.risk if self.risk else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.everyday if self.everyday else 0.0


def validate(model: SafetyModel, validation: Sequence[SafetyExample]) -> ValidationReport:
    verdicts = [(example, model.assess(example.text)) for example in validation]
    risky = [(e, v) for e, v in verdicts if e.label != NONE]
    by_family: dict[str, tuple[int, int]] = {}
    for example, verdict in risky:
        hit, total = by_family.get(example.family, (0, 0))
        by_family[example.family] = (hit + verdict.needs_person, total + 1)
    return ValidationReport(
        risk=len(risky),
        reached_person=sum(v.needs_person for _, v in risky),
        to_life=sum(e.label == RISK_TO_LIFE for e, _ in verdicts),
        as_emergency=sum(e.label == RISK_TO_LIFE and v.risk_to_life for e, v in verdicts),
        everyday=sum(e.label == NONE for e, _ in verdicts),
        false_alarms=sum(e.label == NONE and v.needs_person for e, v in verdicts),
        false_emergencies=sum(e.label != RISK_TO_LIFE and v.risk_to_life for e, v in verdicts),
        missed=tuple(e.text for e, v in risky if not v.needs_person),
        by_family=by_family,
    )
