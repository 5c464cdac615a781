"""Stages move only along declared transitions, with history; clocks follow them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from app.lifecycle.clocks import apply_policy, running
from app.lifecycle.stages import TransitionRefusedError, move_case
from app.lifecycle.types import CaseTypeDirectory
from app.models import AuditEvent, Case, CaseClock, CaseStageChange
from app.runtime import Runtime
from tests.factories import open_test_case

MON_23_NOV = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _move(rt: Runtime, session: Session, case: Case, stage: str, when: datetime) -> None:
    move_case(session, rt.case_types, rt.calendar, case, stage, "advisor:amira", "test", when)
    session.commit()


def _clock(session: Session, case: Case, name: str) -> CaseClock:
    return session.exec(
        select(CaseClock).where(CaseClock.case_id == case.id, CaseClock.clock == name)
    ).one()


def test_a_complaint_starts_its_clocks_on_receipt(rt: Runtime, session: Session) -> None:
    case = open_test_case(rt, session, now=MON_23_NOV)
    assert _clock(session, case, "acknowledge").due_on == date(2026, 11, 30)
    assert _clock(session, case, "stage1_response").due_on == date(2026, 12, 7)
    assert case.sla_due_at is not None and case.sla_due_at.date() == date(2026, 11, 30)


def test_moves_are_recorded_with_who_when_and_why(rt: Runtime, session: Session) -> None:
    case = open_test_case(rt, session, now=MON_23_NOV)
    move_case(
        session, rt.case_types, rt.calendar, case, "acknowledged", "advisor:amira",
        "named investigator: Dev Patel", MON_23_NOV,
    )  # fmt: skip
    session.commit()
    history = session.exec(
        select(CaseStageChange)
        .where(CaseStageChange.case_id == case.id)
        .order_by(CaseStageChange.id)  # type: ignore[arg-type]
    ).all()
    assert [(h.from_stage, h.to_stage) for h in history] == [
        (None, "received"),
        ("received", "acknowledged"),
    ]
    assert (
        history[1].actor == "advisor:amira" and history[1].reason == "named investigator: Dev Patel"
    )
    assert history[1].at == MON_23_NOV
    assert _clock(session, case, "acknowledge").stopped_at == MON_23_NOV
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "case.stage_changed")).one()


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], "stage1_response"),  # received -> stage1_response skips the investigation
        (["acknowledged", "investigating", "stage1_response", "closed"], "investigating"),  # final
        (["acknowledged"], "no_such_stage"),
    ],
)
def test_undeclared_moves_are_refused_clearly(
    rt: Runtime, session: Session, path: list[str], refused: str
) -> None:
    case = open_test_case(rt, session, now=MON_23_NOV)
    for stage in path:
        _move(rt, session, case, stage, MON_23_NOV)
    before = case.stage
    with pytest.raises(TransitionRefusedError) as caught:
        move_case(session, rt.case_types, rt.calendar, case, refused, "advisor", "x", MON_23_NOV)
    assert f"{case.reference}: a complaint cannot move from {before!r} to {refused!r}" in str(
        caught.value
    )
    session.rollback()
    assert session.get(Case, case.id).stage == before  # type: ignore[union-attr]


def test_the_clock_pauses_while_we_wait_on_the_resident_and_resumes_after(
    rt: Runtime, session: Session
) -> None:
    case = open_test_case(rt, session, now=MON_23_NOV)
    _move(rt, session, case, "acknowledged", MON_23_NOV)
    _move(rt, session, case, "investigating", datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert _clock(session, case, "stage1_response").due_on == date(2026, 12, 7)
    _move(rt, session, case, "awaiting_resident", datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    paused = _clock(session, case, "stage1_response")
    assert (paused.paused_since, paused.due_on) == (date(2026, 11, 25), None)
    assert session.get(Case, case.id).sla_due_at is None  # type: ignore[union-attr]
    # Three working days later (Wed 25 -> Mon 30: Thu, Fri, Mon) the resident replies.
    _move(rt, session, case, "investigating", datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    resumed = _clock(session, case, "stage1_response")
    assert resumed.paused_working_days == 3
    assert resumed.due_on == date(2026, 12, 10)


def test_a_final_stage_closes_the_case_and_stops_every_clock(rt: Runtime, session: Session) -> None:
    case = open_test_case(rt, session, now=MON_23_NOV)
    _move(rt, session, case, "closed", MON_23_NOV)
    assert case.status == "closed"
    assert running(session, case.id or 0) == []


def test_a_policy_change_recomputes_running_clocks(rt: Runtime, session: Session) -> None:
    case = open_test_case(rt, session, now=MON_23_NOV)
    stricter = CaseTypeDirectory(
        by_id={
            **rt.case_types.by_id,
            "complaint": type(rt.case_types["complaint"])(
                "complaint", "complaint", rt.case_types["complaint"].lifecycle,
                tuple(
                    c.model_copy(update={"working_days": 3}) if c.id == "acknowledge" else c
                    for c in rt.case_types["complaint"].clocks
                ),
            ),
        }
    )  # fmt: skip
    assert apply_policy(session, stricter, rt.calendar) == 1
    session.commit()
    assert _clock(session, case, "acknowledge").due_on == date(2026, 11, 26)
    assert apply_policy(session, stricter, rt.calendar) == 0
