"""One adapter per channel, each with the same face, looked up in one dict."""

from __future__ import annotations

from collections.abc import Mapping

from app.channels.base import ChannelAdapter, InboundMessage, OutboundMessage
from app.channels.send_rate import LocalSendRate, RedisSendRate
from app.channels.sms import SmsAdapter
from app.channels.voice import VoiceAdapter
from app.channels.web import WebChatAdapter
from app.config import Settings
from app.vocabulary import Channel

__all__ = ["ChannelAdapter", "InboundMessage", "OutboundMessage", "build_adapters"]


def build_adapters(settings: Settings) -> Mapping[Channel, ChannelAdapter]:
    """The adapters this deployment runs, by channel: SMS only once Twilio is configured."""
    adapters: dict[Channel, ChannelAdapter] = {
        Channel.WEB: WebChatAdapter(settings.secret_key.get_secret_value())
    }
    if settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from_number:
        adapters[Channel.SMS] = SmsAdapter(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            settings.twilio_from_number,
            str(settings.public_base_url),
            str(settings.twilio_api_base) if settings.twilio_api_base else None,
            send_rate=(
                RedisSendRate(settings.redis_url, settings.sms_segments_per_second)
                if settings.redis_url
                else LocalSendRate(settings.sms_segments_per_second)
            ),
        )
    if settings.twilio_account_sid and settings.twilio_auth_token:
        adapters[Channel.VOICE] = VoiceAdapter(
            settings.twilio_auth_token.get_secret_value(), str(settings.public_base_url)
        )
    return adapters
