"""A call's conversation row and its steps: one statement to read and lock, one to write.

Every step of every call takes this path, so it is written in Core with statements built once:
the ORM would spend more on its bookkeeping than the database spends on the work.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session

from app.models import CallStep, Conversation

_CONVERSATION = Conversation.__table__  # type: ignore[attr-defined]
_CALL_STEP = CallStep.__table__  # type: ignore[attr-defined]


def _upsert(dialect_insert: Any) -> Insert:
    # ON CONFLICT DO UPDATE locks the existing row, as a new row is locked by its insert, so the
    # webhooks of one call queue here and run one at a time.
    statement: Insert = (
        dialect_insert(_CONVERSATION)
        .values(
            channel=bindparam("on_channel"),
            thread_key=bindparam("call_sid"),
            state={},
            identity_verified=False,
            created_at=bindparam("at"),
            last_activity_at=bindparam("at"),
        )
        .on_conflict_do_update(
            index_elements=["channel", "thread_key"], set_={"last_activity_at": bindparam("at")}
        )
        .returning(_CONVERSATION.c.id, _CONVERSATION.c.customer_id, _CONVERSATION.c.state)
    )
    return statement


@dataclass
class CallConversation:
    """The call's conversation row as one webhook holds it: locked, and written back by
    `save_step`. Plain data, not an ORM object: nothing here is flushed behind our back."""

    id: int
    customer_id: int | None
    state: dict[str, Any]


@dataclass(frozen=True)
class AnsweredStep:
    """What one webhook brought and the TwiML we answered it with."""

    call_sid: str
    seq: int
    step: str
    digits: str | None
    speech: str | None
    speech_confidence: float | None
    twiml: str
    created_at: datetime


_LOCK = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}

_STEP_COLUMNS = ("conversation_id", "call_sid", "seq", "step", "digits", "speech",
                 "speech_confidence", "twiml", "created_at")  # fmt: skip
# Bind names may not be column names, so a step's values are bound as step_<column>.
_INSERT_STEP = insert(_CALL_STEP).values(
    {name: bindparam(f"step_{name}") for name in _STEP_COLUMNS}
)
_UPDATE_CALL = (
    update(_CONVERSATION)
    .where(_CONVERSATION.c.id == bindparam("step_conversation_id"))
    .values(
        state=bindparam("call_state"),
        customer_id=bindparam("call_customer_id"),
        last_activity_at=bindparam("step_created_at"),
    )
)
# PostgreSQL runs a data-modifying CTE exactly once whether or not it is read, so the step and
# the call's new state go in one round trip; a unique violation on the step fails the whole.
_SAVE_POSTGRES = _UPDATE_CALL.add_cte(_INSERT_STEP.cte("new_step"))

_STORED = select(_CALL_STEP.c.twiml).where(
    _CALL_STEP.c.call_sid == bindparam("call_sid"), _CALL_STEP.c.seq == bindparam("at_seq")
)


def locked_call(session: Session, channel: str, call_sid: str, now: datetime) -> CallConversation:
    """The call's conversation, created if new, locked until the transaction ends."""
    statement = _LOCK[session.get_bind().dialect.name]
    row = session.execute(statement, {"on_channel": channel, "call_sid": call_sid, "at": now}).one()
    return CallConversation(id=row.id, customer_id=row.customer_id, state=row.state)


def save_step(session: Session, conversation: CallConversation, step: AnsweredStep) -> None:
    """Record the answered step and the call's state after it. IntegrityError if already there."""
    params = {f"step_{name}": value for name, value in asdict(step).items()}
    params |= {"step_conversation_id": conversation.id, "call_state": conversation.state,
               "call_customer_id": conversation.customer_id}  # fmt: skip
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_SAVE_POSTGRES, params)
    else:
        session.execute(_INSERT_STEP, params)
        session.execute(_UPDATE_CALL, params)


def stored_twiml(session: Session, call_sid: str, seq: int) -> str | None:
    """What we answered to this webhook before, if we did."""
    twiml: str | None = session.execute(_STORED, {"call_sid": call_sid, "at_seq": seq}).scalar()
    return twiml
