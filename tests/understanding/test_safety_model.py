"""The learned safety signal: trained from bots/data/safety.yml, cached, and tuned for recall."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.understanding.safety_model import (
    LABELS,
    NONE,
    SafetyData,
    SafetyDataError,
    SafetyModel,
    data_hash,
    load,
    load_or_train,
    load_safety_data,
    train,
    validate,
)
from tests.conftest import REPO

BOTS = REPO / "bots"


@pytest.fixture(scope="module")
def data() -> SafetyData:
    return load_safety_data(BOTS)


@pytest.fixture(scope="module")
def model(data: SafetyData) -> SafetyModel:
    return train(data)


def test_the_data_is_large_labelled_and_keeps_validation_apart(data: SafetyData) -> None:
    own = [e for e in data.train if not e.family.startswith("nlu.")]
    risky = [e for e in own if e.label != NONE]
    assert len(risky) >= 550 and len([e for e in own if e.label == NONE]) >= 500
    assert {e.label for e in data.train} == set(LABELS) == {e.label for e in data.validation}
    assert len(data.validation) >= 150
    assert not {e.text.lower() for e in data.validation} & {e.text.lower() for e in data.train}


def test_validation_leaking_into_training_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nlu.yml").write_text("nlu: []\n")
    block = "  - label: none\n    examples: |\n      - when is bin day\n"
    (tmp_path / "data" / "safety.yml").write_text(f"train:\n{block}validation:\n{block}")
    with pytest.raises(SafetyDataError, match="also in training"):
        load_safety_data(tmp_path)


def test_validation_recall_and_false_alarms_hold_their_floors(
    model: SafetyModel, data: SafetyData
) -> None:
    report = validate(model, data.validation)
    assert report.recall >= 0.97, report.missed
    assert report.false_alarm_rate <= 0.05
    assert report.as_emergency / report.to_life >= 0.85
    assert report.false_emergencies / (len(data.validation) - report.to_life) <= 0.05


@pytest.mark.parametrize(
    "text",
    [
        "this form is killing me",
        "I'd die for a parking permit",
        "my kids' school admissions",
        "the bin men murdered my bin",
        "my neighbour's hedge is murder on my back when I trim it, who owns it",
        "um the queue on your phone line is the death of me, when is green bin week",
        # Everyday look-alikes of the not-seen and children-in-passing families.
        "the lights in the community centre have been on day and night all week, who do i tell",
        "moving my elderly mum's bins to the front every week is hard, can she get help",
        "kids' school holiday activities in towcester, where can i find the list",
        "we're moving house and the kids are excited, how do we change the address",
    ],
)
def test_harmless_idioms_stay_none(model: SafetyModel, text: str) -> None:
    verdict = model.assess(text)
    assert verdict.label == NONE, verdict


@pytest.mark.parametrize(
    "text",
    [
        "bin missed on Laurel Drive again. mind you by sunday ill have no need of a bin, "
        "ive handed my keys and my cat to my sister",
        "Hi, the recycling wasn't taken on Thursday. Also my neighbour is 86 and nobody has "
        "seen her for a week, her curtains are still shut. Thanks, Joan",
        # Beside a move, a case update or a text-me request (issue 17's families).
        "we're moving to Hunsbury on the 14th, please move our council tax. my partner's been "
        "slapping our 3 year old and i'm getting us out",
        "any update on my missed bin ref WNC-330912? also the lady at 6 is 88 and nobody has seen "
        "her since friday, her post is still in the door",
        "can you text me updates on the pothole. my neighbour's carer stopped coming and his "
        "fridge is empty, he's 90",
    ],
)
def test_a_risk_hidden_in_an_ordinary_request_reaches_a_person(
    model: SafetyModel, text: str
) -> None:
    assert model.assess(text).needs_person


def test_training_is_deterministic(model: SafetyModel, data: SafetyData) -> None:
    again = train(data)
    assert again.thresholds == model.thresholds
    text = "my bin was missed and I've not eaten for days"
    np.testing.assert_array_equal(
        again.classifier.probabilities(text), model.classifier.probabilities(text)
    )


def test_the_model_is_cached_by_a_hash_of_the_data(tmp_path: Path, data: SafetyData) -> None:
    key = data_hash(data)
    assert load(tmp_path, key) is None
    trained = load_or_train(BOTS, tmp_path)
    cached = load(tmp_path, key)
    assert cached is not None and cached.key == trained.key == key
    assert cached.thresholds == trained.thresholds
    text = "can you take my sofa, I won't need it after the weekend"
    assert cached.assess(text) == trained.assess(text)
    smaller = SafetyData(data.train[:-1], data.validation)
    assert data_hash(smaller) != key
