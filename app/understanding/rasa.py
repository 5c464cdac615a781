"""NLU_BACKEND=rasa: ask a Rasa server's /model/parse, and fall back to the embedded model."""

from __future__ import annotations

import time

import requests
import structlog

from app.understanding.nlu import FALLBACK_INTENT, IntentScore, NluBackend, NluResult

log = structlog.get_logger(__name__)

# After a failure, skip Rasa this long, so a dead server costs one timeout, not one per message.
BACKOFF_SECONDS = 30.0


class RasaNlu:
    """A Rasa server, with the embedded classifier standing by."""

    name = "rasa"

    def __init__(self, url: str, timeout: float, fallback: NluBackend) -> None:
        self._parse_url = url.rstrip("/") + "/model/parse"
        self._timeout = timeout
        self._fallback = fallback
        self._http = requests.Session()
        self._skip_until = 0.0

    def parse(self, text: str) -> NluResult:
        if time.monotonic() < self._skip_until:
            return self._fall_back(text, "backing off")
        try:
            response = self._http.post(self._parse_url, json={"text": text}, timeout=self._timeout)
            response.raise_for_status()
            return _from_rasa(response.json())
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            self._skip_until = time.monotonic() + BACKOFF_SECONDS
            return self._fall_back(text, type(exc).__name__)

    def _fall_back(self, text: str, reason: str) -> NluResult:
        log.warning("nlu.rasa_fallback", reason=reason, fallback=self._fallback.name)
        result = self._fallback.parse(text)
        return NluResult(
            result.intent, result.confidence, result.ranking, f"{result.backend}:fallback"
        )


def _from_rasa(body: dict[str, object]) -> NluResult:
    """Rasa's /model/parse answer as an NluResult."""
    intent = body["intent"]
    if not isinstance(intent, dict):
        raise TypeError("intent is not an object")
    name = intent.get("name") or FALLBACK_INTENT
    ranking_raw = body.get("intent_ranking") or []
    if not isinstance(ranking_raw, list):
        raise TypeError("intent_ranking is not a list")
    ranking = tuple(
        IntentScore(str(item["name"]), float(item["confidence"])) for item in ranking_raw
    )
    return NluResult(str(name), float(intent.get("confidence", 0.0)), ranking, "rasa")
