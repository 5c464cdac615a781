"""A notification per subscription per stage change; never against a safe-contact preference."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time

from sqlmodel import Session, col, select

from app.config import load_settings
from app.lifecycle.notify import subscribe
from app.lifecycle.stages import move_case
from app.models import AuditEvent, Case, NotificationSubscription, OutboxMessage, SafeContact
from app.runtime import Runtime, build_runtime
from tests.factories import open_test_case, saved_id

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _move(
    rt: Runtime, session: Session, case: Case, stage: str, when: datetime = NOON
) -> tuple[int, ...]:
    moved = move_case(session, rt.case_types, rt.calendar, case, stage, "advisor", "test", when)
    session.commit()
    return moved.outbox_ids


def _rows(session: Session) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def test_one_message_per_subscription_per_stage_change(rt: Runtime, session: Session) -> None:
    case = open_test_case(rt, session, now=NOON)
    subscribe(session, saved_id(case), "sms", "+447700900101")
    subscribe(session, saved_id(case), "email", "doris@example.com")
    subscribe(session, saved_id(case), "sms", "+447700900101")  # asking twice is one subscription
    session.commit()
    assert len(session.exec(select(NotificationSubscription)).all()) == 2
    for stage in ("acknowledged", "investigating", "stage1_response"):
        assert len(_move(rt, session, case, stage)) == 2
    rows = _rows(session)
    assert len(rows) == 6
    assert len({row.idempotency_key for row in rows}) == 6
    assert {row.to_address for row in rows} == {"+447700900101", "doris@example.com"}
    assert rows[2].body.startswith(
        f"Update: Your complaint {case.reference} is being investigated."
    )
    assert "We aim to reply by Monday 7 December" in rows[2].body


def test_no_subscription_no_message(rt: Runtime, session: Session) -> None:
    case = open_test_case(rt, session, now=NOON)
    assert _move(rt, session, case, "acknowledged") == ()
    assert _rows(session) == []


def test_domestic_abuse_without_a_preference_sends_nothing_and_says_why(
    rt: Runtime, session: Session
) -> None:
    case = open_test_case(rt, session, now=NOON, flags=["domestic_abuse"])
    subscribe(session, saved_id(case), "sms", "+447700900202")
    session.commit()
    assert _move(rt, session, case, "acknowledged") == ()
    withheld = session.exec(
        select(AuditEvent).where(AuditEvent.action == "notification.withheld")
    ).one()
    assert withheld.detail["reason"] == "no safe-contact preference recorded"


def test_only_a_channel_marked_safe_is_used(rt: Runtime, session: Session) -> None:
    case = open_test_case(rt, session, now=NOON, flags=["domestic_abuse", "children"])
    subscribe(session, saved_id(case), "sms", "+447700900202")
    subscribe(session, saved_id(case), "email", "safe@example.com")
    session.add(
        SafeContact(case_id=case.id or 0, allow_email=True, allow_sms=False, recorded_by="advisor")
    )
    session.commit()
    _move(rt, session, case, "acknowledged")
    assert [(row.channel, row.to_address) for row in _rows(session)] == [
        ("email", "safe@example.com")
    ]


def test_outside_the_safe_time_the_message_waits_for_it(rt: Runtime, session: Session) -> None:
    case = open_test_case(rt, session, now=NOON, flags=["domestic_abuse"])
    subscribe(session, saved_id(case), "sms", "+447700900202")
    preference = SafeContact(case_id=case.id or 0, allow_sms=True, recorded_by="advisor")
    preference.safe_from, preference.safe_until = time(14, 0), time(16, 0)
    session.add(preference)
    session.commit()
    _move(rt, session, case, "acknowledged", NOON)
    (row,) = _rows(session)
    assert row.not_before == datetime(
        2026, 11, 23, 14, 0, tzinfo=UTC
    )  # London is on GMT in November


def test_subscribing_twice_at_once_succeeds_for_both_and_keeps_one_row(pg_url: str) -> None:
    """A call and a text asking for updates in the same moment: neither fails, one row."""
    rt = build_runtime(load_settings({"DATABASE_URL": pg_url, "SECRET_KEY": "k"}))
    with Session(rt.engine, expire_on_commit=False) as setup:
        case = open_test_case(rt, setup, now=NOON)
    first = Session(rt.engine, expire_on_commit=False)
    subscribe(first, saved_id(case), "sms", "+447700900101")  # holds the row, uncommitted
    results: list[str] = []

    def second() -> None:
        with Session(rt.engine, expire_on_commit=False) as other:
            subscribe(other, saved_id(case), "sms", "+447700900101")
            other.commit()
            results.append("subscribed")

    racer = threading.Thread(target=second)
    racer.start()
    racer.join(timeout=0.5)
    assert racer.is_alive()  # waiting on the first's uncommitted row, not failing
    first.commit()
    first.close()
    racer.join(timeout=10)
    assert results == ["subscribed"]
    with Session(rt.engine) as check:
        rows = check.exec(select(NotificationSubscription)).all()
        assert [(row.case_id, row.active) for row in rows] == [(case.id, True)]
    rt.engine.dispose()


def test_subscribing_again_switches_a_stopped_subscription_back_on(
    rt: Runtime, session: Session
) -> None:
    case = open_test_case(rt, session, now=NOON)
    subscribe(session, saved_id(case), "sms", "+447700900101")
    session.commit()
    row = session.exec(select(NotificationSubscription)).one()
    row.active = False
    session.add(row)
    session.commit()
    subscribe(session, saved_id(case), "sms", "+447700900101")
    session.commit()
    session.refresh(row)
    assert row.active is True
    assert len(session.exec(select(NotificationSubscription)).all()) == 1
