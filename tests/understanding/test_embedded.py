"""The embedded classifier: same answers as scikit-learn, cached by content, unsure when unsure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.understanding.embedded import EmbeddedModel, data_hash, fit, load, load_or_train, train
from app.understanding.nlu import FALLBACK_INTENT
from app.understanding.training_data import TrainingExample, load_examples
from tests.conftest import REPO

EXAMPLES = load_examples(REPO / "bots")


@pytest.fixture(scope="module")
def model() -> EmbeddedModel:
    return train(EXAMPLES, threshold=0.4)


def test_the_lean_inference_equals_scikit_learns_predict_proba() -> None:
    sample = EXAMPLES[::7]
    parts = fit(EXAMPLES)
    lean = train(EXAMPLES, threshold=0.4)
    expected = parts.classifier.predict_proba(parts.transform([e.text for e in sample]))
    texts = [e.text for e in sample] + ["zzqx unknown words only", ""]
    for row, text in zip(expected, texts, strict=False):
        np.testing.assert_allclose(lean.probabilities(text), row, atol=1e-9)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("my bin wasnt collected again", "missed_bin"),
        ("wen is bin day 4 NN1 1AA", "bin_collection_day"),
        ("any update on WNC-204318?", "case_status"),
        ("i want to make a complaint about the noise from the depot", "complaint_new"),
        ("um i need to pay my council tags", "council_tax_payment"),
        ("theres a massive pothole on the a45", "pothole"),
        ("can i speak to a real person", "speak_to_advisor"),
    ],
)
def test_residents_words_find_their_intent(model: EmbeddedModel, text: str, intent: str) -> None:
    result = model.parse(text)
    assert result.intent == intent, result.ranking[:3]
    assert result.backend == "embedded"


def test_the_ranking_is_a_probability_distribution_in_order(model: EmbeddedModel) -> None:
    result = model.parse("my bin wasnt collected")
    confidences = [score.confidence for score in result.ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert result.confidence == confidences[0]
    assert sum(model.probabilities("my bin wasnt collected")) == pytest.approx(1.0)


def test_below_the_threshold_it_says_it_is_unsure() -> None:
    strict = train(EXAMPLES, threshold=0.999)
    result = strict.parse("the thing about the stuff")
    assert result.intent == FALLBACK_INTENT
    assert result.ranking[0].name != FALLBACK_INTENT


def test_the_cache_is_keyed_by_the_training_data(tmp_path: Path) -> None:
    first = load_or_train(EXAMPLES, 0.4, tmp_path)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".npz"]
    written = {path: path.stat().st_mtime_ns for path in tmp_path.iterdir()}
    again = load_or_train(EXAMPLES, 0.4, tmp_path)
    # Loaded, not retrained: nothing was written again (checked without timing the machine).
    assert {path: path.stat().st_mtime_ns for path in tmp_path.iterdir()} == written
    np.testing.assert_array_equal(first.probabilities("bins"), again.probabilities("bins"))
    changed = [*EXAMPLES, TrainingExample("greet", "ey up duck")]
    assert data_hash(changed, 0.4) != first.data_hash
    assert load(tmp_path, data_hash(changed, 0.4)) is None


def test_a_cache_from_another_model_version_is_ignored(tmp_path: Path) -> None:
    model = load_or_train(EXAMPLES, 0.4, tmp_path)
    meta = tmp_path / f"{model.data_hash}.json"
    meta.write_text(meta.read_text().replace('"version": "', '"version": "old-'))
    assert load(tmp_path, model.data_hash) is None
