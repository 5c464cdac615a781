"""Whatever a resident sends, ingesting it twice stores it once, as they wrote it."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from app.channels.base import InboundMessage
from app.channels.outside_text import storable
from app.db import session as db_session
from app.models import Message
from app.pipeline.ingest import ingest
from app.runtime import Runtime
from app.vocabulary import Channel


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(max_size=500), name=st.one_of(st.none(), st.text(max_size=200)))
def test_a_message_is_stored_once_and_round_trips(rt: Runtime, body: str, name: str | None) -> None:
    kept, name_kept = storable(body), storable(name) if name else None
    message = InboundMessage(
        channel=Channel.WEB,
        external_id=uuid.uuid4().hex,
        thread_key=uuid.uuid4().hex,
        body=kept.text,
        name_hint=name_kept.text if name_kept else None,
        replaced_characters=kept.replaced,
    )
    first, replay = ingest(rt.engine, message), ingest(rt.engine, message)
    assert first.created and not replay.created and replay.message_id == first.message_id
    with db_session(rt.engine) as session:
        stored = session.exec(
            select(Message).where(Message.external_id == message.external_id)
        ).all()
    assert [row.id for row in stored] == [first.message_id]
    assert stored[0].body == kept.text
    assert stored[0].hints.get("name") == (name_kept.text if name_kept and name_kept.text else None)
