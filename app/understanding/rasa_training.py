"""Cross-validating Rasa's DIET on our folds, through a running Rasa server's HTTP API.

For each fold: POST /model/train with that fold's examples (NLU only: no stories or rules),
PUT /model to load the result, then /model/parse each held-out text. The server's own model is
put back afterwards.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests
import yaml

from app.understanding.nlu import FALLBACK_INTENT
from app.understanding.training_data import NLU_FILE, TrainingExample

TRAIN_TIMEOUT = 3600.0
PARSE_TIMEOUT = 10.0


class RasaUnavailableError(RuntimeError):
    """No Rasa server with its HTTP API enabled answered."""


class RasaTrainer:
    """A FoldTrainer backed by a Rasa server started with --enable-api."""

    name = "rasa"

    def __init__(self, url: str, bots_dir: Path) -> None:
        self._url = url.rstrip("/")
        self._http = requests.Session()
        try:
            status = self._http.get(f"{self._url}/status", timeout=5)
            status.raise_for_status()
            self._original_model = str(status.json().get("model_file", ""))
        except (requests.RequestException, ValueError) as exc:
            raise RasaUnavailableError(
                f"RASA_URL: no Rasa server with --enable-api at {self._url} ({type(exc).__name__})"
            ) from None
        config = yaml.safe_load((bots_dir / "config.yml").read_text(encoding="utf-8"))
        nlu = yaml.safe_load((bots_dir / NLU_FILE).read_text(encoding="utf-8"))
        self._config = {key: config[key] for key in ("recipe", "language", "pipeline")}
        # Regex features and synonyms help DIET as they would in production.
        self._extras = [block for block in nlu.get("nlu", []) if "intent" not in block]
        self._workdir = tempfile.TemporaryDirectory(prefix="frontdoor-rasa-cv-")

    def train(self, examples: Sequence[TrainingExample]) -> None:
        response = self._http.post(
            f"{self._url}/model/train",
            params={"save_to_default_model_directory": "false", "force_training": "true"},
            data=yaml.safe_dump(self._payload(examples), allow_unicode=True).encode(),
            headers={"Content-Type": "application/yaml"},
            timeout=TRAIN_TIMEOUT,
        )
        response.raise_for_status()
        model = Path(self._workdir.name) / response.headers.get("filename", "fold.tar.gz")
        model.write_bytes(response.content)
        self._load(str(model))

    def predict(self, text: str) -> str:
        response = self._http.post(
            f"{self._url}/model/parse", json={"text": text}, timeout=PARSE_TIMEOUT
        )
        response.raise_for_status()
        ranking = response.json().get("intent_ranking") or []
        for item in ranking:
            if item.get("name") != FALLBACK_INTENT:
                return str(item["name"])
        return FALLBACK_INTENT

    def close(self) -> None:
        """Put the server's own model back and remove the fold models."""
        if self._original_model:
            self._load(self._original_model)
        self._workdir.cleanup()

    def _load(self, model_file: str) -> None:
        response = self._http.put(
            f"{self._url}/model", json={"model_file": model_file}, timeout=TRAIN_TIMEOUT
        )
        response.raise_for_status()

    def _payload(self, examples: Sequence[TrainingExample]) -> dict[str, Any]:
        by_intent: dict[str, list[str]] = {}
        for example in examples:
            by_intent.setdefault(example.intent, []).append(example.text)
        blocks: list[dict[str, str]] = [
            {"intent": intent, "examples": "".join(f"- {text}\n" for text in texts)}
            for intent, texts in sorted(by_intent.items())
        ]
        return {
            **self._config,
            "policies": [],
            "version": "3.1",
            "intents": sorted(by_intent),
            "nlu": blocks + self._extras,
        }
