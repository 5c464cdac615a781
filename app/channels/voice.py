"""Voice through Twilio: signed call webhooks in; the reply is the TwiML of the response itself."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Request
from werkzeug.exceptions import BadRequest

from app.channels.base import InboundMessage, OutboundMessage
from app.channels.errors import PermanentDeliveryError
from app.channels.twilio_fields import TwilioForm
from app.channels.twilio_signature import TwilioSignature
from app.contact_points import InvalidContactPointError, normalise_phone
from app.models.customer import ContactKind
from app.vocabulary import Channel

# Bounds on what a caller's webhooks can carry; a real call comes nowhere near either.
MAX_STEPS = 10_000
MAX_DIGITS = 40


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
    replaced_characters: int = 0

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
    replaced_characters: int = 0


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
        fields = TwilioForm(self.authenticate(request))
        call_sid = fields.sid("CallSid", ("CA",))
        seq = request.args.get("seq", "0")
        if not seq.isascii() or not seq.isdigit() or int(seq) > MAX_STEPS:
            raise BadRequest(f"seq must be a whole number from 0 to {MAX_STEPS}")
        digits = fields.digits("Digits")
        speech = fields.text("SpeechResult")
        return CallInput(
            call_sid=call_sid,
            seq=int(seq),
            caller=_phone_or_none(request.form.get("From")),
            called=fields.number("To"),
            # A caller may key on and on where a step sets no limit: that is no answer we know.
            digits=digits if digits is None or len(digits) <= MAX_DIGITS else None,
            speech=speech.text.strip() or None,
            speech_confidence=fields.fraction("Confidence"),
            recording_url=fields.url("RecordingUrl"),
            replaced_characters=speech.replaced,
        )

    def transcription_input(self, request: Request) -> TranscriptionInput:
        """A genuinely signed transcription callback, parsed; 403 if forged, 400 if malformed."""
        fields = TwilioForm(self.authenticate(request))
        text = fields.text("TranscriptionText")
        return TranscriptionInput(
            sid=fields.sid("TranscriptionSid", ("TR",)),
            call_sid=fields.sid("CallSid", ("CA",)),
            recording_url=fields.url("RecordingUrl"),
            completed=request.form.get("TranscriptionStatus") == "completed",
            text=text.text.strip(),
            replaced_characters=text.replaced,
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
            replaced_characters=call.replaced_characters,
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
