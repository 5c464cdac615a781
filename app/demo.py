"""Demo data for `make run`: queues, advisors, bin rounds, the strategy's residents, and the
complaint Doris made on the website and phones about (the strategy's own example call)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlmodel import Session, select

from app.cases import start_case
from app.contact_points import normalise_email, normalise_phone
from app.lifecycle.stages import move_case
from app.models import Advisor, BinRound, Case, ContactKind, ContactPoint, Customer, utcnow
from app.runtime import Runtime
from app.vocabulary import Channel

ADVISORS = (
    (
        "Amira Khan",
        "amira.khan@example.gov.uk",
        ["customer_services", "revenues", "safeguarding"],
        ["en", "ur"],
        {"web": 3, "sms": 3, "voice": 1},
    ),
    (
        "Ben Walsh",
        "ben.walsh@example.gov.uk",
        ["customer_services", "waste", "highways"],
        ["en"],
        {"web": 2, "sms": 2, "voice": 1},
    ),
    (
        "Chloe Nowak",
        "chloe.nowak@example.gov.uk",
        ["housing_options", "safeguarding", "customer_services"],
        ["en", "pl"],
        {"web": 2, "voice": 1},
    ),
    (
        "Dev Patel",
        "dev.patel@example.gov.uk",
        ["complaints", "members_enquiries", "customer_services"],
        ["en", "gu"],
        {"web": 2, "email": 5},
    ),
    (
        "Erin Doyle",
        "erin.doyle@example.gov.uk",
        ["adult_social_care", "customer_services"],
        ["en"],
        {"web": 2, "voice": 1},
    ),
)

RESIDENTS: tuple[tuple[str, str | None, str | None, str, str | None], ...] = (
    ("Doris Green", "3 Church Lane, Kislingbury", "NN7 4AQ", "+447700900101", None),
    ("Jade Wilson", None, None, "+447700900202", "jade.w@example.com"),
    ("Norris Hill", "12 Orchard Bungalows, Daventry", "NN11 4HJ", "+447700900303", None),
)

# Doris's complaint: `frontdoor simulate call --from 07700900101`, press 2, 2, key 204318.
DEMO_COMPLAINT_DIGITS = "204318"
DEMO_COMPLAINT = (
    "My assisted bin collection has been missed three weeks running and I cannot take the bin "
    "down the drive myself."
)

DEMO_ACTOR = "frontdoor:demo"
# Her complaint's story, as (working days before the seed day, local time, stage, why). It is
# dated from the day it is seeded, so the README's call reads the same whenever it is tried.
DEMO_STORY = (
    (2, time(19, 40), "received", "complaint form on the website"),
    (1, time(9, 15), "acknowledged", "acknowledged; investigating officer: Dev Patel"),
    (1, time(11, 30), "investigating", "Dev Patel has asked the waste team for the crew's logs"),
)

# Sector -> weekday (Monday is 0). Recycling weeks are counted from 5 January 2026.
BIN_ROUNDS = {"NN1 1": 1, "NN1 5": 2, "NN4 8": 3, "NN7 4": 0, "NN11 4": 3, "NN12 6": 4, "NN13 7": 2}
RECYCLING_ANCHOR = date(2026, 1, 5)


def seed(session: Session) -> dict[str, int]:
    """Insert whatever demo rows are missing; safe to run again."""
    added = {"advisors": 0, "residents": 0, "bin_rounds": 0}
    for name, work_email, skills, languages, capacity in ADVISORS:
        if session.exec(select(Advisor).where(Advisor.email == work_email)).first() is None:
            session.add(
                Advisor(
                    name=name,
                    email=work_email,
                    skills=skills,
                    languages=languages,
                    capacity=capacity,
                    available=True,
                    available_since=utcnow(),
                )
            )
            added["advisors"] += 1
    for full_name, address, postcode, phone, email in RESIDENTS:
        if session.exec(select(Customer).where(Customer.name == full_name)).first() is not None:
            continue
        customer = Customer(name=full_name, address=address, postcode=postcode)
        session.add(customer)
        session.flush()
        assert customer.id is not None
        session.add(
            ContactPoint(
                customer_id=customer.id,
                kind=ContactKind.PHONE,
                address=normalise_phone(phone),
                verified=True,
            )
        )
        if email:
            session.add(
                ContactPoint(
                    customer_id=customer.id,
                    kind=ContactKind.EMAIL,
                    address=normalise_email(email),
                    verified=True,
                )
            )
        added["residents"] += 1
    for sector, weekday in BIN_ROUNDS.items():
        if session.exec(select(BinRound).where(BinRound.postcode_sector == sector)).first() is None:
            session.add(
                BinRound(postcode_sector=sector, weekday=weekday, recycling_anchor=RECYCLING_ANCHOR)
            )
            added["bin_rounds"] += 1
    session.commit()
    return added


def seed_complaint(session: Session, rt: Runtime) -> bool:
    """Doris's complaint, made on the website two working days ago from her mobile and moved
    through its stages as officers would move it; False if it is there already."""
    reference = f"{rt.settings.case_reference_prefix}-{DEMO_COMPLAINT_DIGITS}"
    if session.exec(select(Case.id).where(Case.reference == reference)).first() is not None:
        return False
    doris = session.exec(select(Customer).where(Customer.name == RESIDENTS[0][0])).one()
    complaint = rt.case_types["complaint"]
    (_, _, first_stage, why), *moves = DEMO_STORY
    assert first_stage == complaint.lifecycle.initial
    made = _story_moment(rt, DEMO_STORY[0])
    case = Case(
        reference=reference,
        customer_id=doris.id,
        case_type=complaint.id,
        intent="complaint_new",
        stage=first_stage,
        queue="complaints",
        channel=Channel.WEB.value,
        summary=DEMO_COMPLAINT,
        raised_from=normalise_phone(RESIDENTS[0][3]),
        queued_at=made,
        created_at=made,
        updated_at=made,
    )
    start_case(session, case, complaint, rt.calendar, DEMO_ACTOR, why, made)
    for step in moves:
        _, _, stage, why = step
        move_case(
            session, rt.case_types, rt.calendar, case, stage, DEMO_ACTOR, why,
            _story_moment(rt, step),
        )  # fmt: skip
    session.commit()
    return True


def _story_moment(rt: Runtime, step: tuple[int, time, str, str]) -> datetime:
    """When a step of the story happened: working days before today, at a local time."""
    working_days_back, at, _, _ = step
    day = rt.calendar.working_days_before(rt.calendar.today(rt.clock()), working_days_back)
    return datetime.combine(day, at, tzinfo=rt.calendar.zone).astimezone(UTC)
