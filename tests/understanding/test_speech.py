"""Mishearings of places and services put right; ordinary words left alone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from app.understanding.speech import CONFUSIONS_PATH, Confusions, heard_as_meant


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("i want to pay my council tacks", "i want to pay my council tax"),
        ("Counsel Tax reminder", "council tax reminder"),
        ("loads of fly tripping in north hampton", "loads of fly tipping in Northampton"),
        ("we live in dave entry", "we live in Daventry"),
        ("the wheely bin in north-hampton", "the wheelie bin in Northampton"),
        ("set up a direct debbie", "set up a direct debit"),
    ],
)
def test_mishearings_that_mean_nothing_else_are_put_right_everywhere(
    heard: str, meant: str
) -> None:
    assert heard_as_meant(heard, spoken=False) == meant
    assert heard_as_meant(heard, spoken=True) == meant


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("the been men missed us in back lee", "the bin men missed us in Brackley"),
        ("what day is collection in toaster", "what day is collection in Towcester"),
        ("the bay leaves are coming monday", "the bailiffs are coming monday"),
        ("my really bin is broken", "my wheelie bin is broken"),
    ],
)
def test_voice_only_mishearings_are_put_right_in_transcripts_only(heard: str, meant: str) -> None:
    assert heard_as_meant(heard, spoken=True) == meant
    assert heard_as_meant(heard, spoken=False) == heard


@pytest.mark.parametrize(
    "text",
    [
        "can you collect my old toaster and a kettle",
        "there have been men outside all night",
        "I'm back at the flat, Lee is with me",
        "Dave entered the building at nine",
        "a taxi to Northampton station",
        "council taxes are too high",  # "taxes" is not "tacks"
        "I really binned it",
        "we went on a trip, no fly tipping seen",
    ],
)
def test_ordinary_words_are_untouched(text: str) -> None:
    assert heard_as_meant(text, spoken=True) == text


def test_the_longest_phrase_wins() -> None:
    assert heard_as_meant("north hampton shire council", spoken=False) == (
        "Northamptonshire council"
    )


def test_every_reviewed_phrase_is_put_right_and_scoped() -> None:
    confusions = Confusions.load(CONFUSIONS_PATH)
    for entry in yaml.safe_load(CONFUSIONS_PATH.read_text())["confusions"]:
        spoken = confusions.correct(f"x {entry['heard']} y", spoken=True)
        assert spoken == f"x {entry['means']} y", entry
        typed = confusions.correct(f"x {entry['heard']} y", spoken=False)
        assert typed == (spoken if entry["scope"] == "all" else f"x {entry['heard']} y"), entry


def test_a_bad_scope_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("confusions:\n  - {heard: dave entry, means: Daventry, scope: sms}\n")
    with pytest.raises(ValueError, match="scope"):
        Confusions.load(path)


def test_a_long_transcript_is_one_pass() -> None:
    text = "north hampton council tacks the been men fly " * 25_000  # about a megabyte
    started = time.perf_counter()
    heard_as_meant(text, spoken=True)
    assert time.perf_counter() - started < 5.0
