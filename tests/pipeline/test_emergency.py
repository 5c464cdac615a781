"""An emergency is handled as one: an emergency queue, a clock in hours, the risk_to_life flag,
and one set of 999 and Samaritans words (issue 18, item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.lifecycle.clocks import in_hours
from app.models import Case, CaseClock, RoutingDecision
from app.pipeline.handle import handle_message
from app.runtime import Runtime
from app.vocabulary import Channel
from tests.factories import inbound, saved_id, seed_demo, store

CRISES = [
    ("I can't go on anymore, I want to end it", Channel.SMS),
    ("i've taken all my tablets and i want to die", Channel.WEB),
]


def _crisis(rt: Runtime, session: Session, text: str, channel: Channel) -> Case:
    seed_demo(rt)
    result = handle_message(rt, store(rt, inbound(text, channel=channel)))
    assert result is not None and result.case_id is not None
    assert result.reply.count("Samaritans") == 1 and "999" in result.reply
    case = session.get(Case, result.case_id)
    assert case is not None
    return case


@pytest.mark.parametrize(("text", "channel"), CRISES)
def test_an_emergency_gets_an_emergency_queue_a_clock_in_hours_and_the_flag(
    rt: Runtime, session: Session, text: str, channel: Channel
) -> None:
    case = _crisis(rt, session, text, channel)
    assert (case.queue, case.priority, case.case_type) == ("safeguarding", "emergency", "emergency")
    assert "risk_to_life" in case.flags
    (clock,) = session.exec(select(CaseClock).where(CaseClock.case_id == saved_id(case))).all()
    assert in_hours(clock)
    # Within the hour, never working days: a crisis at 4 p.m. on a Friday is not for Monday.
    assert case.sla_due_at is not None
    assert case.sla_due_at <= case.created_at + timedelta(hours=1)
    emergencies = session.exec(
        select(RoutingDecision).where(RoutingDecision.outcome == "emergency")
    ).all()
    assert [(d.rule_id, d.queue, d.case_id) for d in emergencies] == [
        ("safety.crisis", "safeguarding", case.id)
    ]


def test_the_hour_is_counted_from_the_message(rt: Runtime, session: Session) -> None:
    case = _crisis(rt, session, *CRISES[0])
    assert case.sla_due_at == case.created_at + timedelta(hours=1)
