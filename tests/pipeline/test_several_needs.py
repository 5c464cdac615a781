"""One case per need: several needs in one message, and new needs later in a conversation."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.cases import linked_cases
from app.models import Case, Handoff, OutboxMessage, RoutingDecision
from app.pipeline.act import ActResult
from app.pipeline.handle import handle_message
from app.runtime import Runtime
from tests.factories import count, inbound, saved_id, seed_demo, store


def _say(rt: Runtime, text: str) -> ActResult:
    result = handle_message(rt, store(rt, inbound(text, thread="one-conversation")))
    assert result is not None
    return result


def _case(session: Session, case_type: str, queue: str) -> Case:
    return session.exec(select(Case).where(Case.case_type == case_type, Case.queue == queue)).one()


def _linked(session: Session, case: Case) -> set[str]:
    return {other.reference for other in linked_cases(session, saved_id(case))}


def test_a_quiet_need_in_a_bin_report_raises_both_linked_with_one_handoff(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    result = _say(rt, "my bin wasnt collected this week and I cant afford food since my operation")
    bin_case = _case(session, "missed_bin", "waste")
    money = _case(session, "advisor_enquiry", "revenues")
    # The person's route leads once a safety signal asks for a person; the bin rides along.
    assert set(result.case_ids) == {bin_case.id, money.id}
    assert bin_case.priority == "normal" and money.priority in ("high", "urgent")
    assert _linked(session, bin_case) == {money.reference}
    # The person who picks up the money need is told about the bin, so nobody asks twice.
    handoff = session.exec(select(Handoff)).one()
    assert handoff.case_id == money.id and handoff.queue == "revenues"
    assert bin_case.reference in handoff.summary and "Waste and Recycling" in handoff.summary
    assert handoff.rule_id == "needs.financial-hardship"
    decisions = session.exec(select(RoutingDecision).order_by(col(RoutingDecision.id))).all()
    assert {(d.rule_id, d.case_id) for d in decisions} == {
        ("waste.missed-bin", bin_case.id),
        ("needs.financial-hardship", money.id),
    }
    # One reply, telling the truth about both.
    reply = session.exec(select(OutboxMessage)).one().body
    assert reply == result.reply
    assert bin_case.reference in reply and money.reference in reply
    assert "Council Tax and Benefits team" in reply


def test_a_new_need_in_a_conversation_opens_its_own_linked_case(
    rt: Runtime, session: Session
) -> None:
    _say(rt, "my bin wasnt collected this week, 22 Harborough Road NN2 7AZ")
    _say(rt, "there is also a huge pothole outside number 12 on elm road")
    bin_case = _case(session, "missed_bin", "waste")
    pothole = _case(session, "pothole", "highways")
    assert _linked(session, pothole) == {bin_case.reference}
    assert pothole.summary.startswith("there is also a huge pothole")
    assert bin_case.summary == "my bin wasnt collected this week, 22 Harborough Road NN2 7AZ"


def test_a_status_question_joins_the_case_it_asks_about(rt: Runtime, session: Session) -> None:
    first = _say(rt, "my bin wasnt collected this week, 22 Harborough Road NN2 7AZ")
    answer = _say(rt, "any update on my case?")
    assert count(session, Case) == 1
    assert first.case_reference is not None and first.case_reference in answer.reply
    assert answer.case_id == first.case_id
    asked = session.exec(select(RoutingDecision).where(RoutingDecision.outcome == "answer")).one()
    assert asked.case_id == first.case_id


def test_a_later_disclosure_opens_a_linked_safeguarding_case_and_the_first_keeps_its_team(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "my husband passed away last month, what do I do about his council tax")
    later = _say(rt, "since then my son has moved in and he hits me when I say no")
    bereavement = _case(session, "advisor_enquiry", "revenues")
    safeguarding = _case(session, "advisor_enquiry", "safeguarding")
    assert later.case_id == safeguarding.id
    assert bereavement.priority == "high" and "domestic_abuse" not in bereavement.flags
    assert safeguarding.priority == "urgent" and "domestic_abuse" in safeguarding.flags
    assert _linked(session, safeguarding) == {bereavement.reference}
    moved = session.exec(
        select(RoutingDecision).where(RoutingDecision.case_id == safeguarding.id)
    ).one()
    # Heard as the intent or as the flag's need, a safeguarding rule records the move.
    assert moved.rule_id in {"safety.domestic-abuse", "safety.domestic-abuse-intent"}
    assert moved.queue == "safeguarding"
