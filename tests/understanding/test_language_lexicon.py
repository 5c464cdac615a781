"""The reviewed word lists load, self-test, and refuse a list whose examples disagree."""

from __future__ import annotations

import pathlib

import pytest

from app.understanding.language_lexicon import (
    GreetingLexicon,
    LanguageLexiconError,
    RomanisedLexicon,
    plain_words,
)


def test_the_shipped_lists_load() -> None:
    assert RomanisedLexicon.load().language(plain_words("mujhe madad chahiye")) == "ur"
    assert GreetingLexicon.load().language(plain_words("Laba diena")) == "lt"


def test_accents_and_entities_do_not_change_the_words() -> None:
    assert plain_words("Dzień dobry, NN1 1AA, Łódź") == ["dzien", "dobry", "lodz"]


def test_a_greeting_beside_english_is_left_to_the_detector() -> None:
    assert GreetingLexicon.load().language(plain_words("Bom dia, can I pay online?")) is None


def test_a_romanised_list_whose_example_is_not_heard_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "romanised.yaml"
    path.write_text(
        "romanised_south_asian:\n"
        "  strong: {hindustani: [mujhe, madad, chahiye]}\n"
        "  weak: [main]\n"
        "  neutral: [salam]\n"
        "  examples: [['mujhe kiraya do', ur]]\n"
        "  non_examples: ['salam, my bin']\n",
        encoding="utf-8",
    )
    with pytest.raises(LanguageLexiconError, match="mujhe kiraya do"):
        RomanisedLexicon.load(path)


def test_a_greeting_list_whose_non_example_is_flagged_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "greetings.yaml"
    path.write_text(
        "greetings:\n"
        "  phrases: {es: [hola, buenos dias]}\n"
        "  examples: [['buenos dias', es]]\n"
        "  non_examples: ['hola']\n",
        encoding="utf-8",
    )
    with pytest.raises(LanguageLexiconError, match="hola"):
        GreetingLexicon.load(path)


def test_a_word_listed_as_strong_and_neutral_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "romanised.yaml"
    path.write_text(
        "romanised_south_asian:\n"
        "  strong: {hindustani: [mujhe, madad, bhai]}\n"
        "  weak: []\n"
        "  neutral: [bhai]\n"
        "  examples: [['mujhe madad', ur]]\n"
        "  non_examples: ['my bin']\n",
        encoding="utf-8",
    )
    with pytest.raises(LanguageLexiconError, match="bhai"):
        RomanisedLexicon.load(path)
