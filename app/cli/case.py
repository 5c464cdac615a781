"""`frontdoor case show|move` and `frontdoor sla recompute`: the case record from a terminal."""

from __future__ import annotations

import getpass

import click
from sqlmodel import Session, col, select

from app.audit import record_flags_viewed
from app.cli.common import runtime_or_exit
from app.db import session as db_session
from app.lifecycle import clocks
from app.lifecycle.stages import TransitionRefusedError, move_case
from app.lifecycle.wording import friendly_date
from app.models import (
    Case,
    CaseClock,
    CaseStageChange,
    Handoff,
    NotificationSubscription,
    OutboxMessage,
    QueueAlert,
    utcnow,
)
from app.runtime import Runtime


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _find(session: Session, reference: str) -> Case:
    case = session.exec(select(Case).where(Case.reference == reference.upper())).first()
    if case is None:
        raise click.ClickException(f"no case {reference}")
    return case


@click.group("case")
def case_group() -> None:
    """Cases."""


@case_group.command("show")
@click.argument("reference")
def show(reference: str) -> None:
    """Print a case: stages, SLA clocks, subscriptions, notifications and handoff packets."""
    rt = runtime_or_exit()
    with db_session(rt.engine) as session:
        case = _find(session, reference)
        _print_case(session, rt, case)
        # Showing flags to a person is a viewing: audited like any other.
        record_flags_viewed(session, case, _actor())
        session.commit()


def _print_case(session: Session, rt: Runtime, case: Case) -> None:
    title = (
        rt.case_types[case.case_type].title if case.case_type in rt.case_types else case.case_type
    )
    click.echo(f"{case.reference}  {title}  [{case.status}]")
    click.echo(f"  stage     {case.stage}")
    advisor = case.advisor_id or "-"
    click.echo(f"  priority  {case.priority}   queue {case.queue or '-'}   advisor {advisor}")
    click.echo(f"  flags     {', '.join(case.flags) or '-'}")
    click.echo(f"  channel   {case.channel}   opened {case.created_at:%Y-%m-%d %H:%M} UTC")
    click.echo(f"  summary   {case.summary or '-'}")
    click.echo("  stages:")
    for change in session.exec(
        select(CaseStageChange)
        .where(CaseStageChange.case_id == case.id)
        .order_by(col(CaseStageChange.id))
    ):
        click.echo(
            f"    {change.at:%Y-%m-%d %H:%M}  {change.from_stage or '(new)'} -> {change.to_stage}"
            f"  by {change.actor}: {change.reason}"
        )
    click.echo("  SLA clocks:")
    for clock in session.exec(
        select(CaseClock).where(CaseClock.case_id == case.id).order_by(col(CaseClock.id))
    ):
        if clock.stopped_at is not None:
            state = f"stopped {clock.stopped_at:%Y-%m-%d}"
        elif clock.due_on is None:
            state = f"paused since {clock.paused_since}"
        else:
            state = f"due {friendly_date(clock.due_on)} {clock.due_on:%Y}"
        marks = "".join(
            f"  {mark}"
            for mark, on in (("WARNED", clock.warned_at), ("BREACHED", clock.breached_at))
            if on
        )
        click.echo(
            f"    {clock.clock:<16} {clock.working_days} working days from {clock.started_on}"
            f" (+{clock.paused_working_days} paused): {state}{marks}"
        )
    click.echo("  subscriptions:")
    for sub in session.exec(
        select(NotificationSubscription).where(NotificationSubscription.case_id == case.id)
    ):
        click.echo(f"    {sub.channel} {'active' if sub.active else 'stopped'}")
    click.echo("  notifications:")
    for row in session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.case_id == case.id)
        .order_by(col(OutboxMessage.id))
    ):
        click.echo(
            f"    {row.created_at:%Y-%m-%d %H:%M}  {row.channel:<5} {row.status:<9} {row.body[:60]}"
        )
    for alert in session.exec(select(QueueAlert).where(QueueAlert.case_id == case.id)):
        click.echo(f"  alert: {alert.kind} to {alert.queue} (due {alert.due_on})")
    _print_handoffs(session, case)


def _print_handoffs(session: Session, case: Case) -> None:
    """What the bot learned before putting the resident through, so nobody asks again."""
    click.echo("  handoffs:")
    for handoff in session.exec(
        select(Handoff).where(Handoff.case_id == case.id).order_by(col(Handoff.id))
    ):
        sure = f" ({handoff.confidence:.2f})" if handoff.confidence is not None else ""
        click.echo(
            f"    {handoff.created_at:%Y-%m-%d %H:%M}  {handoff.channel} to {handoff.queue}"
            f" by rule {handoff.rule_id}: {handoff.intent or '-'}{sure}"
        )
        click.echo(f"      {handoff.summary}")
        for name, value in sorted(handoff.gathered.items()):
            click.echo(f"      gathered {name}: {value}")
        for heard in handoff.transcript:
            said = heard.get("speech") or heard.get("digits") or "(silence)"
            click.echo(f"      at {heard.get('step', '?')}: {said}")


@case_group.command("move")
@click.argument("reference")
@click.argument("stage")
@click.option("--reason", required=True, help="Why, for the case history.")
def move(reference: str, stage: str, reason: str) -> None:
    """Move a case to STAGE along its lifecycle; notifies subscribers."""
    rt = runtime_or_exit()
    with db_session(rt.engine) as session:
        case = _find(session, reference)
        try:
            moved = move_case(
                session, rt.case_types, rt.calendar, case, stage, _actor(), reason, utcnow()
            )
        except TransitionRefusedError as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
    for outbox_id in moved.outbox_ids:
        rt.jobs.enqueue("send", outbox_id)
    click.echo(f"{reference.upper()} -> {stage}; {len(moved.outbox_ids)} notification(s) queued")


@click.group("sla")
def sla_group() -> None:
    """SLA clocks."""


@sla_group.command("recompute")
def recompute() -> None:
    """Re-derive running clocks' due dates from case_types.yaml after a policy change."""
    rt = runtime_or_exit()
    with db_session(rt.engine) as session:
        changed = clocks.apply_policy(session, rt.case_types, rt.calendar)
        session.commit()
    click.echo(f"{changed} clock(s) recomputed")
