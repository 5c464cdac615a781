"""Voice through Twilio: signed call webhooks in; the reply is the TwiML of the response itself."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Request
from werkzeug.exceptions import BadRequest

from app.channels.base import InboundMessage, OutboundMessage
from app.channels.errors import PermanentDeliveryError
from app.channels.twilio_signature import TwilioSignature
from app.contact_points import InvalidContactPointError, normalise_phone
from app.models.customer import ContactKind
from app.vocabulary import Channel


@dataclass(frozen=True)
class CallInput:
    """One call webhook: who (a hint only), which step of the call, and what the caller did."""

    call_sid: str
    seq: int
    caller: str | None  # None when withheld or not a phone number
    called: str | None
    digits: str | None
    speech: str | None
    speech_confidence: float | None
    recording_url: str | None

    @property
    def said(self) -> str:
        return self.speech or self.digits or ""


@dataclass(frozen=True)
class TranscriptionInput:
    """Twilio's transcription of a recording left on a call (a voicemail)."""

    sid: str
    call_sid: str
    recording_url: str | None
    completed: bool
    text: str


class VoiceAdapter:
    """The council's phone lines on Twilio."""

    channel = Channel.VOICE

    def __init__(self, auth_token: str, public_base_url: str) -> None:
        self._signature = TwilioSignature(auth_token, public_base_url)
        self.public_base = self._signature.public_base

    def authenticate(self, request: Request) -> dict[str, str]:
        return self._signature.authenticate(request)

    def call_input(self, request: Request) -> CallInput:
        """A genuinely signed call webhook, parsed; 403 if forged, 400 if not a call."""
        form = self.authenticate(request)
        call_sid = form.get("CallSid", "")
        if not call_sid.startswith("CA") or len(call_sid) > 64:
            raise BadRequest("not a call webhook: CallSid")
        try:
            seq = int(request.args.get("seq", "0"))
        except ValueError:
            raise BadRequest("seq must be a number") from None
        return CallInput(
            call_sid=call_sid,
            seq=seq,
            caller=_phone_or_none(form.get("From")),
            called=form.get("To"),
            digits=form.get("Digits") or None,
            speech=(form.get("SpeechResult") or "").strip() or None,
            speech_confidence=_float_or_none(form.get("Confidence")),
            recording_url=form.get("RecordingUrl") or None,
        )

    def transcription_input(self, request: Request) -> TranscriptionInput:
        """A genuinely signed transcription callback, parsed; 403 if forged, 400 if malformed."""
        form = self.authenticate(request)
        sid, call_sid = form.get("TranscriptionSid", ""), form.get("CallSid", "")
        if not sid.startswith("TR") or len(sid) > 64 or not call_sid.startswith("CA"):
            raise BadRequest("not a transcription callback: TranscriptionSid, CallSid")
        return TranscriptionInput(
            sid=sid,
            call_sid=call_sid,
            recording_url=form.get("RecordingUrl") or None,
            completed=form.get("TranscriptionStatus") == "completed",
            text=(form.get("TranscriptionText") or "").strip(),
        )

    def parse(self, request: Request) -> InboundMessage:
        call = self.call_input(request)
        return InboundMessage(
            channel=self.channel,
            external_id=f"{call.call_sid}:{call.seq}",
            thread_key=call.call_sid,
            body=call.said,
            from_address=call.caller,
            from_kind=ContactKind.PHONE if call.caller else None,
            to_address=call.called,
            media=(call.recording_url,) if call.recording_url else (),
        )

    def send(self, message: OutboundMessage) -> str:
        # A call's words go back in its TwiML; there is nothing to send afterwards.
        raise PermanentDeliveryError("voice replies are spoken during the call")


def _phone_or_none(raw: str | None) -> str | None:
    """Caller ID, normalised; withheld ("anonymous", "+266696687") gives None."""
    if not raw:
        return None
    try:
        return normalise_phone(raw)
    except InvalidContactPointError:
        return None


def _float_or_none(raw: str | None) -> float | None:
    try:
        return float(raw) if raw else None
    except ValueError:
        return None
