"""Identify: who is this? An exact contact point is a hint; a fuzzy match is only a proposal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process, utils
from sqlmodel import Session, col, select

from app.contact_points import postcode_district
from app.models import ContactKind, ContactPoint, Conversation, Customer, IdentityCandidate

CANDIDATE_CUTOFF = 80.0
MAX_CANDIDATES = 5

Method = Literal["conversation", "contact_point", "new", "ambiguous", "anonymous"]


@dataclass(frozen=True)
class Identification:
    """The customer we believe this is, how we came to think so, and who else it might be."""

    customer_id: int | None
    method: Method
    verified: bool
    candidates: tuple[tuple[int, float], ...] = ()


def identify(
    session: Session,
    conversation: Conversation,
    contact: tuple[ContactKind, str] | None,
    name: str | None,
    postcode: str | None,
) -> Identification:
    """Link the conversation to a customer without ever merging two people silently."""
    if conversation.customer_id is not None:
        return Identification(
            conversation.customer_id, "conversation", conversation.identity_verified
        )
    if contact is not None:
        owners = _owners(session, *contact)
        if len(owners) == 1:
            conversation.customer_id = owners[0]
            return Identification(owners[0], "contact_point", verified=False)
        if len(owners) > 1:
            # A shared landline or mailbox: an advisor decides who is speaking.
            proposals = tuple((owner, 100.0) for owner in owners)
            _propose(session, conversation, proposals, "shared contact point")
            return Identification(None, "ambiguous", False, proposals)
    if contact is None and name is None:
        return Identification(None, "anonymous", False)
    customer = Customer(name=name, postcode=postcode)
    session.add(customer)
    session.flush()
    assert customer.id is not None
    if contact is not None:
        session.add(ContactPoint(customer_id=customer.id, kind=contact[0], address=contact[1]))
    conversation.customer_id = customer.id
    candidates = fuzzy_candidates(session, name, postcode, exclude=customer.id)
    _propose(session, conversation, candidates, "name and postcode")
    return Identification(customer.id, "new", False, candidates)


def _owners(session: Session, kind: ContactKind, address: str) -> list[int]:
    rows = session.exec(
        select(ContactPoint.customer_id)
        .where(ContactPoint.kind == kind, ContactPoint.address == address)
        .distinct()
    )
    return sorted(rows)


def fuzzy_candidates(
    session: Session, name: str | None, postcode: str | None, exclude: int | None = None
) -> tuple[tuple[int, float], ...]:
    """Known customers in the same postcode district whose names are close to `name`."""
    if not name or not postcode:
        return ()
    district = postcode_district(postcode)
    rows = session.exec(
        select(Customer.id, Customer.name, Customer.postcode).where(
            col(Customer.postcode).startswith(f"{district} "),
            Customer.id != exclude,
            col(Customer.name).is_not(None),
        )
    ).all()
    names = {row[0]: row[1] for row in rows if row[0] is not None and row[1]}
    postcodes = {row[0]: row[2] for row in rows}
    scored = []
    for _, name_score, customer_id in process.extract(
        name,
        names,
        scorer=fuzz.token_sort_ratio,
        processor=utils.default_process,
        limit=MAX_CANDIDATES * 4,
    ):
        same_postcode = postcodes.get(customer_id) == postcode
        score = round(0.8 * name_score + (20.0 if same_postcode else 10.0), 1)
        if score >= CANDIDATE_CUTOFF:
            scored.append((int(customer_id), score))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return tuple(scored[:MAX_CANDIDATES])


def _propose(
    session: Session,
    conversation: Conversation,
    candidates: tuple[tuple[int, float], ...],
    reason: str,
) -> None:
    for customer_id, score in candidates:
        session.add(
            IdentityCandidate(
                conversation_id=conversation.id or 0,
                customer_id=customer_id,
                score=score,
                reason=reason,
            )
        )
