"""A disclosure in the middle of an SMS conversation, through signed webhooks and the Twilio
stand-in: nothing more is texted, safeguarding has the person with the reason, the earlier
case keeps its team, and a later need opens its own linked case."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.models import AuditEvent, Case, ContactPoint, OutboxMessage
from app.models.case import CaseLink
from tests.web.sms_line import RESIDENT, Live

BEREAVED = "my husband died last week and the council tax is in his name"
DISCLOSURE = "my partner hits me and checks my phone, please dont text back"
MISSED_BIN = "also our bin wasnt collected on tuesday"


def test_after_a_disclosure_nothing_is_texted_and_each_need_has_its_team(live: Live) -> None:
    status, _ = live.text(BEREAVED)
    assert status == 200
    assert len(live.api.calls) == 1 and "Council Tax" in live.last_reply()
    sent_before = len(live.api.calls)

    status, twiml = live.text(DISCLOSURE)
    assert status == 200 and "<Message>" not in twiml
    status, twiml = live.text(MISSED_BIN)
    assert status == 200 and "<Message>" not in twiml
    assert len(live.api.calls) == sent_before, live.api.calls[sent_before:]

    with Session(live.rt.engine) as session:
        cases = session.exec(select(Case).order_by(col(Case.id))).all()
        by_type = {case.case_type: case for case in cases}
        bereavement = next(c for c in cases if c.intent == "bereavement")
        assert bereavement.queue == "revenues"
        safeguarding = [c for c in cases if c.queue == "safeguarding"]
        assert safeguarding and "domestic_abuse" in safeguarding[0].flags
        assert "missed_bin" in by_type
        bin_case = by_type["missed_bin"]
        links = session.exec(select(CaseLink)).all()
        linked = {(link.case_id, link.linked_case_id) for link in links}
        assert any(bin_case.id in pair for pair in linked)

        point = session.exec(select(ContactPoint).where(ContactPoint.address == RESIDENT)).one()
        assert point.no_contact and point.no_contact_reason
        assert "reads this phone" in point.no_contact_reason
        withheld = session.exec(
            select(AuditEvent).where(AuditEvent.action == "reply.withheld")
        ).all()
        assert len(withheld) == 2
        assert {event.subject_id for event in withheld} >= {safeguarding[0].id}
        assert all(event.detail["reason"] for event in withheld)
        # No reply row waits to be sent later either.
        pending = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.status).in_(["pending", "sending"]))
        ).all()
        assert pending == []


def test_a_later_notification_to_a_no_contact_number_is_withheld(live: Live) -> None:
    live.text(BEREAVED)
    live.text("please do not reply to this number")
    sent = len(live.api.calls)
    with Session(live.rt.engine) as session:
        case = session.exec(select(Case).where(Case.intent == "bereavement")).one()
        session.add(
            OutboxMessage(
                idempotency_key="later-update",
                case_id=case.id,
                channel="sms",
                to_address=RESIDENT,
                body="Your case has moved on.",
            )
        )
        session.commit()
        row = session.exec(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == "later-update")
        ).one()
        row_id = row.id
    assert row_id is not None
    live.rt.jobs.enqueue("send", row_id)
    assert len(live.api.calls) == sent
    with Session(live.rt.engine) as session:
        row = session.get_one(OutboxMessage, row_id)
        assert row.status == "cancelled" and "no contact" in (row.last_error or "")
