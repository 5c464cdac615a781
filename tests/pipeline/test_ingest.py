"""Storing an inbound message once, on both databases."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from sqlmodel import select

from app.db import build_engine
from app.db import session as db_session
from app.models import Conversation, Message
from app.pipeline.ingest import INBOUND_CHANNEL, ingest
from app.runtime import Runtime
from tests.factories import inbound


def _checked_out(engine: Engine) -> int:
    pool = engine.pool
    assert isinstance(pool, QueuePool)
    return pool.checkedout()


def test_a_message_is_stored_once_and_a_replay_learns_its_id(rt: Runtime) -> None:
    message = inbound("my bin wasnt collected", thread="+447700900123|council")
    first = ingest(rt.engine, message)
    replay = ingest(rt.engine, message)
    assert first.created and not replay.created
    assert replay.message_id == first.message_id
    with db_session(rt.engine) as session:
        stored = session.exec(select(Message)).all()
        conversations = session.exec(select(Conversation)).all()
    assert [m.id for m in stored] == [first.message_id]
    assert stored[0].body == "my bin wasnt collected"
    assert len(conversations) == 1 and stored[0].conversation_id == conversations[0].id


def test_a_second_message_joins_the_same_conversation(rt: Runtime) -> None:
    ingest(rt.engine, inbound("bins?", thread="+447700900123|council"))
    ingest(rt.engine, inbound("NN1 1AA", thread="+447700900123|council"))
    with db_session(rt.engine) as session:
        conversation_ids = {m.conversation_id for m in session.exec(select(Message))}
    assert len(conversation_ids) == 1


def test_postgres_announces_a_new_message_once_it_is_committed_and_never_a_replay(
    pg_url: str,
) -> None:
    engine = build_engine(pg_url)
    listener = psycopg.connect(pg_url, autocommit=True)
    listener.execute(f"LISTEN {INBOUND_CHANNEL}")
    message = inbound("council tax", thread="+447700900124|council")
    try:
        stored = ingest(engine, message, announce=True)
        ingest(engine, message, announce=True)
        heard = [n.payload for n in listener.notifies(timeout=1.0)]
    finally:
        listener.close()
        engine.dispose()
    assert stored.announced
    assert heard == [str(stored.message_id)]


def test_postgres_hands_its_connection_back_in_transaction_mode(pg_url: str) -> None:
    """The statement autocommits; the pooled connection must not stay that way for others."""
    engine = build_engine(pg_url)
    try:
        ingest(engine, inbound("hello", thread="+447700900125|council"))
        pooled = engine.raw_connection()
        try:
            assert pooled.driver_connection is not None
            assert pooled.driver_connection.autocommit is False
        finally:
            pooled.close()
        assert _checked_out(engine) == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("announce", [False, True])
def test_postgres_keeps_nothing_of_a_statement_that_fails(pg_url: str, announce: bool) -> None:
    """The conversation upsert succeeds, the message insert fails: neither may stay."""
    engine = build_engine(pg_url)
    too_long = inbound("hello", thread="+447700900126|council", external_id="SM" + "x" * 300)
    try:
        with pytest.raises(psycopg.DataError):
            ingest(engine, too_long, announce)
        assert _checked_out(engine) == 0
        with db_session(engine) as session:
            assert session.exec(select(Conversation)).all() == []
    finally:
        engine.dispose()
