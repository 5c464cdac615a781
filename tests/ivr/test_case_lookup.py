"""Who a verified caller's updates go to: the phone in their hand, else their record."""

from __future__ import annotations

from sqlmodel import Session, select

from app.ivr.case_lookup import is_mobile, subscribe_caller
from app.models import ContactKind, ContactPoint, Customer, NotificationSubscription
from app.runtime import Runtime
from tests.factories import open_test_case, saved_id

MOBILE = "+447700900321"
LANDLINE = "+441604837837"
RECORD_MOBILE = "+447700900654"
EMAIL = "doris@example.com"


def _case_for(rt: Runtime, session: Session, points: list[tuple[ContactKind, str, bool]]) -> int:
    customer = Customer(name="Doris", postcode="NN1 1ED")
    session.add(customer)
    session.flush()
    assert customer.id is not None
    for kind, address, opted_out in points:
        session.add(
            ContactPoint(customer_id=customer.id, kind=kind, address=address, opted_out=opted_out)
        )
    session.commit()
    return saved_id(open_test_case(rt, session, customer_id=customer.id))


def _subscriptions(session: Session) -> list[tuple[str, str]]:
    rows = session.exec(select(NotificationSubscription)).all()
    return [(row.channel, row.address) for row in rows]


def test_a_mobile_caller_gets_texts_on_the_phone_in_their_hand(
    rt: Runtime, session: Session
) -> None:
    case_id = _case_for(rt, session, [(ContactKind.PHONE, RECORD_MOBILE, False)])
    assert subscribe_caller(session, case_id, MOBILE, "sms") == "sms"
    session.commit()
    assert _subscriptions(session) == [("sms", MOBILE)]


def test_a_landline_caller_gets_texts_on_the_mobile_on_their_record(
    rt: Runtime, session: Session
) -> None:
    on_record = [(ContactKind.PHONE, LANDLINE, False), (ContactKind.PHONE, RECORD_MOBILE, False)]
    case_id = _case_for(rt, session, on_record)
    assert subscribe_caller(session, case_id, LANDLINE, "sms") == "sms"
    session.commit()
    assert _subscriptions(session) == [("sms", RECORD_MOBILE)]


def test_an_opted_out_address_is_passed_over(rt: Runtime, session: Session) -> None:
    case_id = _case_for(
        rt, session, [(ContactKind.PHONE, RECORD_MOBILE, True), (ContactKind.EMAIL, EMAIL, False)]
    )
    assert subscribe_caller(session, case_id, LANDLINE, "sms") is None
    assert subscribe_caller(session, case_id, LANDLINE, "any") == "email"
    session.commit()
    assert _subscriptions(session) == [("email", EMAIL)]


def test_email_updates_go_to_the_email_on_record_even_from_a_mobile(
    rt: Runtime, session: Session
) -> None:
    case_id = _case_for(rt, session, [(ContactKind.EMAIL, EMAIL, False)])
    assert subscribe_caller(session, case_id, MOBILE, "email") == "email"
    session.commit()
    assert _subscriptions(session) == [("email", EMAIL)]


def test_with_no_way_to_reach_them_nothing_is_subscribed(rt: Runtime, session: Session) -> None:
    case_id = _case_for(rt, session, [])
    assert subscribe_caller(session, case_id, None, "any") is None
    assert subscribe_caller(session, case_id, LANDLINE, "sms") is None
    assert _subscriptions(session) == []


def test_mobiles_are_told_from_landlines_including_ofcoms_drama_range() -> None:
    assert is_mobile("+447700900123")  # drama range: invalid to phonenumbers, a mobile to us
    assert is_mobile("+447911123456")
    assert not is_mobile(LANDLINE)
    assert not is_mobile("+447000123456")  # 070: personal numbering, not a mobile
