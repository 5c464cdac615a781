"""The caller's case: found by reference, verified before a word about it is said.

Verification is the postcode on the record, or the number the case was raised from (caller ID
or keyed). An unknown reference and a wrong postcode sound exactly the same.
"""

from __future__ import annotations

import phonenumbers
from sqlmodel import Session, select

from app.contact_points import DEFAULT_REGION
from app.lifecycle.notify import subscribe
from app.models import Case, ContactKind, ContactPoint, Customer


def verified_case(
    session: Session, reference: str, caller: str | None, answer: str | None
) -> Case | None:
    """The case, if the caller proved it is theirs; else None, whatever the reason."""
    case = session.exec(select(Case).where(Case.reference == reference)).first()
    if case is None:
        return None
    if case.raised_from and case.raised_from in (caller, answer):
        return case
    if answer is None or case.customer_id is None:
        return None
    customer = session.get(Customer, case.customer_id)
    return case if customer is not None and customer.postcode == answer else None


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


def subscribe_caller(session: Session, case: Case, caller: str | None, channel: str) -> str | None:
    """Subscribe the verified caller to updates; the channel and address used, if any.

    A mobile they are calling from comes first, then the mobile or email on their record.
    """
    choices: list[tuple[str, str]] = []
    if channel in ("sms", "any") and caller and is_mobile(caller):
        choices.append(("sms", caller))
    if case.customer_id is not None:
        points = session.exec(
            select(ContactPoint).where(
                ContactPoint.customer_id == case.customer_id,
                ContactPoint.opted_out == False,  # noqa: E712 - SQL comparison
            )
        ).all()
        for point in points:
            texts = point.kind == ContactKind.PHONE and is_mobile(point.address)
            if texts and channel in ("sms", "any"):
                choices.append(("sms", point.address))
            elif point.kind == ContactKind.EMAIL and channel in ("email", "any"):
                choices.append(("email", point.address))
    if not choices:
        return None
    chosen, address = choices[0]
    subscribe(session, case, chosen, address)
    return chosen
