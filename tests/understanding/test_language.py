"""Non-English messages are flagged with their language; English ones never are."""

from __future__ import annotations

import pytest

from app.understanding.language import UNDETERMINED, non_english
from app.understanding.training_data import load_examples
from tests.conftest import REPO


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
