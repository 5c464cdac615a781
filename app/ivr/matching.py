"""Which menu option a caller chose: by key, by the words they said, or by what they meant.

Speech recognisers mishear ("council tags"), so a spoken choice is either sure (act on it) or
likely (say it back and ask), never silently guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, utils

from app.ivr.flows import MenuOption, MenuStep
from app.understanding.nlu import NluResult

# Phrase scores (0-100, see phrase_score) and how far the best option must lead the next.
EXACT_SCORE = 97.0  # the caller said one of the option's phrases
SURE_SCORE = 85.0
SURE_MARGIN = 15.0
LIKELY_SCORE = 70.0  # below this, or too close to another option, the words match nothing
LIKELY_MARGIN = 5.0
SURE_INTENT = 0.75
LIKELY_INTENT = 0.45
# Twilio's own confidence in its transcript; below this even a sure match is said back.
HEARD_CLEARLY = 0.5


@dataclass(frozen=True)
class MenuMatch:
    option: MenuOption
    sure: bool
    how: str  # "keys" | "words" | "intent", for the record
    score: float = 100.0


def by_keys(menu: MenuStep, digits: str) -> MenuMatch | None:
    """The option whose key was pressed (the first key, if several)."""
    for option in menu.options:
        if digits[:1] == option.key:
            return MenuMatch(option, sure=True, how="keys")
    return None


def by_speech(
    menu: MenuStep, said: str, nlu: NluResult, heard_confidence: float | None
) -> MenuMatch | None:
    """The option the caller most likely meant, and whether we are sure enough to act."""
    words = _by_words(menu, said)
    meant = _by_intent(menu, nlu)
    match = _combine(words, meant)
    if match is not None and heard_confidence is not None and heard_confidence < HEARD_CLEARLY:
        return MenuMatch(match.option, sure=False, how=match.how)
    return match


def phrase_score(said: str, phrase: str) -> float:
    """0-100: shared words (ignoring extra ones) blended with word order and spelling."""
    shared = fuzz.token_set_ratio(said, phrase, processor=utils.default_process)
    ordered = fuzz.token_sort_ratio(said, phrase, processor=utils.default_process)
    return (shared + ordered) / 2


def _by_words(menu: MenuStep, said: str) -> MenuMatch | None:
    """The best option by its phrases, sure only when it clearly beats the runner-up."""
    scored = sorted(
        (
            (max(phrase_score(said, p) for p in option.says), n)
            for n, option in enumerate(menu.options)
        ),
        reverse=True,
    )
    best, index = scored[0]
    margin = best - scored[1][0] if len(scored) > 1 else best
    if best < LIKELY_SCORE or margin < LIKELY_MARGIN:
        return None
    sure = (best >= SURE_SCORE and margin >= SURE_MARGIN) or best >= EXACT_SCORE
    return MenuMatch(menu.options[index], sure=sure, how="words", score=best)


def _by_intent(menu: MenuStep, nlu: NluResult) -> MenuMatch | None:
    if nlu.confidence < LIKELY_INTENT:
        return None
    for option in menu.options:
        if nlu.intent in option.intents:
            return MenuMatch(option, sure=nlu.confidence >= SURE_INTENT, how="intent")
    return None


def _combine(words: MenuMatch | None, meant: MenuMatch | None) -> MenuMatch | None:
    """Agreeing evidence makes a choice sure; disagreeing evidence makes neither sure."""
    if words is None or meant is None:
        return words or meant
    if words.option == meant.option:
        return MenuMatch(words.option, sure=True, how="words", score=words.score)
    if words.score >= EXACT_SCORE:
        return words  # they said the option's own words; a classifier's guess does not overrule
    # They disagree: trust the sure one if only one is sure, else ask about the words.
    if words.sure != meant.sure:
        return words if words.sure else meant
    return MenuMatch(words.option, sure=False, how="words")
