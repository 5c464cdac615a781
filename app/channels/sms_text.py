"""Fitting words into text messages: segments counted as carriers count them; long ones split."""

from __future__ import annotations

import math
import re

# The GSM 03.38 basic character set; anything else makes the whole message UCS-2.
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def segments(text: str) -> int:
    """How many SMS segments `text` costs (153 GSM or 67 UCS-2 characters each when split)."""
    gsm = all(ch in _GSM for ch in text)
    single, multi = (160, 153) if gsm else (70, 67)
    return 1 if len(text) <= single else math.ceil(len(text) / multi)


def polite_parts(text: str, limit: int = 459) -> list[str]:
    """Split at sentence ends (else word ends) into parts of at most `limit` characters,
    numbered "(1/2)" when there is more than one, so each reads whole on a phone."""
    if len(text) <= limit:
        return [text]
    budget = limit - len(" (9/9)")
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, budget):
        joined = f"{current} {piece}".strip()
        if len(joined) <= budget:
            current = joined
        else:
            parts.append(current)
            current = piece
    parts.append(current)
    return [f"{part} ({i}/{len(parts)})" for i, part in enumerate(parts, start=1)]


def _pieces(text: str, budget: int) -> list[str]:
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        if len(sentence) <= budget:
            pieces.append(sentence)
            continue
        pieces.extend(_words(sentence, budget))
    return pieces


def _words(sentence: str, budget: int) -> list[str]:
    chunks, current = [], ""
    words = [w[i : i + budget] for w in sentence.split() for i in range(0, len(w), budget)]
    for word in words:
        if current and len(current) + 1 + len(word) > budget:
            chunks.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    chunks.append(current)
    return chunks
