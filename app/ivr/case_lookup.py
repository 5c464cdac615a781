"""The caller's case: found by reference, verified before a word about it is said.

Verification is the postcode on the record, or the number the case was raised from (caller ID
or keyed). An unknown reference and a wrong postcode sound exactly the same.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.contact_points import DEFAULT_REGION
from app.lifecycle.notify import subscribe
from app.models import Case, ContactKind, ContactPoint, Customer

# Built once: every caller who gives a reference is looked up by it.
_BY_REFERENCE = select(Case).where(Case.reference == bindparam("reference"))


def verified_case(
    session: Session, reference: str, caller: str | None, answer: str | None
) -> Case | None:
    """The case, if the caller proved it is theirs; else None, whatever the reason."""
    case = session.exec(_BY_REFERENCE, params={"reference": reference}).first()
    if case is None:
        return None
    if case.raised_from and case.raised_from in (caller, answer):
        return case
    if answer is None or case.customer_id is None:
        return None
    customer = session.get(Customer, case.customer_id)
    return case if customer is not None and customer.postcode == answer else None


@lru_cache(maxsize=4096)
def is_mobile(number: str) -> bool:
    """Whether texts can reach it. Ofcom's drama range (07700 900xxx), which phonenumbers calls
    invalid, counts as mobile by its 07 prefix, so demos and rehearsals work."""
    parsed = phonenumbers.parse(number, DEFAULT_REGION)
    kind = phonenumbers.number_type(parsed)
    if kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return True
    national = str(parsed.national_number)
    uk_mobile_shape = parsed.country_code == 44 and national.startswith("7")
    return (
        kind == phonenumbers.PhoneNumberType.UNKNOWN and uk_mobile_shape and national[1] not in "06"
    )


def subscribe_caller(
    session: Session, case_id: int, caller: str | None, channel: str
) -> str | None:
    """Subscribe the verified caller to updates; the channel used, if any.

    A mobile they are calling from comes first, then the mobile or email on the case's record.
    """
    reach = _update_address(session, case_id, caller, channel)
    if reach is None:
        return None
    chosen, address = reach
    subscribe(session, case_id, chosen, address)
    return chosen


def _update_address(
    session: Session, case_id: int, caller: str | None, channel: str
) -> tuple[str, str] | None:
    texts_wanted = channel in ("sms", "any")
    if texts_wanted and caller and is_mobile(caller):
        return "sms", caller  # the record is not read: the phone in their hand comes first
    points = session.exec(
        select(ContactPoint)
        .join(Case, col(Case.customer_id) == ContactPoint.customer_id)
        .where(Case.id == case_id, ContactPoint.opted_out == False)  # noqa: E712 - SQL comparison
        .order_by(col(ContactPoint.id))
    ).all()
    for point in points:
        if texts_wanted and point.kind == ContactKind.PHONE and is_mobile(point.address):
            return "sms", point.address
        if point.kind == ContactKind.EMAIL and channel in ("email", "any"):
            return "email", point.address
    return None
