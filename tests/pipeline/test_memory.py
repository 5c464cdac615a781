"""Conversation memory: the next message answers our question, until the conversation idles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.models import Case, Conversation
from app.pipeline.memory import AWAITING, ask, place, resolve
from app.pipeline.understand import Understanding
from app.understanding.entities import Entities
from app.understanding.nlu import IntentScore, NluResult

ASKED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
IDLE = timedelta(minutes=30)


def _reply(intent: str, postcode: str | None = None) -> Understanding:
    nlu = NluResult(intent, 0.9, (IntentScore(intent, 0.9),), "embedded")
    return Understanding(nlu=nlu, entities=Entities(postcode=postcode), cues=())


def _asked() -> Conversation:
    conversation = Conversation(channel="sms", thread_key="t")
    ask(conversation, "postcode", "bin_collection_day", ASKED)
    return conversation


def test_the_answer_continues_the_question() -> None:
    conversation = _asked()
    result = resolve(conversation, _reply("inform", "NN1 1AA"), ASKED + timedelta(minutes=2), IDLE)
    assert result.nlu.intent == "bin_collection_day"
    assert result.nlu.backend == "embedded+context"
    assert AWAITING not in conversation.state


def test_after_the_idle_time_the_question_is_forgotten() -> None:
    conversation = _asked()
    result = resolve(conversation, _reply("inform", "NN1 1AA"), ASKED + timedelta(minutes=31), IDLE)
    assert result.nlu.intent == "inform"
    assert AWAITING not in conversation.state


def test_changing_the_subject_drops_the_question() -> None:
    conversation = _asked()
    result = resolve(conversation, _reply("pothole", "NN1 1AA"), ASKED + timedelta(minutes=1), IDLE)
    assert result.nlu.intent == "pothole"
    assert AWAITING not in conversation.state


def test_no_answer_in_the_message_leaves_the_intent_alone() -> None:
    conversation = _asked()
    result = resolve(conversation, _reply("inform"), ASKED + timedelta(minutes=1), IDLE)
    assert result.nlu.intent == "inform"


# --- Which open case a route joins (place): newest first, as act passes them.


def _open(case_type: str, queue: str, person: bool = True, consent: str | None = None) -> Case:
    return Case(
        reference=f"WNC-{queue}",
        case_type=case_type,
        stage="queued",
        queue=queue,
        channel="sms",
        queued_at=ASKED if person else None,
        partner_consent=consent,
    )


FOODBANK = _open("partner_referral", "foodbank", consent="requested")
BIN = _open("missed_bin", "waste", person=False)
BEREAVEMENT = _open("advisor_enquiry", "revenues")


def test_a_detail_joins_the_newest_case_a_council_person_reads() -> None:
    placed = place([FOODBANK, BIN, BEREAVEMENT], "advisor_enquiry", "customer_services",
                   "nlu_fallback", from_rule=True)  # fmt: skip
    assert placed is not None and (placed.case, placed.why) == (BEREAVEMENT, "more detail")


def test_a_detail_nobody_here_would_read_opens_its_own_case() -> None:
    # A partner's referral still awaiting consent, a crew's service request: nobody at the
    # council would see the words, so a person reads them on a case of their own.
    for open_cases in ([FOODBANK], [BIN], [FOODBANK, BIN]):
        assert place(open_cases, "advisor_enquiry", "customer_services", "nlu_fallback",
                     from_rule=True) is None  # fmt: skip


def test_a_message_at_risk_is_never_a_detail_of_another_case() -> None:
    placed = place([BEREAVEMENT], "advisor_enquiry", "customer_services", "nlu_fallback",
                   from_rule=True, at_risk=True)  # fmt: skip
    assert placed is None
    # ...though the same need again still joins its own case.
    again = place([BEREAVEMENT], "advisor_enquiry", "revenues", "bereavement", True, True)
    assert again is not None and (again.case, again.why) == (BEREAVEMENT, "same need")


def test_a_disclosure_is_its_own_need_not_a_detail() -> None:
    assert place([BEREAVEMENT], "advisor_enquiry", "safeguarding", "inform", False) is None
