"""bots/: the single source of training data is complete and consistent."""

from __future__ import annotations

import re
from collections import Counter

import yaml

from app.understanding.training_data import load_examples, load_intents, strip_annotations
from tests.conftest import REPO

BOTS = REPO / "bots"
TAXONOMY = {
    "bin_collection_day", "missed_bin", "bulky_waste", "assisted_collection",
    "council_tax_payment", "council_tax_discount", "moving_home", "bereavement",
    "birth_registration", "school_admissions", "planning_application", "parking_permit",
    "pothole", "fly_tipping", "complaint_new", "case_status", "help_at_home", "homelessness",
    "domestic_abuse", "financial_hardship", "food_support", "benefits", "crisis",
    "speak_to_advisor", "greet", "thanks", "out_of_scope",
}  # fmt: skip


def _domain() -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load((BOTS / "domain.yml").read_text())
    return loaded


def test_every_taxonomy_intent_has_at_least_40_examples() -> None:
    counts = Counter(example.intent for example in load_examples(BOTS))
    assert set(counts) >= TAXONOMY
    assert {intent: n for intent, n in counts.items() if n < 40} == {}


def test_no_example_is_repeated_within_or_across_intents() -> None:
    seen = Counter(example.text.lower() for example in load_examples(BOTS))
    assert [text for text, n in seen.items() if n > 1] == []


def test_the_domain_declares_every_intent_and_entity() -> None:
    domain = _domain()
    assert set(domain["intents"]) == load_intents(BOTS)  # type: ignore[call-overload]
    raw = (BOTS / "data" / "nlu.yml").read_text()
    used = set(re.findall(r"\]\((\w+)\)", raw))
    assert used <= set(domain["entities"])  # type: ignore[call-overload]


def test_annotations_are_stripped_for_the_embedded_backend() -> None:
    assert strip_annotations("ref [WNC-204318](case_reference) at [NN1 1AA](postcode)") == (
        "ref WNC-204318 at NN1 1AA"
    )
