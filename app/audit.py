"""The audit trail: who set or saw a vulnerable person's sensitive flags."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.models import AuditEvent, Case
from app.vocabulary import SENSITIVE_FLAGS, flag_name


def sensitive_flags(flags: list[str]) -> list[str]:
    """The flags among `flags` whose every viewing is audited."""
    sensitive = {flag.value for flag in SENSITIVE_FLAGS}
    return sorted(flag for flag in flags if flag_name(flag) in sensitive)


def record(
    session: Session,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: int | None,
    **detail: Any,
) -> None:
    """Append one audit event in the caller's transaction."""
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=detail,
        )
    )


def flags_set_event(case: Case, actor: str) -> AuditEvent | None:
    """The event noting that sensitive flags were put on a case, if any were."""
    flags = sensitive_flags(case.flags)
    if not flags:
        return None
    return AuditEvent(
        actor=actor,
        action="case.flags_set",
        subject_type="case",
        subject_id=case.id,
        detail={"flags": flags},
    )


def record_flags_set(session: Session, case: Case, actor: str) -> None:
    """Note that sensitive flags were put on a case, if any were."""
    event = flags_set_event(case, actor)
    if event is not None:
        session.add(event)


def record_flags_viewed(session: Session, case: Case, actor: str) -> None:
    """Note that `actor` was shown a case's sensitive flags, if it has any."""
    flags = sensitive_flags(case.flags)
    if flags:
        record(session, actor, "case.flags_viewed", "case", case.id, flags=flags)
