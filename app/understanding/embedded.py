"""The embedded classifier: TF-IDF word and character n-grams with a log-loss linear model.

Training uses scikit-learn; inference is a few dictionary look-ups and one small matrix product in
numpy, so a message is classified in well under a millisecond and a serving process need not
import scikit-learn at all. Models are cached by a hash of the training data, as npz and JSON
(never pickle).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.understanding.nlu import FALLBACK_INTENT, IntentScore, NluResult
from app.understanding.text import char_features, word_features
from app.understanding.training_data import TrainingExample

# Bump when features or hyper-parameters change, so stale cached models are not reused.
MODEL_VERSION = "sgd-tfidf-w12-c25-v1"
RANKING_LENGTH = 10

Analyzer = Callable[[str], list[str]]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _FeatureSpace:
    """One analyzer's vocabulary and idf weights."""

    analyzer: Analyzer
    vocabulary: dict[str, int]
    idf: FloatArray
    offset: int

    def weights(self, text: str) -> tuple[list[int], FloatArray]:
        """Column indices and l2-normalised sublinear tf-idf weights for `text`."""
        counts = Counter(
            index
            for gram in self.analyzer(text)
            if (index := self.vocabulary.get(gram)) is not None
        )
        if not counts:
            return [], np.empty(0)
        columns = list(counts)
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(columns))
        values: FloatArray = (1.0 + np.log(tf)) * self.idf[columns]
        values /= np.linalg.norm(values)
        return [self.offset + c for c in columns], values


class EmbeddedModel:
    """A trained classifier; `parse` answers like Rasa's /model/parse."""

    name = "embedded"

    def __init__(
        self,
        classes: Sequence[str],
        spaces: Sequence[_FeatureSpace],
        coef: FloatArray,
        intercept: FloatArray,
        threshold: float,
        data_hash: str,
    ) -> None:
        self.classes = tuple(classes)
        self._spaces = tuple(spaces)
        self._coef = coef  # features x classes
        self._intercept = intercept
        self.threshold = threshold
        self.data_hash = data_hash

    def probabilities(self, text: str) -> FloatArray:
        columns: list[int] = []
        parts: list[FloatArray] = []
        for space in self._spaces:
            found, values = space.weights(text)
            columns.extend(found)
            parts.append(values)
        scores = self._intercept.copy()
        if columns:
            scores += np.concatenate(parts) @ self._coef[columns]
        # One-vs-rest logistic scores, normalised: exactly what SGDClassifier.predict_proba does.
        odds = 1.0 / (1.0 + np.exp(-scores))
        result: FloatArray = odds / odds.sum()
        return result

    def parse(self, text: str) -> NluResult:
        probabilities = self.probabilities(text)
        order = np.argsort(-probabilities)[:RANKING_LENGTH]
        ranking = tuple(IntentScore(self.classes[i], float(probabilities[i])) for i in order)
        top = ranking[0]
        # Like Rasa's FallbackClassifier: below the threshold we say we are unsure.
        intent = top.name if top.confidence >= self.threshold else FALLBACK_INTENT
        return NluResult(intent, top.confidence, ranking, self.name)


def data_hash(examples: Sequence[TrainingExample], threshold: float) -> str:
    digest = hashlib.sha256(f"{MODEL_VERSION}|{threshold}".encode())
    for example in examples:
        digest.update(f"{example.intent}\t{example.text}\n".encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class FittedParts:
    """scikit-learn's fitted objects, kept only long enough to export (and to test against)."""

    words: Any
    chars: Any
    classifier: Any

    def transform(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import hstack

        return hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()


def fit(examples: Sequence[TrainingExample]) -> FittedParts:
    """Fit the vectorisers and classifier with scikit-learn (imported only when training)."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier

    texts = [example.text for example in examples]
    labels = [example.intent for example in examples]
    words = TfidfVectorizer(analyzer=word_features, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer=char_features, sublinear_tf=True, min_df=2)
    matrix = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    # Chosen by cross-validation against logistic regression and a linear SVM (see README).
    classifier = SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=30, tol=None, random_state=0)
    classifier.fit(matrix, labels)
    return FittedParts(words, chars, classifier)


def train(examples: Sequence[TrainingExample], threshold: float) -> EmbeddedModel:
    """Fit, then export the weights to the lean numpy model."""
    parts = fit(examples)
    word_space = _FeatureSpace(
        word_features,
        dict(parts.words.vocabulary_),
        np.asarray(parts.words.idf_, dtype=np.float64),
        0,
    )
    char_space = _FeatureSpace(
        char_features,
        dict(parts.chars.vocabulary_),
        np.asarray(parts.chars.idf_, dtype=np.float64),
        len(parts.words.vocabulary_),
    )
    return EmbeddedModel(
        classes=[str(label) for label in parts.classifier.classes_],
        spaces=(word_space, char_space),
        coef=np.ascontiguousarray(parts.classifier.coef_.T, dtype=np.float64),
        intercept=np.asarray(parts.classifier.intercept_, dtype=np.float64),
        threshold=threshold,
        data_hash=data_hash(examples, threshold),
    )


def save(model: EmbeddedModel, cache_dir: Path) -> Path:
    """Write the model as `<hash>.npz` + `<hash>.json`, atomically."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    words, chars = model._spaces
    meta = {
        "version": MODEL_VERSION,
        "classes": list(model.classes),
        "threshold": model.threshold,
        "word_vocabulary": words.vocabulary,
        "char_vocabulary": chars.vocabulary,
    }
    target = cache_dir / model.data_hash
    _atomic_write(target.with_suffix(".json"), json.dumps(meta).encode())
    with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".npz", delete=False) as handle:
        np.savez(handle, coef=model._coef, intercept=model._intercept, word_idf=words.idf,
                 char_idf=chars.idf)  # fmt: skip
    os.replace(handle.name, target.with_suffix(".npz"))
    return target.with_suffix(".npz")


def load(cache_dir: Path, key: str) -> EmbeddedModel | None:
    """The cached model for `key`, or None if there is none (or it is from another version)."""
    meta_path, arrays_path = cache_dir / f"{key}.json", cache_dir / f"{key}.npz"
    if not (meta_path.exists() and arrays_path.exists()):
        return None
    meta = json.loads(meta_path.read_text())
    if meta.get("version") != MODEL_VERSION:
        return None
    with np.load(arrays_path, allow_pickle=False) as arrays:
        words = _FeatureSpace(word_features, meta["word_vocabulary"], arrays["word_idf"], 0)
        chars = _FeatureSpace(
            char_features, meta["char_vocabulary"], arrays["char_idf"], len(words.vocabulary)
        )
        return EmbeddedModel(
            meta["classes"], (words, chars), arrays["coef"], arrays["intercept"],
            float(meta["threshold"]), key,
        )  # fmt: skip


def load_or_train(
    examples: Sequence[TrainingExample], threshold: float, cache_dir: Path
) -> EmbeddedModel:
    """The model for these examples: from the cache when the data is unchanged, else trained."""
    key = data_hash(examples, threshold)
    cached = load(cache_dir, key)
    if cached is not None:
        return cached
    model = train(examples, threshold)
    save(model, cache_dir)
    return model


def _atomic_write(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, path)
