"""The thin webhook every channel shares: authenticate, normalise, persist, enqueue, return."""

from __future__ import annotations

import structlog
from flask import request

from app.channels.base import InboundMessage
from app.pipeline.ingest import Ingested, ingest
from app.vocabulary import Channel
from app.web import runtime

log = structlog.get_logger(__name__)


def accept(channel: Channel) -> Ingested:
    """Parse the request with the channel's adapter (which authenticates it), then store it."""
    return accept_inbound(runtime().adapters[channel].parse(request))


def accept_inbound(inbound: InboundMessage, handle: bool = True) -> Ingested:
    """Store a parsed message once and, unless told not to, queue its handling."""
    rt = runtime()
    ingested = ingest(rt.engine, inbound, announce=handle and rt.announces_inbound)
    log.info(
        "message.received",
        channel=inbound.channel.value,
        message_id=ingested.message_id,
        replay=not ingested.created,
    )
    if handle and not ingested.processed and not ingested.announced:
        # At most once per message: a replay of one already enqueued (by the relay or another
        # copy) adds nothing, while one that never was (Redis was down) gets its second chance.
        rt.jobs.enqueue_inbound(ingested.message_id)
    return ingested
