"""Twilio's webhook signature, checked the same way on every Twilio channel."""

from __future__ import annotations

from flask import Request
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import Forbidden


class TwilioSignature:
    """Checks X-Twilio-Signature against the URL Twilio was given (our public base URL)."""

    def __init__(self, auth_token: str, public_base_url: str) -> None:
        self._validator = RequestValidator(auth_token)
        self.public_base = public_base_url.rstrip("/")

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: our public base, the path, the raw query string.

        Werkzeug's request.url decodes %27 and %2F, which would break valid signatures.
        """
        query = request.query_string.decode("latin-1")
        return f"{self.public_base}{request.path}" + (f"?{query}" if query else "")

    def authenticate(self, request: Request) -> dict[str, str]:
        """The form fields of a genuinely Twilio-signed request, else 403."""
        signature = request.headers.get("X-Twilio-Signature")
        form = request.form.to_dict(flat=True)
        if not signature or not self._validator.validate(self.signed_url(request), form, signature):
            raise Forbidden("invalid Twilio signature")
        return form
