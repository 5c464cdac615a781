"""Web chat: the resident's browser posts JSON; replies are read back from the conversation."""

from __future__ import annotations

import hashlib
import secrets
from typing import Annotated, Any

from flask import Request
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from werkzeug.exceptions import BadRequest, Forbidden

from app.channels.base import InboundMessage, OutboundMessage
from app.channels.outside_text import storable_values
from app.contact_points import normalise_email, normalise_phone, normalise_postcode, optional
from app.models.customer import ContactKind
from app.vocabulary import Channel

_TOKEN_SALT = "frontdoor.web-chat"  # noqa: S105 - a namespace, not a secret


class _ChatPost(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    client_message_id: str = Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")
    text: str = Field(min_length=1, max_length=2000)
    name: str | None = Field(default=None, max_length=200)
    postcode: Annotated[str | None, AfterValidator(optional(normalise_postcode))] = Field(
        default=None, max_length=16
    )
    # Offered so we can reach them later; a hint like any From address, never proof.
    phone: Annotated[str | None, AfterValidator(optional(normalise_phone))] = Field(
        default=None, max_length=30
    )
    email: Annotated[str | None, AfterValidator(optional(normalise_email))] = Field(
        default=None, max_length=320
    )


class WebChatAdapter:
    """Authenticates by a signed conversation token issued by `start()`."""

    channel = Channel.WEB

    def __init__(self, secret_key: str) -> None:
        self._signer = URLSafeSerializer(secret_key, salt=_TOKEN_SALT)

    def start(self) -> str:
        """A new conversation token; the browser keeps it for the chat's life."""
        return self._signer.dumps(secrets.token_urlsafe(24))

    def thread_key(self, token: str) -> str:
        """The conversation's key: a hash of the verified token. Raises Forbidden if forged."""
        try:
            nonce = self._signer.loads(token)
        except BadSignature:
            raise Forbidden("unknown conversation") from None
        return hashlib.sha256(str(nonce).encode()).hexdigest()

    def parse(self, request: Request) -> InboundMessage:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token:
            raise Forbidden("missing conversation token")
        thread_key = self.thread_key(token)
        payload: Any = request.get_json(silent=True)
        if not isinstance(payload, dict):
            raise BadRequest("expected a JSON object")
        cleaned, replaced = storable_values(payload)
        try:
            post = _ChatPost.model_validate(cleaned)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "body"
            reason = str(first["msg"]).removeprefix("Value error, ")
            raise BadRequest(f"{field}: {reason}") from None
        contact: tuple[ContactKind | None, str | None] = (None, None)
        if post.phone:
            contact = (ContactKind.PHONE, post.phone)
        elif post.email:
            contact = (ContactKind.EMAIL, post.email)
        return InboundMessage(
            channel=self.channel,
            external_id=f"{thread_key[:16]}:{post.client_message_id}",
            thread_key=thread_key,
            body=post.text,
            from_kind=contact[0],
            from_address=contact[1],
            name_hint=post.name or None,
            postcode_hint=post.postcode,
            replaced_characters=replaced,
        )

    def send(self, message: OutboundMessage) -> str:
        # The browser polls the conversation, so delivery is recording the message.
        return f"web-out-{message.outbox_id}"
