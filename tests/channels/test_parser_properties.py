"""Properties of every parser of outside input, whatever arrives.

- A parser answers with its result or its documented refusal (400, 403), never anything else.
- What a resident wrote round-trips: only unstorable characters change, and they are counted.
- Addresses and references normalise to a fixed point.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import BadRequest, Forbidden

from app.channels.base import InboundMessage
from app.channels.outside_text import REPLACEMENT, storable
from app.channels.sms import SmsAdapter
from app.channels.voice import CallInput, VoiceAdapter
from app.channels.web import WebChatAdapter
from app.contact_points import InvalidContactPointError, normalise_phone, normalise_postcode
from app.ivr.spoken import case_reference_from_keys, case_reference_from_speech
from app.understanding.entities import reference_pattern
from tests.twilio_api import ACCOUNT_SID, AUTH_TOKEN

PUBLIC = "https://frontdoor.example.gov.uk"
PREFIX = "WNC"
_FLASK = Flask(__name__)

# Form values travel as UTF-8, which cannot carry a lone surrogate; anything else may come.
form_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
hex32 = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)


def _sid(kind: str) -> st.SearchStrategy[str]:
    return st.one_of(hex32.map(lambda h: kind + h), form_text)


phone_ish = st.one_of(
    st.sampled_from(["+447700900123", "07700 900123", "+441604837837", "anonymous", ""]),
    st.from_regex(r"\+?[0-9]{3,16}", fullmatch=True),
    form_text,
)


def _signed(path: str, form: dict[str, str]) -> dict[str, str]:
    return {
        "X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + path, form)
    }


def _kept(sent: str, stored: str, replaced: int) -> None:
    """`stored` is `sent` with each unstorable character replaced, and the count is right."""
    assert stored == storable(sent).text
    assert replaced >= sent.count("\x00")


@given(
    sid=_sid("SM"),
    sender=phone_ish,
    to=phone_ish,
    body=form_text,
    num_media=st.one_of(st.integers(-2, 12).map(str), form_text),
    media=st.one_of(st.just("https://api.twilio.com/2010/Media/ME1"), form_text),
)
def test_an_sms_webhook_is_parsed_or_refused(
    sid: str, sender: str, to: str, body: str, num_media: str, media: str
) -> None:
    adapter = SmsAdapter(ACCOUNT_SID, AUTH_TOKEN, "+447700900000", PUBLIC)
    form = {"MessageSid": sid, "From": sender, "To": to, "Body": body, "NumMedia": num_media,
            "MediaUrl0": media}  # fmt: skip
    path = "/webhooks/twilio/sms"
    with _FLASK.test_request_context(path, method="POST", data=form, headers=_signed(path, form)):
        from flask import request

        try:
            message = adapter.parse(request)
        except BadRequest:
            return
    assert isinstance(message, InboundMessage)
    _kept(body, message.body, message.replaced_characters)
    assert message.external_id == sid and len(sid) == 34
    assert message.to_address is None or len(message.to_address) <= 16
    assert len(message.media) <= 10


@given(
    sid=_sid("CA"),
    seq=st.one_of(st.integers(-5, 20_000).map(str), form_text),
    digits=st.one_of(st.from_regex(r"[0-9*#]{0,120}", fullmatch=True), form_text),
    speech=form_text,
    confidence=st.one_of(st.floats(allow_nan=True).map(str), form_text),
)
def test_a_call_step_is_parsed_or_refused(
    sid: str, seq: str, digits: str, speech: str, confidence: str
) -> None:
    adapter = VoiceAdapter(AUTH_TOKEN, PUBLIC)
    form = {"CallSid": sid, "From": "+447700900123", "To": "+441604837837", "Digits": digits,
            "SpeechResult": speech, "Confidence": confidence}  # fmt: skip
    path = "/webhooks/twilio/voice/step?" + urllib.parse.urlencode({"seq": seq})
    with _FLASK.test_request_context(path, method="POST", data=form, headers=_signed(path, form)):
        from flask import request

        try:
            call = adapter.call_input(request)
        except BadRequest:
            return
    assert isinstance(call, CallInput)
    assert 0 <= call.seq <= 10_000
    assert call.digits is None or len(call.digits) <= 40
    assert call.speech_confidence is None or 0.0 <= call.speech_confidence <= 1.0
    assert (call.speech or "") == storable(speech).text.strip()


chat_value = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=300), st.lists(st.text(max_size=5))
)
chat_key = st.one_of(
    st.sampled_from(["client_message_id", "text", "name", "postcode", "phone", "email"]),
    st.text(max_size=10),
)


@given(
    payload=st.one_of(
        st.dictionaries(chat_key, chat_value, max_size=7),
        st.fixed_dictionaries(
            {
                "client_message_id": st.from_regex(r"[A-Za-z0-9_-]{8,64}", fullmatch=True),
                "text": st.text(min_size=1, max_size=2000),
            },
            optional={"name": st.text(max_size=200), "postcode": st.text(max_size=16)},
        ),
        chat_value,
    )
)
def test_a_chat_post_is_parsed_or_refused(payload: Any) -> None:
    adapter = WebChatAdapter("test-secret-key")
    token = adapter.start()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with _FLASK.test_request_context(
        "/api/chat/messages", method="POST", data=json.dumps(payload), headers=headers
    ):
        from flask import request

        try:
            message = adapter.parse(request)
        except (BadRequest, Forbidden):
            return
    assert isinstance(payload, dict)
    sent = storable(payload["text"]).text
    assert message.body in sent and message.body.strip() == sent.strip()
    assert REPLACEMENT not in message.body or message.replaced_characters > 0


@given(st.text(alphabet="0123456789*# ", max_size=40))
def test_keyed_references_are_the_keys_or_nothing(keys: str) -> None:
    found = case_reference_from_keys(keys, PREFIX)
    if found is not None:
        assert reference_pattern(PREFIX).fullmatch(found)
        assert found.removeprefix(f"{PREFIX}-") == "".join(c for c in keys if c.isdigit())


@given(st.text(max_size=200))
def test_spoken_references_never_fail(said: str) -> None:
    found = case_reference_from_speech(said, PREFIX)
    assert found is None or reference_pattern(PREFIX).fullmatch(found)


@pytest.mark.parametrize("normalise", [normalise_postcode, normalise_phone])
@given(
    raw=st.one_of(st.text(max_size=30), st.from_regex(r"[A-Za-z]{1,2}[0-9]{1,2} ?[0-9][A-Za-z]{2}"))
)
def test_addresses_normalise_to_a_fixed_point_or_are_refused(normalise: Any, raw: str) -> None:
    try:
        once = normalise(raw)
    except InvalidContactPointError:
        return
    assert normalise(once) == once
