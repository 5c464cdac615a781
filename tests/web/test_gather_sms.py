"""A complaint started by SMS gathers its details before the case is opened: signed webhooks,
the local Twilio stand-in, one question per text."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.models import Case, Message
from tests.web.sms_line import RESIDENT, Live


def _text(live: Live, body: str) -> str:
    """Text the council; the one reply the stand-in was asked to send back."""
    sent = len(live.api.calls)
    status, _ = live.text(body)
    assert status == 200 and len(live.api.calls) == sent + 1, live.api.calls[sent:]
    reply: str = live.api.calls[-1]["Body"]
    assert live.api.calls[-1]["To"] == RESIDENT
    return reply


def _cases(live: Live) -> list[Case]:
    with Session(live.rt.engine) as session:
        return list(session.exec(select(Case)).all())


def test_a_complaint_by_text_asks_for_each_missing_detail_then_logs_it(live: Live) -> None:
    asked = _text(live, "Hi I want to make a complaint")
    assert asked.startswith(
        "I'm sorry to hear that. Please tell me what went wrong, in your own words. I will log"
    )
    assert _cases(live) == []
    what = "Your contractor dug up the pavement outside number 8 and left it unfenced"
    assert _text(live, what).startswith("When did this happen?")
    assert "put it right" in _text(live, "It's been like that since the 3rd")
    logged = _text(live, "Fence it off and finish the job, and I'd like an apology")
    assert "Your complaint is logged as WNC-" in logged

    (case,) = _cases(live)
    assert (case.case_type, case.queue, case.raised_from) == ("complaint", "complaints", RESIDENT)
    assert case.reference in logged
    assert case.summary.splitlines() == [
        "Hi I want to make a complaint",
        f"What went wrong: {what}",
        "When: It's been like that since the 3rd",
        "To put it right: Fence it off and finish the job, and I'd like an apology",
    ]
    with Session(live.rt.engine) as session:
        stored = session.exec(select(Message).order_by(col(Message.id))).all()
        assert [m.direction for m in stored] == ["in", "out"] * 4


def test_a_missed_bin_by_text_is_asked_only_for_the_address(live: Live) -> None:
    assert _text(live, "bin not emptied today").startswith(
        "Which address was missed? The house number and street, or the postcode, is enough."
    )
    assert "We have logged it as WNC-" in _text(live, "4 Abington Grove NN1 4QX")
    (case,) = _cases(live)
    assert case.case_type == "missed_bin"
    assert case.summary == "bin not emptied today\nAddress: 4 Abington Grove NN1 4QX"
