"""The baseline: a bare Flask endpoint returning the same empty TwiML, no checks, no database."""

from __future__ import annotations

from flask import Flask, Response

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/webhooks/twilio/sms")
    def sms() -> Response:
        return Response(EMPTY_TWIML, mimetype="application/xml")

    return app
