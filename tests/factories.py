"""Small builders for test records; real rows, no mocks."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from app.channels.base import InboundMessage
from app.db import session as db_session
from app.demo import seed
from app.migrate import sync_queues
from app.models import ContactKind
from app.pipeline.ingest import ingest
from app.runtime import Runtime
from app.vocabulary import Channel


def inbound(
    text: str,
    channel: Channel = Channel.WEB,
    thread: str = "thread-1",
    from_phone: str | None = "+447700900999",
    **kwargs: object,
) -> InboundMessage:
    values: dict[str, object] = {
        "channel": channel,
        "external_id": uuid.uuid4().hex,
        "thread_key": thread,
        "body": text,
        "from_address": from_phone,
        "from_kind": ContactKind.PHONE if from_phone else None,
    }
    values.update(kwargs)
    return InboundMessage(**values)  # type: ignore[arg-type]


def store(rt: Runtime, message: InboundMessage) -> int:
    with db_session(rt.engine) as session:
        return ingest(session, message).message_id


def seed_demo(rt: Runtime) -> None:
    with db_session(rt.engine) as session:
        sync_queues(session, rt.queues)
        seed(session)


def count(session: Session, model: type) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    return int(session.exec(select(func.count()).select_from(model)).one())
