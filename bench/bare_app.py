"""The baseline: bare Flask endpoints returning the same TwiML, no checks, no database."""

from __future__ import annotations

from flask import Flask, Response

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'
# A typical IVR step's answer: a Gather taking speech and keys, with its prompt.
GATHER_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="https://frontdoor.example.gov.uk'
    '/webhooks/twilio/voice/step?seq=2&amp;step=existing_menu" actionOnEmptyResult="true" '
    'hints="add information, update" input="dtmf speech" language="en-GB" method="POST" '
    'numDigits="1" speechTimeout="auto" timeout="6"><Say language="en-GB" voice="Polly.Amy">'
    "Would you like to add information to your complaint, or just hear an update? To add "
    "information, say add information or press 1. To hear an update, say update or press 2."
    "</Say></Gather></Response>"
)


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/webhooks/twilio/sms")
    def sms() -> Response:
        return Response(EMPTY_TWIML, mimetype="application/xml")

    @app.post("/webhooks/twilio/voice")
    @app.post("/webhooks/twilio/voice/step")
    def voice() -> Response:
        return Response(GATHER_TWIML, mimetype="application/xml")

    return app
