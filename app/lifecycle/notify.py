"""Stage-change notifications, one per subscription, never against a safe-contact preference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session, col, select

from app import audit
from app.calendar import CouncilCalendar
from app.lifecycle import clocks
from app.lifecycle.types import CaseTypeDirectory
from app.lifecycle.wording import when_due, where_it_is
from app.models import (
    Case,
    CaseStageChange,
    NotificationSubscription,
    OutboxMessage,
    SafeContact,
    utcnow,
)
from app.vocabulary import Flag, flag_name

NOTIFIER = "frontdoor:notifications"


@dataclass(frozen=True)
class SafeToSend:
    allowed: bool
    not_before: datetime | None = None
    reason: str = ""


def needs_safe_contact(case: Case) -> bool:
    return any(flag_name(flag) == Flag.DOMESTIC_ABUSE.value for flag in case.flags)


def safe_to_send(
    session: Session, case: Case, channel: str, now: datetime, calendar: CouncilCalendar
) -> SafeToSend:
    """May we contact this resident on `channel` now, later (not_before), or not at all?

    A case flagged domestic_abuse with no recorded preference gets nothing: the safe default.
    """
    if not needs_safe_contact(case):
        return SafeToSend(True)
    preference = session.exec(select(SafeContact).where(SafeContact.case_id == case.id)).first()
    if preference is None:
        return SafeToSend(False, reason="no safe-contact preference recorded")
    allowed = {"sms": preference.allow_sms, "email": preference.allow_email}.get(channel, False)
    if not allowed:
        return SafeToSend(False, reason=f"{channel} is not a safe channel")
    start = _next_safe_moment(preference, now, calendar)
    return SafeToSend(True, not_before=start if start > now else None)


def _next_safe_moment(
    preference: SafeContact, now: datetime, calendar: CouncilCalendar
) -> datetime:
    if preference.safe_from is None or preference.safe_until is None:
        return now
    local = calendar.local(now)
    if _within(local.time(), preference.safe_from, preference.safe_until):
        return now
    start = local.replace(
        hour=preference.safe_from.hour, minute=preference.safe_from.minute, second=0, microsecond=0
    )
    return start if start > local else start + timedelta(days=1)


def _within(moment: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def notify_stage_change(
    session: Session,
    case_types: CaseTypeDirectory,
    calendar: CouncilCalendar,
    case: Case,
    change: CaseStageChange,
    now: datetime,
) -> list[int]:
    """One outbox row per active subscription; withheld ones are audited instead."""
    subscriptions = session.exec(
        select(NotificationSubscription)
        .where(
            NotificationSubscription.case_id == case.id,
            col(NotificationSubscription.active).is_(True),
        )
        .order_by(col(NotificationSubscription.id))
    ).all()
    if not subscriptions:
        return []
    case_type = case_types[case.case_type]
    clock = clocks.describe(clocks.running(session, case.id or 0))
    body = (
        "Update: "
        + where_it_is(case, case_type)
        + when_due(clock, case_type, calendar.today(now))
        + " Reply STOP to stop texts."
    )
    outbox_ids = []
    for subscription in subscriptions:
        verdict = safe_to_send(session, case, subscription.channel, now, calendar)
        if not verdict.allowed:
            audit.record(
                session, NOTIFIER, "notification.withheld", "case", case.id,
                channel=subscription.channel, reason=verdict.reason, stage=change.to_stage,
            )  # fmt: skip
            continue
        row = OutboxMessage(
            idempotency_key=f"stage-change:{change.id}:subscription:{subscription.id}",
            case_id=case.id,
            channel=subscription.channel,
            to_address=subscription.address,
            body=body if subscription.channel == "sms" else body.replace(" Reply STOP", ""),
            not_before=verdict.not_before,
            created_at=now,
        )
        session.add(row)
        session.flush()
        outbox_ids.append(row.id or 0)
    return outbox_ids


def _subscribe_statement(dialect_insert: Any) -> Insert:
    table = NotificationSubscription.__table__  # type: ignore[attr-defined]
    statement: Insert = (
        dialect_insert(table)
        .values(
            case_id=bindparam("on_case"),
            channel=bindparam("by"),
            address=bindparam("to"),
            active=True,
            created_at=bindparam("at"),
        )
        .on_conflict_do_update(
            index_elements=["case_id", "channel", "address"], set_={"active": True}
        )
    )
    return statement


# Built once: a caller asking for texts is mid-call, and this is one statement of their step.
_SUBSCRIBE = {
    "postgresql": _subscribe_statement(postgresql.insert),
    "sqlite": _subscribe_statement(sqlite.insert),
}


def subscribe(session: Session, case_id: int, channel: str, address: str) -> None:
    """Add a subscription, or switch an existing one back on.

    An upsert, so two requests subscribing the same address at once (a call and a text, say)
    both succeed and leave one row.
    """
    statement = _SUBSCRIBE[session.get_bind().dialect.name]
    session.execute(statement, {"on_case": case_id, "by": channel, "to": address, "at": utcnow()})
