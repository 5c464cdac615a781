"""The SMS adapter: signatures checked as Twilio computes them; sends through the Client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import Forbidden

from app.channels.base import OutboundMessage
from app.channels.errors import PermanentDeliveryError
from app.channels.sms import SmsAdapter
from app.vocabulary import Channel
from tests.twilio_api import ACCOUNT_SID, AUTH_TOKEN, TwilioApi

PUBLIC = "https://frontdoor.example.gov.uk"
FORM = {
    "MessageSid": "SM" + "1" * 32,
    "From": "+447700900123",
    "To": "+447700900000",
    "Body": "my bin wasn't collected",
    "NumMedia": "1",
    "MediaUrl0": "https://api.twilio.com/media/ME1",
}


@pytest.fixture
def api() -> Iterator[TwilioApi]:
    with TwilioApi(refuse={"+447700900666": 21610, "+447700900777": 21211}) as stand_in:
        yield stand_in


@pytest.fixture
def adapter(api: TwilioApi) -> SmsAdapter:
    return SmsAdapter(ACCOUNT_SID, AUTH_TOKEN, "+447700900000", PUBLIC, api.base_url)


def _signed(path_and_query: str, form: dict[str, str]) -> str:
    signature: str = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + path_and_query, form)
    return signature


def _parse(adapter: SmsAdapter, path: str, form: dict[str, str], signature: str | None):  # type: ignore[no-untyped-def]
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    with Flask(__name__).test_request_context(path, method="POST", data=form, headers=headers):
        from flask import request

        return adapter.parse(request)


def test_a_signed_webhook_is_normalised(adapter: SmsAdapter) -> None:
    message = _parse(adapter, "/webhooks/twilio/sms", FORM, _signed("/webhooks/twilio/sms", FORM))
    assert message.channel is Channel.SMS and message.external_id == FORM["MessageSid"]
    assert message.from_address == "+447700900123" and message.media == (
        "https://api.twilio.com/media/ME1",
    )
    assert message.thread_key == "+447700900123|+447700900000"


def test_the_raw_query_string_is_what_twilio_signed(adapter: SmsAdapter) -> None:
    path = "/webhooks/twilio/sms?council=west%27s%2Fnorth"
    assert _parse(adapter, path, FORM, _signed(path, FORM)).body == FORM["Body"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda form, sig: ({**form, "Body": "something else"}, sig),
        lambda form, sig: (form, sig[:-2] + "xx"),
        lambda form, sig: (form, None),
        lambda form, sig: (form, ""),
    ],
)
def test_forged_tampered_or_unsigned_is_forbidden(adapter: SmsAdapter, tamper) -> None:  # type: ignore[no-untyped-def]
    form, signature = tamper(FORM, _signed("/webhooks/twilio/sms", FORM))
    with pytest.raises(Forbidden):
        _parse(adapter, "/webhooks/twilio/sms", form, signature)


def test_send_goes_through_the_twilio_client_with_a_status_callback(
    adapter: SmsAdapter, api: TwilioApi
) -> None:
    sid = adapter.send(OutboundMessage(1, Channel.SMS, "", "+447700900123", "Your bin is due"))
    assert sid.startswith("SM")
    (call,) = api.calls
    assert call["To"] == "+447700900123" and call["From"] == "+447700900000"
    assert call["StatusCallback"] == f"{PUBLIC}/webhooks/twilio/status"


@pytest.mark.parametrize(
    ("number", "opted_out"), [("+447700900666", True), ("+447700900777", False)]
)
def test_permanent_refusals_are_told_apart_from_retries(
    adapter: SmsAdapter, number: str, opted_out: bool
) -> None:
    with pytest.raises(PermanentDeliveryError) as caught:
        adapter.send(OutboundMessage(1, Channel.SMS, "", number, "hello"))
    assert caught.value.opted_out is opted_out
