"""What happens to every incoming text, from the webhook or the simulator alike."""

from __future__ import annotations

from app.channels.base import InboundMessage
from app.db import session as db_session
from app.models import Message
from app.pipeline.ingest import Ingested, ingest
from app.pipeline.keywords import apply_keyword, recognise
from app.runtime import Runtime


def receive_sms(rt: Runtime, inbound: InboundMessage) -> tuple[Ingested, str | None]:
    """Store the text once; answer keywords at once; queue everything else for the pipeline.

    Returns what to say straight back (HELP's words), if anything.
    """
    with db_session(rt.engine) as session:
        ingested = ingest(session, inbound)
        word = recognise(session, inbound.from_address or "", inbound.body)
        if word is not None:
            if ingested.processed:
                return ingested, None  # a replayed keyword changes nothing twice
            message = session.get_one(Message, ingested.message_id)
            keyword = apply_keyword(session, message, word)
            session.commit()
            return ingested, keyword.reply
    if not ingested.processed:
        # The reply goes through the outbox once the pipeline has decided, so it is never lost.
        rt.jobs.enqueue("handle_inbound", ingested.message_id)
    return ingested, None
