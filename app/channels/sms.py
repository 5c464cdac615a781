"""SMS through Twilio: signed webhooks in, the twilio Client out."""

from __future__ import annotations

from typing import Any

from flask import Request
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client
from werkzeug.exceptions import BadRequest

from app.channels.base import InboundMessage, OutboundMessage
from app.channels.errors import PermanentDeliveryError
from app.channels.send_rate import LocalSendRate, SendRate
from app.channels.sms_text import polite_parts, segments
from app.channels.twilio_fields import MAX_MEDIA, TwilioForm
from app.channels.twilio_signature import TwilioSignature
from app.contact_points import InvalidContactPointError, normalise_phone
from app.models.customer import ContactKind
from app.vocabulary import Channel

TWILIO_API = "https://api.twilio.com"
# Twilio error codes that no retry will fix.
OPTED_OUT = 21610
PERMANENT_CODES = frozenset({OPTED_OUT, 21211, 21408, 21612, 21614, 30003, 30005, 30006})


class _RebasedHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Sends Twilio API calls to another base URL (a regional proxy, or a local test server)."""

    def __init__(self, base_url: str) -> None:
        super().__init__(timeout=10)
        self._base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if url.startswith(TWILIO_API):
            url = self._base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


class SmsAdapter:
    """One council number on Twilio."""

    channel = Channel.SMS

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        public_base_url: str,
        api_base: str | None = None,
        send_rate: SendRate | None = None,
    ) -> None:
        http_client = _RebasedHttpClient(api_base) if api_base else None
        self._client = Client(account_sid, auth_token, http_client=http_client)
        self._signature = TwilioSignature(auth_token, public_base_url)
        self._from = from_number
        self._public_base = self._signature.public_base
        self._rate = send_rate or LocalSendRate(per_second=1.0)

    def signed_url(self, request: Request) -> str:
        return self._signature.signed_url(request)

    def authenticate(self, request: Request) -> dict[str, str]:
        """The form fields of a genuinely Twilio-signed request, else 403."""
        return self._signature.authenticate(request)

    def parse(self, request: Request) -> InboundMessage:
        fields = TwilioForm(self.authenticate(request))
        external_id = fields.sid("MessageSid", ("SM", "MM"))
        try:
            sender = normalise_phone(fields.number("From") or "")
        except InvalidContactPointError:
            raise BadRequest("From: not a phone number") from None
        to = fields.number("To")
        media_count = fields.count("NumMedia", MAX_MEDIA)
        media = (fields.url(f"MediaUrl{i}") for i in range(media_count))
        body = fields.text("Body")
        return InboundMessage(
            channel=self.channel,
            external_id=external_id,
            thread_key=f"{sender}|{to or ''}",
            body=body.text,
            from_address=sender,
            from_kind=ContactKind.PHONE,
            to_address=to,
            media=tuple(url for url in media if url),
            replaced_characters=body.replaced,
        )

    def send(self, message: OutboundMessage) -> str:
        if not message.to_address:
            raise PermanentDeliveryError("no phone number to text")
        sids = [self._send_part(message.to_address, part) for part in polite_parts(message.body)]
        return sids[0]

    def _send_part(self, to: str, body: str) -> str:
        self._rate.wait_for_slot(self._from, segments(body))
        try:
            sent = self._client.messages.create(
                to=to,
                from_=self._from,
                body=body,
                status_callback=f"{self._public_base}/webhooks/twilio/status",
            )
        except TwilioRestException as exc:
            if exc.code in PERMANENT_CODES or (400 <= exc.status < 500 and exc.status != 429):
                raise PermanentDeliveryError(
                    f"twilio {exc.code or exc.status}", opted_out=exc.code == OPTED_OUT
                ) from None
            raise
        return str(sent.sid)
