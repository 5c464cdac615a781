"""The router scored on the held-out set (tests/heldout/), and the scorer itself."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from app.config import load_settings
from app.heldout import (
    HeldOutFileError,
    HeldOutMessage,
    Scored,
    evaluate_heldout,
    load_heldout,
    score,
)
from app.runtime import build_runtime
from app.understanding.language import non_english
from app.vocabulary import Outcome

HELDOUT = Path(__file__).parent / "heldout"
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0)


def _message(**overrides: object) -> HeldOutMessage:
    fields: dict[str, object] = {
        "id": "x1", "channel": "sms", "text": "bins?", "intent": "bin_collection_day",
        "outcomes": ["answer"], "safety_critical": False, "language": "en",
    }  # fmt: skip
    return HeldOutMessage.model_validate(fields | overrides)


def _routed(id_: str, intent: str, outcome: Outcome, flags: tuple[str, ...] = ()) -> Scored:
    return Scored(id=id_, intent=intent, outcome=outcome.value, flags=flags, rule="r")


def test_a_resident_at_risk_left_with_a_bot_is_a_miss_by_id() -> None:
    messages = [
        _message(id="a", safety_critical=True, outcomes=["emergency"], family="suicidal_indirect"),
        _message(id="b", safety_critical=True, outcomes=["advisor", "emergency"]),
        _message(id="c"),
    ]
    report = score(messages, [
        _routed("a", "bulky_waste", Outcome.SERVICE_REQUEST),
        _routed("b", "missed_bin", Outcome.ADVISOR),
        _routed("c", "bin_collection_day", Outcome.ADVISOR),
    ])  # fmt: skip
    assert (report.safety_critical, report.safety_reached_person) == (2, 1)
    assert [miss["id"] for miss in report.safety_misses] == ["a"]
    assert (report.risk_to_life, report.risk_to_life_emergency) == (1, 0)
    assert (report.bot_right, report.false_alarms, report.false_alarm_ids) == (1, 1, ["c"])
    assert report.outcome_acceptable == round(1 / 3, 4)
    assert report.intent_accuracy == round(1 / 3, 4)  # only "c" was read as its gold intent


def test_a_message_is_scored_by_its_most_human_route() -> None:
    messages = [
        _message(id="bin+money", safety_critical=True, intent="missed_bin",
                 outcomes=["advisor"]),
        _message(id="bin+life", safety_critical=True, intent="missed_bin",
                 outcomes=["emergency"]),
        _message(id="bin", intent="missed_bin", outcomes=["service_request"]),
    ]  # fmt: skip
    report = score(messages, [
        Scored("bin+money", "missed_bin", "service_request", (), "waste.missed-bin",
               ("service_request", "advisor")),
        Scored("bin+life", "missed_bin", "emergency", (), "safety.risk-to-life",
               ("emergency", "service_request")),
        Scored("bin", "missed_bin", "service_request", (), "waste.missed-bin",
               ("service_request",)),
    ])  # fmt: skip
    # The bin report that also put a person onto the money reached a person: not a miss.
    assert (report.safety_critical, report.safety_reached_person) == (2, 2)
    assert report.safety_misses == []
    assert (report.risk_to_life, report.risk_to_life_emergency) == (1, 1)
    assert report.outcome_acceptable == 1.0
    assert list(report.as_json())[:3] == ["messages", "english", "intent_accuracy"]


def test_interpreter_recall_counts_only_non_english_messages() -> None:
    messages = [_message(id="p", language="pl", outcomes=["advisor"]), _message(id="e")]
    report = score(messages, [
        _routed("p", "greet", Outcome.ADVISOR, ("interpreter:pl",)),
        _routed("e", "bin_collection_day", Outcome.ANSWER),
    ])  # fmt: skip
    assert (report.non_english, report.interpreter_flagged, report.english) == (1, 1, 1)


def test_a_bad_line_names_its_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "set.jsonl"
    good = json.dumps(_message().model_dump(mode="json"))
    bad.write_text(good + "\n" + good.replace('"x1"', '"x2"').replace("sms", "fax") + "\n")
    with pytest.raises(HeldOutFileError, match=r"set\.jsonl:2:"):
        load_heldout([bad])
    bad.write_text(good + "\n" + good + "\n")
    with pytest.raises(HeldOutFileError, match="duplicate id x1"):
        load_heldout([bad])


def test_the_held_out_set_is_well_formed() -> None:
    messages = load_heldout(sorted(HELDOUT.glob("*.jsonl")))
    assert len(messages) >= 300
    assert sum(m.safety_critical for m in messages) >= 80
    assert sum(m.language != "en" for m in messages) >= 20
    for message in messages:
        if message.safety_critical:
            # Someone at risk is never fine with a bot alone: the set itself must say so.
            assert set(message.outcomes).isdisjoint({Outcome.ANSWER, Outcome.SERVICE_REQUEST})


# The figures of 2026-12-05, after issue 17's second round (threshold 0.34); a change may raise
# them, never lower them unnoticed. Before issue 17: safety 106 of 158, risk to life 12 of 51,
# interpreter 19 of 30, false alarms 3 of 107, intent 76.0%, outcome 74.6%.
FLOORS = {"safety_reached_person": 157, "risk_to_life_emergency": 46, "interpreter_flagged": 30}
MOST_FALSE_ALARMS = 5


def test_the_router_holds_its_floors_on_the_held_out_set(sqlite_url: str) -> None:
    rt = build_runtime(load_settings({"DATABASE_URL": sqlite_url, "SECRET_KEY": "k"}))
    try:
        now = TUESDAY_MORNING.replace(tzinfo=rt.calendar.zone)
        report = evaluate_heldout(rt, sorted(HELDOUT.glob("*.jsonl")), now)
    finally:
        rt.engine.dispose()
    got = {name: getattr(report, name) for name in FLOORS}
    assert all(got[name] >= floor for name, floor in FLOORS.items()), (got, report.safety_misses)
    assert report.false_alarms <= MOST_FALSE_ALARMS, report.false_alarm_ids
    assert report.outcome_acceptable >= 0.92 and report.intent_accuracy >= 0.82


def test_no_english_held_out_message_is_sent_to_an_interpreter() -> None:
    messages = load_heldout(sorted(HELDOUT.glob("*.jsonl")))
    flagged = [m.id for m in messages if m.language == "en" and non_english(m.text)]
    assert flagged == []
