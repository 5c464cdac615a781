"""KeywordStubNlu: a placeholder classifier until the embedded model lands (see the NLU issue).

It only spots keywords. It is deliberately plain so nobody mistakes it for the real thing.
"""

from __future__ import annotations

import re

from app.understanding.nlu import IntentScore, NluResult

_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("crisis", r"end it all|kill myself|suicid"),
    ("domestic_abuse", r"abus|hits? me|violent partner"),
    ("homelessness", r"homeless|nowhere to (?:live|sleep|stay)|evict"),
    (
        "missed_bin",
        r"(?:bin|rubbish|recycling).*(?:not|n'?t|never|missed)\s*(?:been\s*)?"
        r"(?:collected|colected|emptied|picked)|missed (?:bin|collection)",
    ),
    ("bin_collection_day", r"bin day|bins?\b.*\b(?:when|day)|collection day|when.*bins?"),
    ("case_status", r"update|where is my|any news|progress|status"),
    ("complaint_new", r"complain"),
    ("council_tax_payment", r"pay.*council tax|council tax.*pay|direct debit"),
    ("speak_to_advisor", r"speak to (?:a |an )?(?:person|human|someone|advisor)"),
    ("pothole", r"pot ?hole"),
    ("fly_tipping", r"fly.?tip|dumped"),
    ("thanks", r"\bthank|\bcheers\b|\bta\b"),
    ("greet", r"^\s*(?:hi|hello|hiya|good (?:morning|afternoon))\b"),
)
_COMPILED = tuple((intent, re.compile(pattern, re.IGNORECASE)) for intent, pattern in _KEYWORDS)


class KeywordStubNlu:
    """First keyword that matches wins; nothing matched is out_of_scope with low confidence."""

    name = "keyword"

    def parse(self, text: str) -> NluResult:
        for intent, pattern in _COMPILED:
            if pattern.search(text):
                score = IntentScore(intent, 0.8)
                return NluResult(intent, 0.8, (score,), self.name)
        return NluResult("out_of_scope", 0.2, (IntentScore("out_of_scope", 0.2),), self.name)
