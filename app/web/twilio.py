"""Twilio webhooks: inbound SMS and delivery status; authenticate, persist, enqueue, return.

A forged, tampered or unsigned request is refused with 403 before anything is written.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue
from sqlmodel import select
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import Forbidden

from app.channels.sms import SmsAdapter
from app.channels.twilio_fields import TwilioForm
from app.db import session as db_session
from app.models import Message
from app.pipeline.sms_intake import receive_sms
from app.vocabulary import Channel
from app.web import runtime

bp = Blueprint("twilio", __name__, url_prefix="/webhooks/twilio")

# Twilio's message statuses in the order they happen; a late callback never moves one back.
STATUS_ORDER = {
    "accepted": 0, "scheduled": 0, "queued": 1, "sending": 2, "sent": 3,
    "delivered": 4, "read": 5, "undelivered": 4, "failed": 4, "canceled": 4,
}  # fmt: skip


def _sms() -> SmsAdapter:
    adapter = runtime().adapters.get(Channel.SMS)
    if not isinstance(adapter, SmsAdapter):
        # Without Twilio settings nothing can be verified, so nothing is accepted.
        raise Forbidden("SMS is not configured")
    return adapter


# Most texts are answered later, through the outbox: the same empty TwiML, built once.
_NO_REPLY = str(MessagingResponse())


def _twiml(twiml: str) -> Response:
    return Response(twiml, mimetype="application/xml")


@bp.post("/sms")
def inbound_sms() -> ResponseReturnValue:
    """A text from a resident. Forged requests are refused before anything is stored."""
    inbound = _sms().parse(request)
    _ingested, reply = receive_sms(runtime(), inbound)
    if not reply:
        return _twiml(_NO_REPLY)
    twiml = MessagingResponse()
    twiml.message(reply)
    return _twiml(str(twiml))


@bp.post("/status")
def status_callback() -> ResponseReturnValue:
    """Delivery reports: recorded on the outbound message, only ever moving forwards."""
    form = _sms().authenticate(request)
    sid = TwilioForm(form).sid("MessageSid", ("SM", "MM"))
    status = form.get("MessageStatus", "").lower()
    if status not in STATUS_ORDER:
        return Response("unknown status", status=400)
    with db_session(runtime().engine) as session:
        message = session.exec(
            select(Message)
            .where(
                Message.channel == Channel.SMS.value,
                Message.external_id == sid,
                Message.direction == "out",
            )
            .with_for_update()
        ).first()
        current = STATUS_ORDER.get(message.delivery_status or "", -1) if message else -1
        if message is not None and STATUS_ORDER[status] > current:
            message.delivery_status = status
            session.add(message)
            session.commit()
    return Response(status=204)
