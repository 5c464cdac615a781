"""A caller's words are heard for risk by both signals, as a text's are."""

from __future__ import annotations

from sqlmodel import Session, select

from app.config import REPO_ROOT
from app.ivr.risk import heard_risk
from app.models import Handoff, RoutingDecision
from app.pipeline.understand import assess
from app.runtime import Runtime
from app.understanding.safety_model import load_safety_data
from tests.ivr.phone import Call, Server


def _said_without_the_words(rt: Runtime) -> str:
    """A short risk example from the model's own validation data that no lexicon cue hears, but
    the model does: the case the lexicon alone used to leave on the menu."""
    for example in load_safety_data(REPO_ROOT / "bots").validation:
        text = example.text
        if example.label == "none" or len(text.split()) > 25 or rt.lexicon.detect(text):
            continue
        if assess(rt.safety_model, text).needs_person:
            return text
    raise AssertionError("no validation example is heard by the model alone")


def test_the_model_alone_puts_a_person_on_the_line(rt: Runtime) -> None:
    said = _said_without_the_words(rt)
    risk = heard_risk(rt, said)
    assert risk.needs_person
    assert not heard_risk(rt, "I want to pay my council tax").needs_person


def test_a_caller_heard_only_by_the_model_is_put_through_not_left_on_the_menu(
    line_open: Server,
) -> None:
    said = _said_without_the_words(line_open.rt)
    call = Call(line_open, caller="+447700900124")
    call.dial()
    call.say(said)
    assert "<Enqueue" in call.twiml or "<Dial" in call.twiml
    with Session(line_open.rt.engine) as session:
        handoff = session.exec(select(Handoff)).one()
        decision = session.exec(select(RoutingDecision)).one()
    assert handoff.queue != "customer_services" or decision.safety_override
    assert any(cue.startswith("model.") for cue in decision.cues)
