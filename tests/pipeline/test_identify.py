"""Identification: an exact contact point is a hint; fuzzy matches are only proposed."""

from __future__ import annotations

from sqlmodel import Session, select

from app.models import ContactKind, ContactPoint, Conversation, Customer, IdentityCandidate
from app.pipeline.identify import fuzzy_candidates, identify


def _conversation(session: Session, key: str = "t") -> Conversation:
    conversation = Conversation(channel="sms", thread_key=key)
    session.add(conversation)
    session.flush()
    return conversation


def _customer(session: Session, name: str, postcode: str | None, phone: str | None = None) -> int:
    customer = Customer(name=name, postcode=postcode)
    session.add(customer)
    session.flush()
    assert customer.id is not None
    if phone:
        session.add(ContactPoint(customer_id=customer.id, kind=ContactKind.PHONE, address=phone))
    session.flush()
    return customer.id


def test_an_exact_contact_point_links_the_customer_but_does_not_verify_them(
    session: Session,
) -> None:
    doris = _customer(session, "Doris Green", "NN7 4AQ", "+447700900101")
    conversation = _conversation(session)
    result = identify(session, conversation, (ContactKind.PHONE, "+447700900101"), None, None)
    assert (result.customer_id, result.method, result.verified) == (doris, "contact_point", False)
    assert conversation.customer_id == doris and conversation.identity_verified is False


def test_a_shared_number_is_left_for_an_advisor_to_decide(session: Session) -> None:
    first = _customer(session, "Doris Green", "NN7 4AQ", "+441604000000")
    second = _customer(session, "Michael Green", "NN7 4AQ", "+441604000000")
    conversation = _conversation(session)
    result = identify(session, conversation, (ContactKind.PHONE, "+441604000000"), None, None)
    assert result.customer_id is None and result.method == "ambiguous"
    assert {c for c, _ in result.candidates} == {first, second}
    proposals = session.exec(select(IdentityCandidate)).all()
    assert {p.customer_id for p in proposals} == {first, second}
    assert {p.status for p in proposals} == {"proposed"}


def test_a_new_number_with_a_close_name_creates_a_new_customer_and_proposes_the_match(
    session: Session,
) -> None:
    norris = _customer(session, "Norris Hill", "NN11 4HJ", "+447700900303")
    _customer(session, "Norma Hillier", "NN11 9ZZ")
    _customer(session, "Norris Hill", "NN1 1AA")  # another district: never compared
    conversation = _conversation(session)
    result = identify(
        session, conversation, (ContactKind.PHONE, "+447700900999"), "norris hill", "NN11 4HJ"
    )
    assert result.method == "new" and result.customer_id not in (None, norris)
    assert [c for c, _ in result.candidates] == [norris]
    # Never merged silently: the new record stands and the old one is untouched.
    assert session.get(Customer, norris) is not None
    owners = session.exec(
        select(ContactPoint.customer_id).where(ContactPoint.address == "+447700900999")
    ).all()
    assert owners == [result.customer_id]


def test_fuzzy_candidates_tolerate_typos_and_order(session: Session) -> None:
    doris = _customer(session, "Doris Green", "NN7 4AQ")
    assert [c for c, _ in fuzzy_candidates(session, "Green Doris", "NN7 4AQ")] == [doris]
    assert [c for c, _ in fuzzy_candidates(session, "Dors Gren", "NN7 4AB")] == [doris]
    assert fuzzy_candidates(session, "Jade Wilson", "NN7 4AQ") == ()
    assert fuzzy_candidates(session, "Doris Green", None) == ()


def test_an_anonymous_chat_creates_no_customer(session: Session) -> None:
    result = identify(session, _conversation(session), None, None, None)
    assert (result.customer_id, result.method) == (None, "anonymous")
    assert session.exec(select(Customer)).all() == []


def test_the_conversation_remembers_who_it_is(session: Session) -> None:
    jade = _customer(session, "Jade Wilson", None, "+447700900202")
    conversation = _conversation(session)
    identify(session, conversation, (ContactKind.PHONE, "+447700900202"), None, None)
    again = identify(session, conversation, None, None, None)
    assert (again.customer_id, again.method) == (jade, "conversation")
