"""Asking which of two needs: the question, the answer that routes, and who is never asked."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session, col, select

from app.models import Case, Conversation, OutboxMessage, RoutingDecision
from app.pipeline.handle import handle_message
from app.pipeline.memory import AWAITING
from app.runtime import Runtime
from app.vocabulary import Channel
from tests.factories import inbound, store

ABOUT_A_REPORT = "any news on the pothole outside number 12 on Harlestone Road"


def _ask_about_its_two_leading_intents(rt: Runtime, text: str) -> tuple[str, str]:
    """Name the model's own two leading intents for `text` as a near miss, however close, so
    the test holds whatever the classifier's weights are today."""
    ranked = sorted(rt.nlu.parse(text).ranking, key=lambda s: -s.confidence)
    first, second = (score.name for score in ranked[:2])
    labels = dict(rt.near_misses.labels)
    for intent in (first, second):
        labels.setdefault(intent, (intent.replace("_", " "), ("zzz",)))
    rt.near_misses = replace(
        rt.near_misses,
        margin=0.99,
        least_share=0.01,
        labels=labels,
        pairs=frozenset({frozenset((first, second))}),
    )
    return first, second


def _decisions(session: Session) -> list[RoutingDecision]:
    return list(session.exec(select(RoutingDecision).order_by(col(RoutingDecision.id))).all())


def test_a_near_miss_is_asked_and_the_answer_routes_the_need(rt: Runtime, session: Session) -> None:
    first, second = _ask_about_its_two_leading_intents(rt, ABOUT_A_REPORT)

    asked = handle_message(rt, store(rt, inbound(ABOUT_A_REPORT, thread="t1")))
    assert asked is not None and asked.case_id is None
    question = session.exec(select(OutboxMessage)).one().body
    assert "(reply 1)" in question and "(reply 2)" in question
    conversation = session.exec(select(Conversation)).one()
    assert conversation.state[AWAITING]["options"] == [first, second]
    decision = _decisions(session)[0]
    assert (decision.rule_id, decision.intent, decision.outcome) == (
        "nlu.near-miss",
        "clarify",
        "answer",
    )

    handle_message(rt, store(rt, inbound("2", thread="t1")))
    session.expire_all()
    answered = _decisions(session)[1]
    assert answered.intent == second and answered.rule_id != "nlu.near-miss"
    # The choice is settled; the chosen need may ask its own question (a reference, a postcode).
    pending = session.exec(select(Conversation)).one().state.get(AWAITING, {})
    assert pending.get("question") != "choice"


def test_a_reply_that_picks_neither_is_read_on_its_own_words(rt: Runtime, session: Session) -> None:
    _ask_about_its_two_leading_intents(rt, ABOUT_A_REPORT)
    handle_message(rt, store(rt, inbound(ABOUT_A_REPORT, thread="t2")))
    handle_message(rt, store(rt, inbound("what are your opening hours", thread="t2")))
    later = _decisions(session)[1]
    assert later.rule_id != "nlu.near-miss"
    assert later.intent == rt.nlu.parse("what are your opening hours").intent


def test_nobody_at_risk_is_asked_a_question(rt: Runtime, session: Session) -> None:
    text = ABOUT_A_REPORT + ". honestly I can't go on, I want to end it all"
    _ask_about_its_two_leading_intents(rt, text)
    handle_message(rt, store(rt, inbound(text, thread="t3")))
    decision = _decisions(session)[0]
    assert decision.rule_id != "nlu.near-miss" and decision.outcome == "emergency"
    assert session.exec(select(Case)).first() is not None


def test_a_caller_is_not_asked_by_text(rt: Runtime, session: Session) -> None:
    _ask_about_its_two_leading_intents(rt, ABOUT_A_REPORT)
    handle_message(rt, store(rt, inbound(ABOUT_A_REPORT, channel=Channel.VOICE, thread="t4")))
    assert _decisions(session)[0].rule_id != "nlu.near-miss"
