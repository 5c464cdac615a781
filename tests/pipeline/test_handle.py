"""The whole chain for one message, on PostgreSQL and SQLite."""

from __future__ import annotations

from sqlmodel import Session, select

from app.models import (
    AuditEvent,
    Case,
    CaseStageChange,
    Message,
    OutboxMessage,
    RoutingDecision,
)
from app.pipeline.handle import handle_message
from app.runtime import Runtime
from tests.factories import count, inbound, seed_demo, store


def test_a_missed_bin_becomes_a_case_with_a_reference_a_decision_and_a_sent_reply(
    rt: Runtime, session: Session
) -> None:
    message_id = store(rt, inbound("my bin wasnt collected again, 7 Gold Street NN1 1RA"))
    result = handle_message(rt, message_id)
    assert result is not None and result.case_reference is not None
    assert result.case_reference.startswith("WNC-") and len(result.case_reference) == 10

    case = session.exec(select(Case)).one()
    assert (case.case_type, case.stage, case.queue) == ("missed_bin", "raised", "waste")
    decision = session.exec(select(RoutingDecision)).one()
    assert decision.rule_id == "waste.missed-bin"
    assert decision.case_id == case.id and decision.message_id == message_id
    assert decision.ruleset_version == rt.ruleset.version
    history = session.exec(select(CaseStageChange)).one()
    assert (history.from_stage, history.to_stage, history.actor) == (
        None,
        "raised",
        "frontdoor:router",
    )

    outbox = session.exec(select(OutboxMessage)).one()
    assert outbox.status == "sent" and case.reference in outbox.body
    sent = session.exec(select(Message).where(Message.direction == "out")).one()
    assert sent.body == outbox.body and sent.to_address == "+447700900999"


def test_handling_twice_changes_nothing(rt: Runtime, session: Session) -> None:
    message_id = store(rt, inbound("pothole on the high street"))
    assert handle_message(rt, message_id) is not None
    assert handle_message(rt, message_id) is None
    assert count(session, Case) == 1
    assert count(session, RoutingDecision) == 1
    assert count(session, OutboxMessage) == 1


def test_the_second_missed_bin_goes_to_a_person_not_another_ticket(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    first = handle_message(rt, store(rt, inbound("bin not collected at 3 Tern Close", thread="a")))
    second = handle_message(rt, store(rt, inbound("my bin was not collected again", thread="b")))
    assert first is not None and second is not None
    decisions = session.exec(select(RoutingDecision).order_by(RoutingDecision.id)).all()  # type: ignore[arg-type]
    assert [d.rule_id for d in decisions] == ["waste.missed-bin", "waste.missed-bin-again"]
    assert decisions[1].outcome == "advisor" and decisions[1].priority == "high"
    # Same phone number, so both cases sit on one customer record.
    customers = {c.customer_id for c in session.exec(select(Case))}
    assert len(customers) == 1 and None not in customers


def test_risk_to_life_inside_a_mundane_message_is_an_emergency_with_999_first(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    result = handle_message(
        rt, store(rt, inbound("my bin wasnt collected and honestly i want to end it all"))
    )
    assert result is not None
    assert result.reply.startswith("If you or anyone else is in immediate danger, call 999")
    assert "116 123" in result.reply
    case = session.exec(select(Case).where(Case.queue == "safeguarding")).one()
    assert case.priority == "emergency" and case.id == result.case_id
    assert "risk_to_life" in case.flags
    # A safeguarding-trained advisor is on it at once.
    assert case.advisor_id is not None
    # The bin is not forgotten: it rides along as its own case, at its own priority.
    bin_case = session.exec(select(Case).where(Case.case_type == "missed_bin")).one()
    assert (bin_case.queue, bin_case.priority) == ("waste", "normal")
    decisions = session.exec(select(RoutingDecision).order_by(RoutingDecision.id)).all()  # type: ignore[arg-type]
    assert [d.outcome for d in decisions] == ["emergency", "service_request"]
    assert decisions[0].safety_override and not decisions[1].safety_override
    audits = session.exec(select(AuditEvent).where(AuditEvent.action == "case.flags_set")).all()
    assert {a.subject_id for a in audits} == {case.id, bin_case.id}
    assert all(a.detail["flags"] == ["risk_to_life"] for a in audits)


def test_domestic_abuse_inside_a_council_tax_question_goes_to_safeguarding(
    rt: Runtime, session: Session
) -> None:
    text = "can't pay council tax, my partner takes all my money and won't let me out"
    handle_message(rt, store(rt, inbound(text)))
    decision, money = session.exec(select(RoutingDecision).order_by(RoutingDecision.id)).all()  # type: ignore[arg-type]
    assert decision.outcome == "advisor" and decision.queue == "safeguarding"
    assert decision.priority == "urgent"
    assert {"domestic_abuse", "financial_hardship"} <= set(decision.flags)
    # The money trouble is a need of its own, with the team that can help with it.
    assert (money.outcome, money.queue, money.rule_id) == (
        "advisor",
        "revenues",
        "needs.financial-hardship",
    )


def test_a_simple_question_is_answered_at_once_with_no_case(rt: Runtime, session: Session) -> None:
    seed_demo(rt)
    result = handle_message(rt, store(rt, inbound("when is my bin day? NN1 1AA")))
    assert result is not None and result.case_id is None
    assert "Tuesday" in result.reply
    assert count(session, Case) == 0
    assert session.exec(select(RoutingDecision)).one().outcome == "answer"


def test_more_messages_in_a_conversation_join_its_open_case(rt: Runtime, session: Session) -> None:
    handle_message(rt, store(rt, inbound("I want to speak to a person please")))
    handle_message(
        rt, store(rt, inbound("can I speak to someone, my husband passed away last month"))
    )
    assert count(session, RoutingDecision) == 2
    case = session.exec(select(Case)).one()
    # The story stays in one case; the more pressing message moves it to the team that can help.
    assert case.queue == "revenues"
    assert case.flags == ["bereavement"] and case.priority == "high"
    moved = session.exec(select(AuditEvent).where(AuditEvent.action == "case.requeued")).one()
    assert moved.detail == {
        "from_queue": "customer_services",
        "to_queue": "revenues",
        "rule": "life-events.bereavement",
    }
    handle_message(rt, store(rt, inbound("I was bereaved", thread="someone-else", from_phone=None)))
    assert count(session, Case) == 2


def test_the_bot_stays_quiet_once_an_advisor_has_the_conversation(
    rt: Runtime, session: Session
) -> None:
    from app.models import Advisor, Conversation

    seed_demo(rt)
    handle_message(rt, store(rt, inbound("hello")))
    conversation = session.exec(select(Conversation)).one()
    advisor = session.exec(select(Advisor)).first()
    assert advisor is not None
    conversation.advisor_id = advisor.id
    session.add(conversation)
    session.commit()
    result = handle_message(rt, store(rt, inbound("thanks")))
    assert result is not None and result.outbox_id is None
    assert count(session, OutboxMessage) == 1


def test_a_message_in_polish_goes_to_a_polish_speaking_advisor(
    rt: Runtime, session: Session
) -> None:
    from app.models import Advisor

    seed_demo(rt)
    result = handle_message(
        rt, store(rt, inbound("Dzień dobry, mój kosz na śmieci nie został opróżniony"))
    )
    assert result is not None
    case = session.exec(select(Case)).one()
    assert case.flags == ["interpreter:pl"] and case.queue == "customer_services"
    advisor = session.get(Advisor, case.advisor_id)
    assert advisor is not None and "pl" in advisor.languages
