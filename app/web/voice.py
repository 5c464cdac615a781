"""Twilio voice webhooks: the call's entry point, its steps, and call status callbacks.

Thin, like every webhook: authenticate, parse, hand to the IVR, return its TwiML. A forged
request is refused with 403 before anything is written.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import Forbidden

from app.channels.voice import VoiceAdapter
from app.ivr.call import record_call_status, take_call_webhook
from app.ivr.transcription import take_transcription
from app.vocabulary import Channel
from app.web import runtime

bp = Blueprint("voice", __name__, url_prefix="/webhooks/twilio/voice")

# Twilio's call statuses in the order they happen; a late callback never moves one back.
CALL_STATUS_ORDER = {
    "queued": 0, "initiated": 0, "ringing": 1, "in-progress": 2,
    "completed": 3, "busy": 3, "failed": 3, "no-answer": 3, "canceled": 3,
}  # fmt: skip


def _voice() -> VoiceAdapter:
    adapter = runtime().adapters.get(Channel.VOICE)
    if not isinstance(adapter, VoiceAdapter):
        # Without Twilio settings nothing can be verified, so nothing is accepted.
        raise Forbidden("voice is not configured")
    return adapter


def _twiml(twiml: str) -> Response:
    return Response(twiml, mimetype="application/xml")


@bp.post("")
def incoming_call() -> ResponseReturnValue:
    """A call to the council's number: the flow's first words."""
    adapter = _voice()
    call = adapter.call_input(request)
    if call.seq != 0:
        return Response("the entry point takes no seq", status=400)
    return _twiml(take_call_webhook(runtime(), call, adapter.public_base))


@bp.post("/step")
def call_step() -> ResponseReturnValue:
    """The caller's answer (keys, speech or a recording) to the question we last asked."""
    adapter = _voice()
    call = adapter.call_input(request)
    if call.seq < 1:
        return Response("seq must be at least 1", status=400)
    return _twiml(take_call_webhook(runtime(), call, adapter.public_base))


@bp.post("/transcription")
def voicemail_transcription() -> ResponseReturnValue:
    """The words of a voicemail, once Twilio has transcribed them: kept and triaged."""
    take_transcription(runtime(), _voice().transcription_input(request))
    return Response(status=204)


@bp.post("/status")
def call_status() -> ResponseReturnValue:
    form = _voice().authenticate(request)
    status = form.get("CallStatus", "").lower()
    if status not in CALL_STATUS_ORDER:
        return Response("unknown status", status=400)
    record_call_status(runtime(), form.get("CallSid", ""), status, CALL_STATUS_ORDER)
    return Response(status=204)
