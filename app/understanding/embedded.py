"""The embedded classifier: TF-IDF word and character n-grams with a log-loss linear model.

Optionally, beside the n-grams (which know spelling but no meaning), each message gets a static
sentence vector from the weights wordllama ships in its wheel (sentence_vectors.py), centred on
the training mean and l2-normalised, as 256 more columns of the same linear model. They are off
by default: they won cross-validation by 2-3 points but not the held-out sets (see
SENTENCE_VECTORS_BY_DEFAULT); bench/nlu_bench.py measures both. Asked for without wordllama
installed, the model is TF-IDF only, and says so once.

Training uses scikit-learn; inference is a few dictionary look-ups, one tokenizer call and small
matrix products in numpy, so a message is classified in well under a millisecond and a serving
process need not import scikit-learn at all. Models are cached by a hash of the training data
and the features used, as npz and JSON (never pickle).
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
from app.understanding.sentence_vectors import SentenceVectors, bundled
from app.understanding.text import char_features, word_features
from app.understanding.training_data import TrainingExample

# Bump when features or hyper-parameters change, so stale cached models are not reused.
MODEL_VERSION = "sgd-tfidf-w12-c25-v1"
RANKING_LENGTH = 10
# The sentence vector's weight beside the two unit-length TF-IDF blocks. Chosen by 5-fold
# cross-validation (0.5 to 3 tried; larger drowns the n-grams, whose SGD steps it shares).
SENTENCE_SCALE = 1.0
# Off: on the held-out sets (2026-12-05, same run, 1,968 examples) top-1 intent was 84.7% with
# TF-IDF alone and 82.7-84.0% with vectors at scales 1.0-0.5; outcome and safety moved by at most
# a message or two. Cross-validation's gain (85.7% -> 88.4%) did not carry to unseen messages.
SENTENCE_VECTORS_BY_DEFAULT = False

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


@dataclass(frozen=True)
class _SentenceSpace:
    """Sentence vectors, centred on the training mean, re-normalised and scaled."""

    vectors: SentenceVectors
    centre: FloatArray
    scale: float
    offset: int

    def features(self, text: str) -> FloatArray:
        """The dense block for `text`; zeros when it has no tokens (no evidence, not -centre)."""
        vector = self.vectors.vector(text)
        if not vector.any():
            return vector
        centred = vector - self.centre
        norm = float(np.linalg.norm(centred))
        result: FloatArray = centred * (self.scale / norm) if norm > 0 else centred
        return result

    def matrix(self, texts: Sequence[str]) -> FloatArray:
        return np.vstack([self.features(text) for text in texts])


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
        sentence: _SentenceSpace | None = None,
    ) -> None:
        self.classes = tuple(classes)
        self._spaces = tuple(spaces)
        self._coef = coef  # features x classes
        self._intercept = intercept
        self.threshold = threshold
        self.data_hash = data_hash
        self._sentence = sentence
        # The dense block's rows, sliced once: they follow every sparse column.
        self._sentence_coef = coef[sentence.offset :] if sentence is not None else None

    @property
    def uses_sentence_vectors(self) -> bool:
        return self._sentence is not None

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
        if self._sentence is not None and self._sentence_coef is not None:
            scores += self._sentence.features(text) @ self._sentence_coef
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


def data_hash(
    examples: Sequence[TrainingExample], threshold: float, vectors: SentenceVectors | None = None
) -> str:
    # Without vectors the key is what it was before they existed, so those caches stay valid.
    suffix = f"|{vectors.name}|{SENTENCE_SCALE}" if vectors is not None else ""
    digest = hashlib.sha256(f"{MODEL_VERSION}|{threshold}{suffix}".encode())
    for example in examples:
        digest.update(f"{example.intent}\t{example.text}\n".encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class FittedParts:
    """scikit-learn's fitted objects, kept only long enough to export (and to test against)."""

    words: Any
    chars: Any
    classifier: Any
    sentence: _SentenceSpace | None = None

    def transform(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import csr_matrix, hstack

        blocks = [self.words.transform(texts), self.chars.transform(texts)]
        if self.sentence is not None:
            blocks.append(csr_matrix(self.sentence.matrix(texts)))
        return hstack(blocks).tocsr()


def _vectors(use_sentence_vectors: bool) -> SentenceVectors | None:
    return bundled() if use_sentence_vectors else None


def fit(
    examples: Sequence[TrainingExample], use_sentence_vectors: bool = SENTENCE_VECTORS_BY_DEFAULT
) -> FittedParts:
    """Fit the vectorisers and classifier with scikit-learn (imported only when training)."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier

    texts = [example.text for example in examples]
    labels = [example.intent for example in examples]
    words = TfidfVectorizer(analyzer=word_features, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer=char_features, sublinear_tf=True, min_df=2)
    blocks = [words.fit_transform(texts), chars.fit_transform(texts)]
    sentence = None
    vectors = _vectors(use_sentence_vectors)
    if vectors is not None:
        raw = vectors.matrix(texts)
        # Centred on the texts that have tokens: an empty one is no evidence (see features).
        centre = raw[raw.any(axis=1)].mean(axis=0) if raw.any() else np.zeros(vectors.dim)
        offset = len(words.vocabulary_) + len(chars.vocabulary_)
        sentence = _SentenceSpace(vectors, centre, SENTENCE_SCALE, offset)
        blocks.append(csr_matrix(sentence.matrix(texts)))
    # Chosen by cross-validation against logistic regression and a linear SVM (see README).
    classifier = SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=30, tol=None, random_state=0)
    classifier.fit(hstack(blocks).tocsr(), labels)
    return FittedParts(words, chars, classifier, sentence)


def train(
    examples: Sequence[TrainingExample],
    threshold: float,
    use_sentence_vectors: bool = SENTENCE_VECTORS_BY_DEFAULT,
) -> EmbeddedModel:
    """Fit, then export the weights to the lean numpy model."""
    parts = fit(examples, use_sentence_vectors)
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
    vectors = parts.sentence.vectors if parts.sentence is not None else None
    return EmbeddedModel(
        classes=[str(label) for label in parts.classifier.classes_],
        spaces=(word_space, char_space),
        coef=np.ascontiguousarray(parts.classifier.coef_.T, dtype=np.float64),
        intercept=np.asarray(parts.classifier.intercept_, dtype=np.float64),
        threshold=threshold,
        data_hash=data_hash(examples, threshold, vectors),
        sentence=parts.sentence,
    )


def save(model: EmbeddedModel, cache_dir: Path) -> Path:
    """Write the model as `<hash>.npz` + `<hash>.json`, atomically."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    words, chars = model._spaces
    meta: dict[str, Any] = {
        "version": MODEL_VERSION,
        "classes": list(model.classes),
        "threshold": model.threshold,
        "word_vocabulary": words.vocabulary,
        "char_vocabulary": chars.vocabulary,
    }
    arrays: dict[str, Any] = {
        "coef": model._coef,
        "intercept": model._intercept,
        "word_idf": words.idf,
        "char_idf": chars.idf,
    }
    if model._sentence is not None:
        meta["sentence_vectors"] = model._sentence.vectors.name
        meta["sentence_scale"] = model._sentence.scale
        arrays["sentence_centre"] = model._sentence.centre
    target = cache_dir / model.data_hash
    _atomic_write(target.with_suffix(".json"), json.dumps(meta).encode())
    with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".npz", delete=False) as handle:
        np.savez(handle, **arrays)
    os.replace(handle.name, target.with_suffix(".npz"))
    return target.with_suffix(".npz")


def load(cache_dir: Path, key: str) -> EmbeddedModel | None:
    """The cached model for `key`, or None if there is none, it is from another version, or it
    needs sentence vectors this process cannot make."""
    meta_path, arrays_path = cache_dir / f"{key}.json", cache_dir / f"{key}.npz"
    if not (meta_path.exists() and arrays_path.exists()):
        return None
    meta = json.loads(meta_path.read_text())
    if meta.get("version") != MODEL_VERSION:
        return None
    vectors = bundled() if "sentence_vectors" in meta else None
    if "sentence_vectors" in meta and (vectors is None or vectors.name != meta["sentence_vectors"]):
        return None
    with np.load(arrays_path, allow_pickle=False) as arrays:
        words = _FeatureSpace(word_features, meta["word_vocabulary"], arrays["word_idf"], 0)
        chars = _FeatureSpace(
            char_features, meta["char_vocabulary"], arrays["char_idf"], len(words.vocabulary)
        )
        sentence = None
        if vectors is not None:
            offset = len(words.vocabulary) + len(chars.vocabulary)
            sentence = _SentenceSpace(
                vectors, arrays["sentence_centre"], float(meta["sentence_scale"]), offset
            )
        return EmbeddedModel(
            meta["classes"], (words, chars), arrays["coef"], arrays["intercept"],
            float(meta["threshold"]), key, sentence,
        )  # fmt: skip


def load_or_train(
    examples: Sequence[TrainingExample],
    threshold: float,
    cache_dir: Path,
    use_sentence_vectors: bool = SENTENCE_VECTORS_BY_DEFAULT,
) -> EmbeddedModel:
    """The model for these examples: from the cache when the data is unchanged, else trained."""
    key = data_hash(examples, threshold, _vectors(use_sentence_vectors))
    cached = load(cache_dir, key)
    if cached is not None:
        return cached
    model = train(examples, threshold, use_sentence_vectors)
    save(model, cache_dir)
    return model


def _atomic_write(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, path)
