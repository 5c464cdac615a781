"""Conversation memory: the next message answers our question, until the conversation idles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.models import Conversation
from app.pipeline.memory import AWAITING, ask, resolve
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
