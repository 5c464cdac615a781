"""Near misses: which pairs are asked about, how replies are read, and bad files refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.routing.yaml_source import DataFileError
from app.understanding.near_miss import NEAR_MISSES_FILE, NearMiss, NearMisses
from app.understanding.nlu import FALLBACK_INTENT, IntentScore, NluResult
from app.understanding.training_data import routable_intents

RULES = Path(__file__).resolve().parents[2] / "routing_rules"
BOTS = Path(__file__).resolve().parents[2] / "bots"


def _shipped() -> NearMisses:
    return NearMisses.load(RULES, routable_intents(BOTS))


def _nlu(intent: str, *scores: tuple[str, float]) -> NluResult:
    return NluResult(intent, scores[0][1], tuple(IntentScore(n, c) for n, c in scores), "test")


def test_a_close_named_pair_is_asked_about_with_the_leader_first() -> None:
    near = _shipped().find(
        _nlu("council_tax_payment", ("council_tax_payment", 0.5), ("financial_hardship", 0.4))
    )
    assert near is not None
    assert near.options == ("council_tax_payment", "financial_hardship")
    assert "(reply 1)" in near.question and "(reply 2)" in near.question
    assert near.question.index("council tax") < near.question.index("hard to pay")


def test_a_clear_leader_is_not_asked_about() -> None:
    confident = _nlu(
        "council_tax_payment", ("council_tax_payment", 0.9), ("financial_hardship", 0.08)
    )
    assert _shipped().find(confident) is None


def test_a_pair_nobody_named_is_not_asked_about() -> None:
    unnamed = _nlu(FALLBACK_INTENT, ("pothole", 0.4), ("bulky_waste", 0.38))
    assert _shipped().find(unnamed) is None


def test_a_fallback_between_a_named_pair_is_asked_about() -> None:
    unsure = _nlu(FALLBACK_INTENT, ("case_status", 0.35), ("missed_bin", 0.3), ("pothole", 0.1))
    near = _shipped().find(unsure)
    assert near is not None and near.options == ("case_status", "missed_bin")


def test_a_pair_holding_too_little_of_the_belief_is_not_asked_about() -> None:
    spread = _nlu(FALLBACK_INTENT, ("case_status", 0.2), ("missed_bin", 0.15), ("pothole", 0.14))
    assert _shipped().find(spread) is None


@pytest.mark.parametrize(
    ("reply", "reply_intent", "chosen"),
    [
        ("1", "inform", "council_tax_payment"),
        ("2", "inform", "financial_hardship"),
        ("  Two. ", "nlu_fallback", "financial_hardship"),
        ("the first one", "inform", "council_tax_payment"),
        ("I'm struggling to be honest", "nlu_fallback", "financial_hardship"),
        ("just want to pay it", "council_tax_payment", "council_tax_payment"),
        ("it's been 2 weeks and nobody has rung me", "nlu_fallback", None),
        ("what time do you close", "nlu_fallback", None),
        ("set up instalments please", "inform", "council_tax_payment"),
    ],
)
def test_the_reply_picks_an_option_or_nothing(
    reply: str, reply_intent: str, chosen: str | None
) -> None:
    asked = NearMiss("council_tax_payment", "financial_hardship", "?")
    assert _shipped().choice(asked, reply, _nlu(reply_intent, (reply_intent, 0.6))) == chosen


def test_the_replys_own_intent_decides_when_its_words_do_not() -> None:
    asked = NearMiss("case_status", "missed_bin", "?")
    reply = _nlu("missed_bin", ("missed_bin", 0.8))
    assert _shipped().choice(asked, "they never came", reply) == "missed_bin"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("pairs:\n", "pairs:\n    - [bulky_waste, case_status]\n"), "has no label"),
        (("  margin: 0.3", "  margin: 3"), "margin"),
        (("{second}", "{other}"), "question must contain"),
        (
            (
                "    case_status:\n",
                "    not_an_intent:\n      says: x y z\n      words: [x]\n    case_status:\n",
            ),
            "unknown intent 'not_an_intent'",
        ),
    ],
)
def test_a_faulty_file_is_refused_with_its_line(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    shutil.copy(RULES / NEAR_MISSES_FILE, tmp_path / NEAR_MISSES_FILE)
    path = tmp_path / NEAR_MISSES_FILE
    text = path.read_text()
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1))
    with pytest.raises(DataFileError, match=rf"{NEAR_MISSES_FILE}:\d+: .*{message}"):
        NearMisses.load(tmp_path, routable_intents(BOTS))
