"""Non-English messages are flagged with their language; English ones never are."""

from __future__ import annotations

import pathlib

import pytest
import yaml

from app.understanding.language import UNDETERMINED, non_english
from app.understanding.training_data import load_examples
from tests.conftest import REPO

VALIDATION = yaml.safe_load(
    (pathlib.Path(__file__).parent / "language_validation.yaml").read_text(encoding="utf-8")
)
# Of the validation set's foreign messages, how many are flagged today (bench/language_bench.py):
# a floor, so that a change cannot quietly lose them. The three missed are Kurmanji and
# code-mixed Polish, which CLD2 cannot name.
FOREIGN_FLAGGED_FLOOR = 122  # all of them, since the community-words list (2026-12-05)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Dzień dobry, mój kosz na śmieci nie został opróżniony", "pl"),
        ("Nu pot să plătesc chiria luna aceasta", "ro"),
        ("Mano šiukšlių dėžė nebuvo ištuštinta", "lt"),
        ("میرا کوڑا دان خالی نہیں کیا گیا", "ur"),
        ("Olá, o meu caixote do lixo não foi recolhido", "pt"),
        ("আমার বাড়ির আবর্জনা নেওয়া হয়নি", "bn"),
        ("ਮੇਰਾ ਕੂੜਾ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ", "pa"),
        ("Не можу оплатити податок", "uk"),
        ("Sharci ma bixin karo", "so"),
        ("Nie mam gdzie spać dzisiaj NN1 1AA", "pl"),
    ],
)
def test_non_english_is_named(text: str, code: str) -> None:
    assert non_english(text) == code


def test_no_english_training_example_is_flagged() -> None:
    flagged = [e.text for e in load_examples(REPO / "bots") if non_english(e.text)]
    assert flagged == []


@pytest.mark.parametrize(
    "text",
    ["hiya", "go ahead", "tell us once", "NN1 1AA", "WNC-204318", "ta", "", "12 Abington St"],
)
def test_short_or_entity_only_text_is_left_alone(text: str) -> None:
    assert non_english(text) is None


def test_a_short_non_latin_message_is_still_not_english() -> None:
    assert non_english("مرحبا") == UNDETERMINED


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mujhe angrezi nahi aati, koi urdu mein baat kare", "ur"),
        ("mera kiraya is mahine nahi de sakti, kya karun", "ur"),
        ("Assalam o alaikum bhai, hamare ghar ka bin do hafte se nahi uthaya", "ur"),
        ("plz kisi ko bhejo, chhat se pani tapak raha hai", "ur"),
        ("tusi mainu dasso bin kado aauga", "pa"),
        ("sanu ghar vich heating nahi hegi", "pa"),
        ("kripya mujhe council tax ki jankari dijiye", "hi"),
    ],
)
def test_romanised_south_asian_is_named(text: str, code: str) -> None:
    assert non_english(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Dzien dobry", "pl"),
        ("Dzień dobry!", "pl"),
        ("czesc, dziekuje", "pl"),
        ("Buna ziua", "ro"),
        ("Bună seara!!", "ro"),
        ("Bom dia", "pt"),
        ("Boa tarde, obrigada", "pt"),
    ],
)
def test_a_greeting_alone_is_named(text: str, code: str) -> None:
    assert non_english(text) == code


def test_no_english_validation_message_is_flagged() -> None:
    flagged = [text for text in VALIDATION["english"] if non_english(text)]
    assert flagged == []


def test_foreign_validation_messages_are_flagged() -> None:
    flagged = [text for text, _codes in VALIDATION["foreign"] if non_english(text)]
    assert len(flagged) >= FOREIGN_FLAGGED_FLOOR
