"""The 'not sure' threshold in bots/config.yml is the one cross-validation chooses."""

from __future__ import annotations

import functools
import shutil
from datetime import date
from pathlib import Path

import yaml

from app.understanding.calibration import (
    Calibration,
    Operating,
    calibrate,
    operating,
    pick,
    write_threshold,
)
from app.understanding.training_data import load_examples, load_fallback_threshold
from tests.conftest import REPO

BOTS = REPO / "bots"


@functools.cache
def _calibration() -> Calibration:
    return calibrate(load_examples(BOTS))


def test_the_configured_threshold_is_within_what_calibration_chooses() -> None:
    """Training data added since the last `frontdoor nlu calibrate --write` may move the choice
    a little; outside the folds' own range, run it again."""
    result = _calibration()
    configured = load_fallback_threshold(BOTS)
    assert result.low <= configured <= result.high, (configured, result.low, result.high)
    assert abs(configured - result.chosen.threshold) <= 0.05
    assert result.chosen.accuracy_answered >= result.min_accuracy


def test_pick_is_the_lowest_threshold_meeting_the_accuracy() -> None:
    scored = [(0.9, True)] * 8 + [(0.7, False), (0.6, True), (0.3, False), (0.2, True)]
    # At 0.31 ten are answered, nine right; at 0.21 eleven, nine right.
    assert pick(scored, min_accuracy=0.9).threshold == 0.31
    assert operating(scored, 0.21).accuracy_answered < 0.9
    # Only the eight sure ones are right often enough for 95%.
    assert pick(scored, min_accuracy=0.95) == Operating(0.71, 8 / 12, 1.0, 0.0, 2 / 12)


def test_write_threshold_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    shutil.copy(BOTS / "config.yml", tmp_path / "config.yml")
    before = yaml.safe_load((tmp_path / "config.yml").read_text())
    point = Operating(0.37, 0.9, 0.91, 0.08, 0.05)
    result = Calibration(point, (0.33, 0.41), 0.9, 5, 1000)
    write_threshold(tmp_path / "config.yml", result, date(2026, 12, 5))
    write_threshold(tmp_path / "config.yml", result, date(2026, 12, 5))  # twice: one note
    text = (tmp_path / "config.yml").read_text()
    after = yaml.safe_load(text)
    assert load_fallback_threshold(tmp_path) == 0.37
    assert text.count("# Calibrated 2026-12-05") == 1
    fallback = next(c for c in after["pipeline"] if c["name"] == "FallbackClassifier")
    assert fallback == {"name": "FallbackClassifier", "threshold": 0.37}
    assert {k: v for k, v in after.items() if k != "pipeline"} == {
        k: v for k, v in before.items() if k != "pipeline"
    }
    assert [c["name"] for c in after["pipeline"]] == [c["name"] for c in before["pipeline"]]
