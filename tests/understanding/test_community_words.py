"""Community languages typed without their letters are heard by their everyday words."""

from __future__ import annotations

import pathlib

import pytest

from app.understanding.community_words import CommunityWords
from app.understanding.language import non_english
from app.understanding.language_lexicon import LanguageLexiconError, plain_words


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("kosz nie zostal oprozniony juz drugi raz", "pl"),
        ("Czy moge zaplacic council tax w ratach?", "pl"),
        ("gunoiul nu a fost ridicat, am nevoie de ajutor", "ro"),
        ("nao tenho dinheiro para a renda este mes", "pt"),
        ("mano vaikai neturi maisto, reikia pagalbos", "lt"),
        ("Ez bi Îngilîzî nizanim, wergêr divê", "ku"),
    ],
)
def test_a_message_without_its_letters_is_named(text: str, code: str) -> None:
    assert non_english(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "Casa Mia on Abington Street has left bags out again",
        "my neighbour Mr Rua says the pothole is getting worse",
        "there is nada in the bank until Friday, can I pay my council tax late",
        "need a new bin, the lid snapped",
    ],
)
def test_english_with_a_listed_word_or_two_is_left_alone(text: str) -> None:
    assert CommunityWords.load().language(plain_words(text)) is None
    assert non_english(text) is None


def test_two_languages_tied_are_left_to_the_detector() -> None:
    # "casa" is both Portuguese and Romanian; one word of each beside it ties them.
    assert CommunityWords.load().language(["casa", "nao", "este"]) is None


def test_a_list_naming_an_english_function_word_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "community_words.yaml"
    path.write_text(
        "community_words:\n"
        "  words: {pl: [nie, jest, your]}\n"
        "  examples: [['nie jest', pl]]\n"
        "  non_examples: ['my bin']\n",
        encoding="utf-8",
    )
    with pytest.raises(LanguageLexiconError, match="your"):
        CommunityWords.load(path)


def test_a_list_whose_non_example_is_flagged_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "community_words.yaml"
    path.write_text(
        "community_words:\n"
        "  words: {pt: [nao, tenho, casa]}\n"
        "  examples: [['nao tenho', pt]]\n"
        "  non_examples: ['casa nao']\n",
        encoding="utf-8",
    )
    with pytest.raises(LanguageLexiconError, match="casa nao"):
        CommunityWords.load(path)
