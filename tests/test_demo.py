"""Demo data tells one consistent story, dated from the day it is seeded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from app.demo import seed, seed_complaint
from app.lifecycle import clocks
from app.lifecycle.wording import when_due, where_it_is
from app.migrate import sync_queues
from app.models import Case, CaseClock, CaseStageChange, OutboxMessage
from app.runtime import Runtime
from tests.factories import count

LONDON = ZoneInfo("Europe/London")
SATURDAY = datetime(2026, 12, 5, 10, 12, tzinfo=LONDON)  # the day a newcomer tried the README
MONDAY_EARLY = datetime(2026, 12, 7, 7, 5, tzinfo=LONDON)  # before the council's working day


def _seed_on(rt: Runtime, session: Session, now: datetime) -> Case:
    rt.clock = lambda: now.astimezone(UTC)
    sync_queues(session, rt.queues)
    seed(session)
    assert seed_complaint(session, rt)
    return session.exec(select(Case).where(Case.reference == "WNC-204318")).one()


@pytest.mark.parametrize("now", [SATURDAY, MONDAY_EARLY], ids=["saturday", "monday-early"])
def test_dorises_complaint_was_made_two_working_days_before_and_is_being_investigated(
    rt: Runtime, session: Session, now: datetime
) -> None:
    case = _seed_on(rt, session, now)
    complaint = rt.case_types["complaint"]
    opened = rt.calendar.local(case.created_at).date()
    assert opened == date(2026, 12, 3)  # Thursday: two working days before either day
    assert case.stage == "investigating" and case.status == "open"
    history = session.exec(
        select(CaseStageChange)
        .where(CaseStageChange.case_id == case.id)
        .order_by(col(CaseStageChange.id))
    ).all()
    assert [(h.from_stage, h.to_stage) for h in history] == [
        (None, "received"),
        ("received", "acknowledged"),
        ("acknowledged", "investigating"),
    ]
    moments = [h.at for h in history]
    assert moments[0] == case.created_at
    assert moments == sorted(moments) and len(set(moments)) == 3
    assert moments[-1] < now and case.updated_at == moments[-1]
    assert all(rt.calendar.is_working_day(rt.calendar.local(at).date()) for at in moments)
    running = clocks.running(session, case.id or 0)
    assert [c.clock for c in running] == ["stage1_response"]  # acknowledged: that clock stopped
    assert running[0].started_on == opened and running[0].due_on == date(2026, 12, 17)
    assert case.sla_due_at is not None and case.sla_due_at.date() == date(2026, 12, 17)
    acknowledge = session.exec(select(CaseClock).where(CaseClock.clock == "acknowledge")).one()
    assert acknowledge.stopped_at == moments[1]
    said = where_it_is(case, complaint) + when_due(
        clocks.describe(running), complaint, rt.calendar.today(now)
    )
    assert said == (
        "Your complaint WNC-204318 is being investigated. We aim to reply by Thursday "
        "17 December, so we are still within our 10 working days."
    )


def test_seeding_the_complaint_again_changes_nothing(rt: Runtime, session: Session) -> None:
    _seed_on(rt, session, SATURDAY)
    assert not seed_complaint(session, rt)
    assert count(session, Case) == 1 and count(session, CaseStageChange) == 3
    assert count(session, OutboxMessage) == 0  # nobody subscribed, so nobody is texted
