"""Small builders for test records; real rows, no mocks."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session

from app.cases import new_reference, open_case
from app.channels.base import InboundMessage
from app.db import session as db_session
from app.demo import seed
from app.lifecycle import clocks
from app.migrate import sync_queues
from app.models import Case, ContactKind, utcnow
from app.pipeline.ingest import ingest
from app.runtime import Runtime
from app.vocabulary import Channel


def saved_id(case: Case) -> int:
    """The id of a case that is in the database."""
    assert case.id is not None, "the case was never saved"
    return case.id


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
    return ingest(rt.engine, message).message_id


def seed_demo(rt: Runtime) -> None:
    with db_session(rt.engine) as session:
        sync_queues(session, rt.queues)
        seed(session)


def count(session: Session, model: type) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    return int(session.exec(select(func.count()).select_from(model)).one())


def open_test_case(
    rt: Runtime,
    session: Session,
    case_type: str = "complaint",
    now: datetime | None = None,
    customer_id: int | None = None,
    raised_from: str | None = None,
    flags: list[str] | None = None,
    queue: str = "complaints",
) -> Case:
    """A case opened the way the router opens one, with its first clocks started."""
    moment = now or utcnow()
    stage = rt.case_types[case_type].lifecycle.initial
    case = Case(
        reference=new_reference("WNC"),
        customer_id=customer_id,
        case_type=case_type,
        stage=stage,
        queue=queue,
        channel="sms",
        raised_from=raised_from,
        flags=flags or [],
        created_at=moment,
        updated_at=moment,
    )
    open_case(session, case, "test", "opened by a test")
    clocks.on_stage(session, case, rt.case_types[case_type], None, stage, moment, rt.calendar)
    session.commit()
    return case
