"""The one face every channel adapter shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask import Request

from app.models.customer import ContactKind
from app.vocabulary import Channel


@dataclass(frozen=True)
class InboundMessage:
    """A message from any channel, normalised. `from_address` is a hint, never proof."""

    channel: Channel
    external_id: str
    thread_key: str
    body: str
    from_address: str | None = None
    from_kind: ContactKind | None = None
    to_address: str | None = None
    media: tuple[str, ...] = ()
    name_hint: str | None = None
    postcode_hint: str | None = None
    # Characters of the resident's words that could not be stored and were replaced (U+FFFD).
    replaced_characters: int = 0


@dataclass(frozen=True)
class OutboundMessage:
    """A message leaving through a channel, taken from one outbox row."""

    outbox_id: int
    channel: Channel
    thread_key: str
    to_address: str | None
    body: str


class ChannelAdapter(Protocol):
    """parse() turns a webhook request into an InboundMessage; send() delivers one message."""

    channel: Channel

    def parse(self, request: Request) -> InboundMessage: ...

    def send(self, message: OutboundMessage) -> str:
        """Deliver `message`; return the channel's id for it."""
        ...
