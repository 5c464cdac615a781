"""'Where is my case?' on any channel: plain English for the verified, nothing for anyone else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from app.lifecycle.stages import move_case
from app.lifecycle.status import ASK_REFERENCE, NOT_FOUND
from app.models import Customer, NotificationSubscription
from app.pipeline.handle import handle_message
from app.runtime import Runtime
from tests.factories import inbound, open_test_case, store

MON_23_NOV = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DORIS = "+447700900101"


def _complaint_being_investigated(rt: Runtime, session: Session) -> str:
    doris = Customer(name="Doris Green", postcode="NN7 4AQ")
    session.add(doris)
    session.commit()
    case = open_test_case(rt, session, now=MON_23_NOV, customer_id=doris.id, raised_from=DORIS)
    for stage in ("acknowledged", "investigating"):
        move_case(session, rt.case_types, rt.calendar, case, stage, "advisor", "test", MON_23_NOV)
    session.commit()
    return case.reference


def _ask(rt: Runtime, text: str, phone: str | None, thread: str) -> str:
    result = handle_message(rt, store(rt, inbound(text, thread=thread, from_phone=phone)))
    assert result is not None
    return result.reply


def test_the_number_it_was_raised_from_hears_the_stage_and_due_date(
    rt: Runtime, session: Session
) -> None:
    reference = _complaint_being_investigated(rt, session)
    reply = _ask(rt, f"any update on {reference}?", DORIS, "a")
    assert reply.startswith(
        f"Your complaint {reference} is being investigated. We aim to reply by "
    )
    assert "so we are still within our 10 working days." in reply


def test_reference_and_postcode_verify_from_anywhere(rt: Runtime, session: Session) -> None:
    reference = _complaint_being_investigated(rt, session)
    reply = _ask(rt, f"where is my complaint {reference} NN7 4AQ", None, "b")
    assert f"Your complaint {reference} is being investigated." in reply


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        (
            "any update on {ref}?",
            "+447700900999",
        ),  # right reference, another number: a hint, not proof
        ("where is my complaint {ref} NN1 1AA", None),  # wrong postcode
        ("where is my complaint WNC-999999 NN7 4AQ", DORIS),  # no such case
    ],
)
def test_an_unverified_request_discloses_nothing(
    rt: Runtime, session: Session, text: str, phone: str | None
) -> None:
    reference = _complaint_being_investigated(rt, session)
    reply = _ask(rt, text.format(ref=reference), phone, "c")
    assert reply == NOT_FOUND
    assert reference not in reply and "investigat" not in reply


def test_without_a_reference_we_ask_for_one(rt: Runtime, session: Session) -> None:
    assert _ask(rt, "any news on my complaint?", "+447700900999", "d") == ASK_REFERENCE


def test_past_the_window_we_say_so(rt: Runtime, session: Session) -> None:
    reference = _complaint_being_investigated(rt, session)
    from app.models import CaseClock

    for clock in session.exec(select(CaseClock)):
        clock.started_on = clock.started_on.replace(month=10)
        clock.due_on = rt.calendar.add_working_days(clock.started_on, clock.working_days)
        session.add(clock)
    session.commit()
    reply = _ask(rt, f"any update on {reference}?", DORIS, "e")
    assert "so we are past our 10 working days" in reply


def test_text_me_when_it_changes_subscribes_the_verified_number(
    rt: Runtime, session: Session
) -> None:
    reference = _complaint_being_investigated(rt, session)
    _ask(rt, f"any update on {reference}?", DORIS, "f")
    reply = _ask(rt, "can you text me when it changes", DORIS, "f")
    assert reply == f"Done. We will text this number when {reference} moves to its next stage."
    subscription = session.exec(select(NotificationSubscription)).one()
    assert (subscription.channel, subscription.address) == ("sms", DORIS)
