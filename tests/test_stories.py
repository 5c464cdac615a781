"""The strategy's residents, through the real pipeline: the journeys frontdoor exists for."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.models import Case, RoutingDecision
from app.pipeline.handle import handle_message
from app.runtime import Runtime
from tests.factories import inbound, seed_demo, store


def _say(rt: Runtime, text: str, phone: str, thread: str) -> str:
    result = handle_message(rt, store(rt, inbound(text, thread=thread, from_phone=phone)))
    assert result is not None
    return result.reply


def test_doris_bereaved_and_struggling_reaches_revenues_with_her_story(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(
        rt,
        "I got a court summons for council tax but my husband Michael died three months ago "
        "and he did all the bills. I'm struggling to pay anything at the moment.",
        "+447700900101",
        "doris",
    )
    case = session.exec(select(Case)).one()
    assert case.queue == "revenues" and case.priority == "high"
    assert {"bereavement", "financial_hardship"} <= set(case.flags)
    assert "court summons" in case.summary  # the advisor reads her words, she need not repeat them
    assert case.customer_id is not None  # her known number linked her record (as a hint)
    assert case.advisor_id is not None  # Amira covers revenues


def test_jade_homeless_tonight_with_children_is_never_left_with_the_bot(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    reply = _say(
        rt,
        "the police have just removed me and my 2 kids from the flat, my ex found us again, "
        "we've got nowhere to sleep tonight and the kids haven't eaten since yesterday",
        "+447700900202",
        "jade",
    )
    decision = session.exec(select(RoutingDecision).order_by(col(RoutingDecision.id))).first()
    assert decision is not None  # the first of her needs' decisions: the one she is put through
    assert decision.outcome == "advisor" and decision.priority == "urgent"
    assert decision.queue in {"safeguarding", "housing_options"}
    assert {"homelessness", "children"} <= set(decision.flags)
    assert "WNC-" in reply


def test_norris_reporting_a_missed_bin_again_gets_a_person_who_can_fix_it(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    first = _say(rt, "my bin was not collected again", "+447700900303", "norris-1")
    assert first.startswith("Sorry your bin was missed")
    _say(
        rt,
        "bin missed AGAIN. i cant move it to the kerb myself im disabled and the carers "
        "only put it out some weeks",
        "+447700900303",
        "norris-2",
    )
    decisions = session.exec(select(RoutingDecision).order_by(col(RoutingDecision.id))).all()
    assert decisions[-1].outcome == "advisor" and decisions[-1].queue == "waste"
    assert "disability" in decisions[-1].flags
