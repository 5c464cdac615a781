"""`frontdoor nlu train` and `frontdoor nlu evaluate`, run as a council officer would."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_commands import run


def test_train_caches_the_model_by_content(tmp_path: Path) -> None:
    env = {"NLU_CACHE_DIR": str(tmp_path / "nlu")}
    first = run("nlu", "train", env=env)
    assert first.returncode == 0, first.stderr
    assert "31 intents" in first.stdout and "safety model safety-" in first.stdout
    # The intent classifier and the safety model, each under its own data hash.
    assert len(list((tmp_path / "nlu").glob("*.npz"))) == 2
    again = run("nlu", "train", env=env)
    assert again.stdout.split(":")[0] == first.stdout.split(":")[0]  # same content hash


def test_evaluate_prints_cross_validated_metrics_and_writes_a_confusion_matrix(
    tmp_path: Path,
) -> None:
    png = tmp_path / "confusion.png"
    result = run(
        "nlu", "evaluate", "--folds", "3", "--json", "--png", str(png),
        env={"NLU_CACHE_DIR": str(tmp_path / "nlu")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["backend"] == "embedded" and report["folds"] == 3
    assert report["examples"] >= 27 * 40
    assert 0.7 < report["accuracy"] <= 1.0 and 0.7 < report["macro_f1"] <= 1.0
    assert set(report["per_intent"]["missed_bin"]) == {"precision", "recall", "f1", "support"}
    assert report["worst_confusions"][0]["count"] >= report["worst_confusions"][-1]["count"]
    assert report["latency_p99_ms"] > 0 and report["training_seconds"] > 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_rasa_without_a_server_says_so(tmp_path: Path) -> None:
    result = run(
        "nlu", "evaluate", "--backend", "rasa",
        env={"RASA_URL": "http://127.0.0.1:9", "NLU_CACHE_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 1
    assert "no Rasa server with --enable-api at http://127.0.0.1:9" in result.stderr
