"""Delivery: sent once, never against safety, and a refused channel falls back to the next."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.config import load_settings
from app.lifecycle.notify import subscribe
from app.lifecycle.stages import move_case
from app.models import ContactKind, ContactPoint, Customer, OutboxMessage, SafeContact, utcnow
from app.pipeline.deliver import claim, deliver
from app.runtime import Runtime, build_runtime
from tests.factories import open_test_case, saved_id
from tests.twilio_api import TwilioApi, settings

DORIS_MOBILE, DORIS_LANDLINE_SMS = "+447700900101", "+447700900102"


@pytest.fixture
def api() -> Iterator[TwilioApi]:
    with TwilioApi(refuse={DORIS_MOBILE: 21610}) as stand_in:
        yield stand_in


@pytest.fixture
def sms_rt(settings_for: Callable[..., dict[str, Any]], api: TwilioApi) -> Iterator[Runtime]:
    runtime = build_runtime(load_settings(settings_for(**settings(api))))
    yield runtime
    runtime.engine.dispose()


def _case_with_subscription(rt: Runtime, session: Session, flags: list[str] | None = None) -> int:
    doris = Customer(name="Doris Green", postcode="NN7 4AQ")
    session.add(doris)
    session.flush()
    for address in (DORIS_MOBILE, DORIS_LANDLINE_SMS):
        session.add(
            ContactPoint(customer_id=doris.id or 0, kind=ContactKind.PHONE, address=address)
        )
    session.commit()
    case = open_test_case(rt, session, customer_id=doris.id, flags=flags)
    subscribe(session, saved_id(case), "sms", DORIS_MOBILE)
    moved = move_case(
        session, rt.case_types, rt.calendar, case, "acknowledged", "advisor", "t", utcnow()
    )
    session.commit()
    (outbox_id,) = moved.outbox_ids
    return outbox_id


def test_an_opted_out_number_falls_back_to_the_next_contact_point(
    sms_rt: Runtime, api: TwilioApi
) -> None:
    with Session(sms_rt.engine) as session:
        outbox_id = _case_with_subscription(sms_rt, session)
    assert deliver(sms_rt, outbox_id) is False  # refused: 21610, then the fallback is sent inline
    with Session(sms_rt.engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        assert [(r.to_address, r.status) for r in rows] == [
            (DORIS_MOBILE, "failed"),
            (DORIS_LANDLINE_SMS, "sent"),
        ]
        assert rows[1].fallback_of == rows[0].id
        opted = session.exec(select(ContactPoint).where(ContactPoint.address == DORIS_MOBILE)).one()
        assert opted.opted_out is True
    assert api.sent_to() == {DORIS_MOBILE: 1, DORIS_LANDLINE_SMS: 1}


def test_a_row_is_claimed_once(sms_rt: Runtime) -> None:
    with Session(sms_rt.engine) as session:
        outbox_id = _case_with_subscription(sms_rt, session)
    now = utcnow()
    assert claim(sms_rt, outbox_id, now) is True
    assert claim(sms_rt, outbox_id, now) is False
    # Only a claim gone stale (its worker died) may be taken again.
    later = now + timedelta(seconds=sms_rt.settings.outbox_stale_claim_seconds + 1)
    assert claim(sms_rt, outbox_id, later) is True


def test_a_preference_withdrawn_after_queueing_cancels_the_send(
    sms_rt: Runtime, api: TwilioApi
) -> None:
    with Session(sms_rt.engine) as session:
        case_flags = ["domestic_abuse"]
        doris = Customer(name="Doris Green")
        session.add(doris)
        session.commit()
        case = open_test_case(sms_rt, session, customer_id=doris.id, flags=case_flags)
        preference = SafeContact(case_id=case.id or 0, allow_sms=True, recorded_by="advisor")
        session.add(preference)
        subscribe(session, saved_id(case), "sms", DORIS_LANDLINE_SMS)
        session.commit()
        moved = move_case(
            session, sms_rt.case_types, sms_rt.calendar, case, "acknowledged", "a", "t", utcnow()
        )
        session.commit()
        preference.allow_sms = False  # the resident told us texts are no longer safe
        session.add(preference)
        session.commit()
    (outbox_id,) = moved.outbox_ids
    assert deliver(sms_rt, outbox_id) is False
    assert api.calls == []
    with Session(sms_rt.engine) as session:
        assert session.get_one(OutboxMessage, outbox_id).status == "cancelled"


def test_a_row_waiting_for_a_safe_time_is_not_sent_early(sms_rt: Runtime, api: TwilioApi) -> None:
    with Session(sms_rt.engine) as session:
        doris = Customer(name="Doris Green")
        session.add(doris)
        session.commit()
        case = open_test_case(sms_rt, session, customer_id=doris.id, flags=["domestic_abuse"])
        local_now = sms_rt.calendar.local(utcnow())
        start = (local_now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
        end = (local_now + timedelta(hours=3)).time().replace(second=0, microsecond=0)
        preference = SafeContact(
            case_id=case.id or 0, allow_sms=True, safe_from=start, safe_until=end, recorded_by="a"
        )
        session.add(preference)
        subscribe(session, saved_id(case), "sms", DORIS_LANDLINE_SMS)
        session.commit()
        moved = move_case(
            session, sms_rt.case_types, sms_rt.calendar, case, "acknowledged", "a", "t", utcnow()
        )
        session.commit()
    (outbox_id,) = moved.outbox_ids
    assert deliver(sms_rt, outbox_id) is False
    assert api.calls == []
    with Session(sms_rt.engine) as session:
        row = session.get_one(OutboxMessage, outbox_id)
        assert row.status == "pending" and row.not_before is not None and row.not_before > utcnow()
