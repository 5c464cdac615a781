"""Safety cues in community languages: someone at risk is heard at the urgency of their words.

The messages here are not the lexicon's own examples (those are checked when it loads): they
test that the patterns generalise, without diacritics too, and that the router sends such a
message to a person at the right priority, not merely to an interpreter queue.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.calendar import CouncilCalendar
from app.pipeline.answers import ANSWER_PROVIDERS
from app.pipeline.decide import SAFEGUARDING_QUEUE, decide, routing_context
from app.pipeline.understand import Understanding
from app.routing.queues import load_queues
from app.routing.rules import Ruleset, load_ruleset
from app.understanding.entities import Entities
from app.understanding.language import non_english
from app.understanding.nlu import NluResult
from app.understanding.safety import SafetyLexicon
from app.understanding.training_data import routable_intents
from app.vocabulary import Channel, Flag, Outcome, Priority
from tests.conftest import REPO

PATH = REPO / "routing_rules" / "safety_cues_languages.yaml"
LEXICON = SafetyLexicon.load(PATH)
LANGUAGES = ("pl", "ro", "pt", "lt", "ur", "pa")
KINDS = ("suicidal", "violence", "abuse", "tonight", "no_food")

# (text, the flag it must raise, the least priority it must carry)
DISCLOSURES = [
    # Polish
    ("Dzien dobry, nie chce juz zyc, wszystko mnie przerasta", Flag.RISK_TO_LIFE, "emergency"),
    ("Mój były grozi, że mnie zabije, jak wrócę", Flag.RISK_TO_LIFE, "emergency"),
    ("Zgłaszam kosz. Mąż mnie popycha i szarpie przy dzieciach", Flag.DOMESTIC_ABUSE, "urgent"),
    ("od wczoraj nie mamy gdzie spac, jestem z corka", Flag.HOMELESSNESS, "urgent"),
    ("dzieci sa glodne a ja nie mam pieniedzy na jedzenie", Flag.FINANCIAL_HARDSHIP, "high"),
    # Romanian
    ("Buna ziua, ma gandesc sa-mi iau viata", Flag.RISK_TO_LIFE, "emergency"),
    ("fostul meu are un topor si e la usa", Flag.RISK_TO_LIFE, "emergency"),
    ("concubinul ma loveste cand bea", Flag.DOMESTIC_ABUSE, "urgent"),
    ("de azi dormim pe strada cu bebelusul", Flag.HOMELESSNESS, "urgent"),
    ("nu avem ce manca de ieri", Flag.FINANCIAL_HARDSHIP, "high"),
    # Portuguese
    ("boa tarde, estou a pensar em acabar com a minha vida", Flag.RISK_TO_LIFE, "emergency"),
    ("o meu ex disse que me mata se eu ficar", Flag.RISK_TO_LIFE, "emergency"),
    ("O meu companheiro agrediu-me ontem à noite", Flag.DOMESTIC_ABUSE, "urgent"),
    ("nao temos sitio para dormir esta noite", Flag.HOMELESSNESS, "urgent"),
    ("as criancas tem fome e nao temos comida", Flag.FINANCIAL_HARDSHIP, "high"),
    # Lithuanian
    ("Laba diena, galvoju nusizudyti", Flag.RISK_TO_LIFE, "emergency"),
    ("sugyventinis grasina mane uzmusti", Flag.RISK_TO_LIFE, "emergency"),
    ("Buvęs vyras mus stumdo ir terorizuoja", Flag.DOMESTIC_ABUSE, "urgent"),
    ("neturime kur nakvoti siandien", Flag.HOMELESSNESS, "urgent"),
    ("neturiu maisto vaikams", Flag.FINANCIAL_HARDSHIP, "high"),
    # Urdu, both scripts
    ("میں اپنی جان لے لوں گی، اب برداشت نہیں ہوتا", Flag.RISK_TO_LIFE, "emergency"),
    ("sasur ne jaan se maarne ki dhamki di hai", Flag.RISK_TO_LIFE, "emergency"),
    ("خاوند مجھے پیٹتا ہے اور بچے ڈرے ہوئے ہیں", Flag.DOMESTIC_ABUSE, "urgent"),
    ("aaj raat rehne ki koi jagah nahi bachon ke saath", Flag.HOMELESSNESS, "urgent"),
    ("bachay do din se bhookay hain", Flag.FINANCIAL_HARDSHIP, "high"),
    # Punjabi, both scripts
    ("ਮੈਂ ਹੁਣ ਜੀਣਾ ਨਹੀਂ ਚਾਹੁੰਦਾ", Flag.RISK_TO_LIFE, "emergency"),
    ("ghar wala kehnda jaanon maar dauga", Flag.RISK_TO_LIFE, "emergency"),
    ("ਘਰਵਾਲਾ ਰੋਜ਼ ਮੈਨੂੰ ਮਾਰਦਾ ਹੈ", Flag.DOMESTIC_ABUSE, "urgent"),
    ("ਸਾਨੂੰ ਸੜਕ 'ਤੇ ਸੌਣਾ ਪਵੇਗਾ", Flag.HOMELESSNESS, "urgent"),
    ("ਬੱਚਿਆਂ ਲਈ ਰੋਟੀ ਵੀ ਨਹੀਂ", Flag.FINANCIAL_HARDSHIP, "high"),
]

# Everyday messages in the same languages, with the words the cues use in their mundane sense.
EVERYDAY = [
    "Dzien dobry, kiedy odbior smieci? Kosz stoi od tygodnia",
    "Czy moge zaplacic podatek w ratach? Mam juz numer konta",
    "Buna ziua, vreau sa platesc taxa pe locuinta online",
    "vecinii lasa gunoiul afara langa pubela",
    "Bom dia, quando passa o camião do lixo na minha rua?",
    "o meu marido paga a taxa municipal por débito direto",
    "Laba diena, kada bus išvežtos šiukšlės?",
    "noriu sumokėti mokestį internetu",
    "mera council tax ka bill ghalat aya hai",
    "کونسل ٹیکس کا بل غلط آیا ہے",
    "sade ghar da bin kado chukoge?",
    "ਕੌਂਸਲ ਟੈਕਸ ਦਾ ਬਿੱਲ ਗਲਤ ਹੈ",
]


def test_each_language_has_every_kind_of_cue() -> None:
    ids = {cue.cue_id for cue in LEXICON.cues}
    missing = [
        f"{kind}_{lang}"
        for lang in LANGUAGES
        for kind in KINDS
        if not any(cue_id.endswith(f".{kind}_{lang}") for cue_id in ids)
    ]
    assert missing == []


@pytest.mark.parametrize(("text", "flag", "priority"), DISCLOSURES)
def test_a_disclosure_raises_its_flag_at_its_urgency(text: str, flag: Flag, priority: str) -> None:
    cues = LEXICON.detect(text)
    assert flag in {cue.flag for cue in cues}
    assert Priority.highest(*(cue.priority for cue in cues)) is Priority(priority)
    assert any(cue.forces_human for cue in cues)


@pytest.mark.parametrize("text", EVERYDAY)
def test_an_everyday_message_raises_nothing(text: str) -> None:
    assert LEXICON.detect(text) == []


@pytest.fixture(scope="module")
def shipped_rules() -> Ruleset:
    rules_dir = REPO / "routing_rules"
    intents = routable_intents(REPO / "bots")
    return load_ruleset(rules_dir, load_queues(rules_dir), intents, ANSWER_PROVIDERS)


@pytest.mark.parametrize(
    ("text", "outcome", "priority"),
    [
        ("nie chce juz zyc", Outcome.EMERGENCY, Priority.EMERGENCY),
        ("mujhe khudkushi ke khayal aa rahe hain", Outcome.EMERGENCY, Priority.EMERGENCY),
        ("Proprietarul ne-a dat afara azi noapte", Outcome.ADVISOR, Priority.URGENT),
    ],
)
def test_the_router_sends_it_to_a_person_at_that_urgency(
    shipped_rules: Ruleset, text: str, outcome: Outcome, priority: Priority
) -> None:
    understanding = Understanding(
        nlu=NluResult("nlu_fallback", 0.2, (), "test"),
        entities=Entities(),
        cues=tuple(LEXICON.detect(text)),
        language=non_english(text),
    )
    ctx = routing_context(understanding, Channel.SMS, frozenset(), datetime.now(UTC), CALENDAR)
    decision = decide(shipped_rules, ctx, understanding)
    assert understanding.language is not None  # the interpreter is still booked
    assert decision.most_human is outcome and decision.priority is priority
    if outcome is Outcome.EMERGENCY:
        assert decision.queue == SAFEGUARDING_QUEUE


CALENDAR = CouncilCalendar("Europe/London")


def test_the_router_loads_these_cues_beside_the_english_ones() -> None:
    ids = {cue.cue_id for cue in SafetyLexicon.load_dir(REPO / "routing_rules").cues}
    assert {"risk_to_life.suicidal_intent", "risk_to_life.suicidal_pl"} <= ids
