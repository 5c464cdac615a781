"""Replies that tell the truth (issue 18, item 7): the team that really has the conversation,
the resident's own language beside English, and when a person will reply out of hours."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import Session, select

from app.config import load_settings
from app.explain import explain
from app.models import Case, RoutingDecision
from app.pipeline.act import ActResult
from app.pipeline.handle import handle_message
from app.pipeline.holding_reply import ENGLISH, FIELDS, Translations
from app.routing.yaml_source import DataFileError
from app.runtime import Runtime, build_runtime
from app.vocabulary import Channel
from tests.conftest import REPO
from tests.factories import count, inbound, seed_demo, store

TRANSLATIONS = REPO / "routing_rules" / "translations.yaml"
# Saturday night in January (GMT): the lines open again at 08:30 on Monday 12 January.
SATURDAY_NIGHT = datetime(2026, 1, 10, 22, 15, tzinfo=UTC)
# Maundy Thursday evening: Good Friday and Easter Monday are bank holidays (BST, UTC+1).
BEFORE_EASTER = datetime(2026, 4, 2, 17, 30, tzinfo=UTC)
TUESDAY_MORNING = datetime(2026, 1, 13, 10, 0, tzinfo=UTC)
DUTY_TEAM = "01604 000999"


def _say(rt: Runtime, text: str, thread: str = "chat-1") -> ActResult:
    result = handle_message(rt, store(rt, inbound(text, thread=thread)))
    assert result is not None
    return result


def _texts(language: str) -> dict[str, str]:
    """The shipped translation, read straight from the data file."""
    document = yaml.safe_load(TRANSLATIONS.read_text(encoding="utf-8"))
    entry = next(e for e in document["translations"]["languages"] if e["code"] == language)
    texts: dict[str, str] = entry["texts"]
    return texts


# -- The team that really has it ----------------------------------------------------------


def test_asking_for_a_person_stays_with_the_team_the_conversation_is_with(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    first = _say(rt, "my landlord has served me an eviction notice and I have to be out in a week")
    housing = session.exec(select(Case).where(Case.queue == "housing_options")).one()
    assert first.case_id == housing.id
    later = _say(rt, "I want to talk to a person")
    # No Customer Services case: the person they want is the Housing Options officer.
    assert count(session, Case) == 1
    assert later.case_id == housing.id and later.case_reference == housing.reference
    assert "Housing Options" in later.reply and housing.reference in later.reply
    assert "Customer Services" not in later.reply
    asked = session.exec(
        select(RoutingDecision).where(RoutingDecision.rule_id == "people.speak-to-advisor")
    ).one()
    assert (asked.queue, asked.case_id) == ("housing_options", housing.id)


def test_asking_for_a_person_with_no_team_yet_reaches_customer_services(
    rt: Runtime, session: Session
) -> None:
    result = _say(rt, "can I speak to someone please")
    case = session.exec(select(Case)).one()
    assert case.queue == "customer_services"
    assert "Customer Services" in result.reply and case.reference in result.reply


# -- The resident's own language ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pl", "Dzień dobry, od tygodnia nikt nie odebrał śmieci spod mojego domu"),
        ("ro", "Bună ziua, aș vrea să vorbesc cu cineva despre taxa pe locuință"),
        ("ur", "السلام علیکم، مجھے کونسل ٹیکس کے بارے میں مدد چاہیے"),
        ("pa", "ਮੈਨੂੰ ਆਪਣੇ ਘਰ ਦੇ ਕੂੜੇ ਬਾਰੇ ਮਦਦ ਚਾਹੀਦੀ ਹੈ"),
    ],
)
def test_the_holding_reply_carries_the_translation_and_the_english(
    rt: Runtime, session: Session, language: str, text: str
) -> None:
    result = _say(rt, text)
    case = session.exec(select(Case)).one()
    assert f"interpreter:{language}" in case.flags
    assert result.case_reference == case.reference
    translated = _texts(language)["holding"].format(reference=case.reference)
    assert result.reply.startswith(translated)  # their language first, then English
    assert "arrange an interpreter in your language" in result.reply
    assert result.reply.count(case.reference) == 2


def test_a_disclosure_in_polish_gets_plain_words_in_polish_that_name_no_team(
    rt: Runtime, session: Session
) -> None:
    result = _say(rt, "Dzień dobry, mój partner mnie bije, proszę o pomoc")
    assert "Safeguarding" not in result.reply
    assert _texts("pl")["plain"] in result.reply
    assert "If you are in danger now, call 999" in result.reply


def test_an_english_message_gets_english_only(rt: Runtime, session: Session) -> None:
    result = _say(rt, "my wheelie bin was not emptied on Tuesday")
    assert "\n" not in result.reply
    assert not any(text in result.reply for text in _texts("pl").values())


# -- When a person will reply ---------------------------------------------------------------


def _explain(rt: Runtime, text: str, now: datetime) -> str:
    reply: str = explain(rt, text, Channel.WEB, now)["reply"]
    return reply


def test_out_of_hours_the_reply_says_when_from_the_calendar(rt: Runtime) -> None:
    text = "my husband passed away, what do I need to do about his council tax"
    weekend = _explain(rt, text, SATURDAY_NIGHT)
    assert "Council Tax and Benefits team" in weekend
    assert "Our offices are closed now" in weekend
    assert "8:30am on Monday 12 January" in weekend
    # Good Friday and Easter Monday are bank holidays: nobody is there until Tuesday.
    assert "8:30am on Tuesday 7 April" in _explain(rt, text, BEFORE_EASTER)
    assert "closed" not in _explain(rt, text, TUESDAY_MORNING)


def test_out_of_hours_a_polish_resident_is_told_when_in_polish(rt: Runtime) -> None:
    reply = _explain(rt, "Dzień dobry, potrzebuję pomocy z podatkiem lokalnym", SATURDAY_NIGHT)
    opens = _texts("pl")["closed"].format(opens="poniedziałek, 12.01.2026, godz. 08:30")
    assert opens in reply and "8:30am on Monday 12 January" in reply


def test_a_bot_answer_out_of_hours_promises_nobody(rt: Runtime) -> None:
    reply = _explain(rt, "what day are my bins collected", SATURDAY_NIGHT)
    assert "closed" not in reply


@pytest.fixture
def rt_with_duty_team(tmp_path: Path, database_url: str) -> Any:
    """The shipped rules with an out-of-hours number for Safeguarding."""
    rules = tmp_path / "routing_rules"
    shutil.copytree(REPO / "routing_rules", rules)
    path = rules / "queues.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    safeguarding = next(q for q in document["queues"] if q["id"] == "safeguarding")
    safeguarding["out_of_hours_number"] = DUTY_TEAM
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    settings = load_settings(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": None,
            "FRONTDOOR_ENV": "test",
            "SECRET_KEY": "test-secret-key",
            "ROUTING_RULES_DIR": str(rules),
        }
    )
    runtime = build_runtime(settings)
    yield runtime
    runtime.engine.dispose()


def test_out_of_hours_an_urgent_queue_gives_its_out_of_hours_number(
    rt_with_duty_team: Runtime,
) -> None:
    rt = rt_with_duty_team
    number = rt.queues["safeguarding"].out_of_hours_number
    assert number is not None
    urgent = "my partner hits me and I am scared to go home tonight"
    night = _explain(rt, urgent, SATURDAY_NIGHT)
    assert f"call our out-of-hours team on {number}" in night
    assert "8:30am on Monday 12 January" in night
    assert number not in _explain(rt, urgent, TUESDAY_MORNING)  # by day, the team itself
    # A queue with no out-of-hours number, or a need that is not urgent, gets no number.
    assert number not in _explain(rt, "can I talk to an advisor please", SATURDAY_NIGHT)


def test_out_of_hours_an_urgent_queue_without_a_number_points_to_999(rt: Runtime) -> None:
    assert rt.queues["safeguarding"].out_of_hours_number is None
    night = _explain(rt, "my partner hits me and I am scared to go home tonight", SATURDAY_NIGHT)
    assert "If anyone is in danger before then, call 999." in night
    bereaved = "my husband passed away, what do I need to do about his council tax"
    assert "999" not in _explain(rt, bereaved, SATURDAY_NIGHT)


# -- The translations file ----------------------------------------------------------------


def test_the_translations_translate_what_the_english_reply_says(rt: Runtime) -> None:
    interpreter = next(r for r in rt.ruleset.rules if r.id == "language.interpreter")
    assert interpreter.then.reply == ENGLISH.holding
    loaded = Translations.load(REPO / "routing_rules")
    # The six community languages at least, each awaiting or signed off by a reviewer.
    assert {"pl", "ro", "pt", "lt", "ur", "pa"} <= loaded.languages.keys()
    for language in loaded.languages.values():
        review = language.review
        assert review.status == "awaiting_review" or (review.reviewed_by and review.reviewed_on)
        for name in FIELDS:
            assert getattr(language.texts, name) != getattr(ENGLISH, name)


def _broken(tmp_path: Path, edit: Any) -> Path:
    document = yaml.safe_load(TRANSLATIONS.read_text(encoding="utf-8"))
    edit(document["translations"])
    (tmp_path / "translations.yaml").write_text(yaml.safe_dump(document, allow_unicode=True))
    return tmp_path


def test_a_translation_that_drops_the_reference_is_refused(tmp_path: Path) -> None:
    def drop(doc: dict[str, Any]) -> None:
        doc["languages"][0]["texts"]["holding"] = "Dziękujemy."

    with pytest.raises(DataFileError, match="holding must use"):
        Translations.load(_broken(tmp_path, drop))


def test_a_changed_english_text_retires_its_translations(tmp_path: Path) -> None:
    def reword(doc: dict[str, Any]) -> None:
        doc["source"]["plain"] = "Thanks, we have your message."

    with pytest.raises(DataFileError, match="English of \\['plain'\\] has changed"):
        Translations.load(_broken(tmp_path, reword))


def test_reviewed_names_who_and_when(tmp_path: Path) -> None:
    def sign(doc: dict[str, Any]) -> None:
        doc["languages"][0]["review"]["status"] = "reviewed"

    with pytest.raises(DataFileError, match="reviewed_by and reviewed_on"):
        Translations.load(_broken(tmp_path, sign))
