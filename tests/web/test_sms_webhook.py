"""SMS over HTTP against a real running server: signed exactly as Twilio signs, records asserted."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, col, select
from twilio.request_validator import RequestValidator

from app.models import (
    Case,
    ContactKind,
    ContactPoint,
    Customer,
    Message,
    NotificationSubscription,
    OutboxMessage,
)
from tests.factories import saved_id
from tests.twilio_api import AUTH_TOKEN
from tests.web.sms_line import COUNCIL, RESIDENT, Live


def test_a_whole_sms_journey(live: Live) -> None:
    # Self-service answers come straight back in the webhook's TwiML response.
    assert live.answer("bins?") == "I can look up your bin day. What is your postcode?"
    assert live.answer("its NN1 1AA").startswith("Bins for NN1 1AA are collected on Tuesdays.")
    assert live.api.calls == []

    # A case is raised by the pipeline; its acknowledgement goes out through the outbox.
    status, twiml = live.text(
        "I want to make a complaint, the grass in the park hasn't been cut for months "
        "and I'd like it cut this week"
    )
    assert status == 200 and "<Message>" not in twiml
    reply = live.last_reply()
    assert (
        "Your complaint is logged as WNC-" in reply
        and "acknowledge it within 5 working days" in reply
    )
    reference = reply.split("logged as ")[1][:10]
    with Session(live.rt.engine) as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        assert (case.case_type, case.stage, case.raised_from) == ("complaint", "received", RESIDENT)

    status_reply = live.answer(f"any update on {reference}?")
    assert status_reply.startswith(
        f"Your complaint {reference} has been received. We aim to acknowledge it by "
    )
    assert "so we are still within our 5 working days" in status_reply

    subscribed = live.answer("text me when it changes")
    assert subscribed == f"Done. We will text this number when {reference} moves to its next stage."
    with Session(live.rt.engine) as session:
        subscription = session.exec(select(NotificationSubscription)).one()
        assert (subscription.case_id, subscription.address) == (case.id, RESIDENT)
        replies = session.exec(select(Message).where(Message.direction == "out")).all()
        assert len(replies) == 5 and {m.delivery_status for m in replies} == {"sent"}
        in_response = [m for m in replies if m.external_id.startswith("response:")]
        assert len(in_response) == 4


def test_a_retried_text_that_was_answered_gets_the_same_answer(live: Live) -> None:
    sid = "SM" + uuid.uuid4().hex
    first = live.answer("bins?", sid=sid)
    assert live.answer("bins?", sid=sid) == first
    assert live.count(OutboxMessage) == 1


def test_1000_forged_tampered_or_unsigned_requests_get_403_and_leave_nothing(live: Live) -> None:
    form = {"MessageSid": "SM" + "f" * 32, "From": RESIDENT, "To": COUNCIL, "Body": "hello"}
    good = RequestValidator(AUTH_TOKEN).compute_signature(
        live.public + "/webhooks/twilio/sms", form
    )
    wrong_key = RequestValidator("not-the-token").compute_signature(
        live.public + "/webhooks/twilio/sms", form
    )
    attempts = []
    for i in range(1000):
        kind = i % 4
        if kind == 0:
            attempts.append(({**form, "Body": f"tampered {i}"}, good))
        elif kind == 1:
            attempts.append((form, wrong_key))
        elif kind == 2:
            attempts.append((form, None))
        else:
            attempts.append(({**form, "MessageSid": f"SM{i:032d}"}, good[:-4] + "AAAA"))
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda a: live.post("/webhooks/twilio/sms", a[0], a[1])[0], attempts)
        )
    assert statuses == [403] * 1000
    assert live.count(Message) == 0 and live.count(OutboxMessage) == 0 and live.api.calls == []


def test_each_valid_webhook_replayed_three_times_at_once_makes_one_message(live: Live) -> None:
    sids = ["SM" + uuid.uuid4().hex for _ in range(10)]
    bodies = ["pothole on the A45 near the roundabout"] * 10
    jobs = [(sid, body) for sid, body in zip(sids, bodies, strict=True) for _ in range(3)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda job: live.text(job[1], sid=job[0])[0], jobs))
    assert statuses == [200] * 30
    with Session(live.rt.engine) as session:
        stored = session.exec(select(Message.external_id).where(Message.direction == "in")).all()
        assert sorted(stored) == sorted(sids)
    assert live.count(OutboxMessage) == 10  # one reply each, not three


def test_status_callbacks_out_of_order_never_regress(live: Live) -> None:
    live.text("I'd like to speak to a person about my council tax")
    with Session(live.rt.engine) as session:
        sent = session.exec(select(Message).where(Message.direction == "out")).one()
    for status in ("delivered", "sent", "queued", "sending"):
        code, _ = live.post(
            "/webhooks/twilio/status", {"MessageSid": sent.external_id, "MessageStatus": status}
        )
        assert code == 204
    with Session(live.rt.engine) as session:
        assert session.get_one(Message, sent.id).delivery_status == "delivered"
    assert (
        live.post(
            "/webhooks/twilio/status",
            {"MessageSid": sent.external_id, "MessageStatus": "failed"},
            None,
        )[0]
        == 403
    )


def test_stop_opts_out_and_a_later_notification_falls_back(live: Live) -> None:
    number = "+447700900666"
    with Session(live.rt.engine, expire_on_commit=False) as session:
        doris = Customer(name="Doris Green", postcode="NN7 4AQ")
        session.add(doris)
        session.flush()
        session.add(ContactPoint(customer_id=doris.id or 0, kind=ContactKind.PHONE, address=number))
        session.add(
            ContactPoint(customer_id=doris.id or 0, kind=ContactKind.PHONE, address="+447700900555")
        )
        session.commit()
    code, twiml = live.text("STOP", sender=number)
    assert code == 200 and "<Message>" not in twiml  # Twilio's own opt-out confirmation goes out
    with Session(live.rt.engine) as session:
        point = session.exec(select(ContactPoint).where(ContactPoint.address == number)).one()
        assert point.opted_out is True
    code, twiml = live.text("HELP", sender=number)
    assert "Text STOP to stop texts." in twiml

    from app.lifecycle.notify import subscribe
    from app.lifecycle.stages import move_case
    from app.models import utcnow
    from app.pipeline.deliver import deliver
    from tests.factories import open_test_case

    rt = live.rt
    with Session(rt.engine, expire_on_commit=False) as session:
        case = open_test_case(rt, session, customer_id=doris.id)
        subscribe(session, saved_id(case), "sms", number)
        moved = move_case(
            session, rt.case_types, rt.calendar, case, "acknowledged", "a", "t", utcnow()
        )
        session.commit()
    deliver(rt, moved.outbox_ids[0])  # known opted out: straight to the next number
    assert number not in live.api.sent_to()
    with Session(rt.engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        assert [(r.to_address, r.status) for r in rows][-2:] == [
            (number, "failed"),
            ("+447700900555", "sent"),
        ]


def test_a_photo_of_fly_tipping_is_kept_with_the_case(live: Live) -> None:
    photo = "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1"
    form = {"MessageSid": "MM" + uuid.uuid4().hex, "From": RESIDENT, "To": COUNCIL,
            "Body": "someone has dumped a mattress and bin bags in the lane behind my house",
            "NumMedia": "1", "MediaUrl0": photo, "MediaContentType0": "image/jpeg"}  # fmt: skip
    assert live.post("/webhooks/twilio/sms", form)[0] == 200
    with Session(live.rt.engine) as session:
        case = session.exec(select(Case)).one()
        assert case.case_type == "fly_tipping" and case.attachments == [photo]
