"""One adapter per channel, each with the same face, looked up in one dict."""

from __future__ import annotations

from collections.abc import Mapping

from app.channels.base import ChannelAdapter, InboundMessage, OutboundMessage
from app.channels.web import WebChatAdapter
from app.config import Settings
from app.vocabulary import Channel

__all__ = ["ChannelAdapter", "InboundMessage", "OutboundMessage", "build_adapters"]


def build_adapters(settings: Settings) -> Mapping[Channel, ChannelAdapter]:
    """The adapters this deployment runs, by channel."""
    return {Channel.WEB: WebChatAdapter(settings.secret_key.get_secret_value())}
