"""understand(): the classifier reads a reply's new words; safety cues read all of it."""

from __future__ import annotations

import functools

from app.pipeline.understand import understand
from app.understanding.nlu import NluBackend, build_nlu
from app.understanding.safety import DEFAULT_LEXICON_PATH, SafetyLexicon
from app.vocabulary import Channel
from tests.conftest import REPO

NEW = (
    "Can you take away an old sofa and a broken fridge from my front garden?\n\n"
    "Thanks\nSam Reid\n5 Elm Road\nNN3 2AB"
)
QUOTED = """

On Mon, 30 Nov 2026 at 09:14, Council Tax <counciltax@westnorthants.gov.uk> wrote:
> Dear Customer, thank you for your email about your council tax account.
> Your instalment due on 1 December remains unpaid. Please pay online or by direct debit
> to avoid a reminder notice and court summons. Single person discount and council tax
> reduction may be available; apply online. Your reference is WNC-412233.
> Revenues Team, West Northamptonshire Council, One Angel Square, Northampton NN1 1ED
"""


@functools.cache
def _nlu() -> NluBackend:
    return build_nlu("embedded", REPO / "bots", REPO / "instance" / "nlu", None, 1.0)


@functools.cache
def _lexicon() -> SafetyLexicon:
    return SafetyLexicon.load(DEFAULT_LEXICON_PATH)


def test_a_quoted_email_is_classified_by_its_new_text() -> None:
    assert _nlu().parse(NEW + QUOTED).intent != "bulky_waste"  # what the whole text reads as
    understanding = understand(NEW + QUOTED, _nlu(), _lexicon(), "WNC", Channel.EMAIL)
    assert understanding.nlu.intent == "bulky_waste"
    # The resident's own postcode (their signature), not the council's quoted one; the case
    # reference they did not repeat comes from what they quoted.
    assert understanding.entities.postcode == "NN3 2AB"
    assert understanding.entities.case_reference == "WNC-412233"


def test_safety_cues_still_read_the_quoted_history() -> None:
    risk = "> I can't go on any more, I'm going to end it all tonight.\n"
    understanding = understand(NEW + QUOTED + risk, _nlu(), _lexicon(), "WNC", Channel.EMAIL)
    assert understanding.nlu.intent == "bulky_waste"
    assert understanding.emergency


def test_a_transcript_is_read_as_the_caller_meant() -> None:
    said = "the bay leaves are coming on monday and i have nothing"  # bailiffs
    assert _nlu().parse(said).intent == "nlu_fallback"
    heard = understand(said, _nlu(), _lexicon(), "WNC", Channel.VOICE)
    assert heard.nlu.intent == "financial_hardship"
