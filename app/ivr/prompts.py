"""The phone bot's own words, and the TwiML verb that puts a caller through."""

from __future__ import annotations

import json
import re

from twilio.twiml.voice_response import Dial, Enqueue

from app.models import Case, Handoff
from app.runtime import Runtime
from app.vocabulary import REFERENCE_DIGITS

SORRY = "Sorry, I did not catch that."
GIVING_UP = "I am sorry, I am having trouble understanding. Let me put you through to someone."
EMERGENCY = (
    "If you or anyone else is in immediate danger, please hang up and call 999. "
    "Samaritans are free to call, day or night, on 1 1 6, 1 2 3."
)
SAFETY_TRANSFER = (
    "Thank you for telling me. I am putting you straight through to {queue}, "
    "who can help. They can see what you have told me."
)
_REFERENCE = re.compile(rf"\b([A-Z]{{2,6}})-(\d{{{REFERENCE_DIGITS}}})\b")


def closed_lines(queue_title: str) -> str:
    """Why a caller who needs a person is not being put through (the case is already raised)."""
    return (
        f"Our lines are closed, so I cannot put you through to {queue_title} now. "
        "I have passed on what you have told me, so nobody will ask you to start again."
    )


CLOSED_GOODBYE = "Please call us again when we are open. Goodbye."


def speakable(text: str) -> str:
    """References read out letter by letter and digit by digit: `W N C, 2 0 4 3 1 8`."""
    return _REFERENCE.sub(lambda m: f"{' '.join(m.group(1))}, {' '.join(m.group(2))}", text)


def confirm(label: str, need: bool = False) -> str:
    """Say back a likely answer: an option or value (`label`), or a need named in passing."""
    heard = f"you are calling about {label}" if need else f"you said {label}"
    return f"I think {heard}. Is that right? Say yes or press 1. Say no or press 2."


def subscribed(channel: str | None) -> str:
    if channel == "sms":
        return "Done. We will send you a text message when it moves to its next stage."
    if channel == "email":
        return "Done. We will email you when it moves to its next stage."
    return (
        "I do not have a mobile number or email address for you, so an advisor will need to "
        "set that up."
    )


def route_verb(
    rt: Runtime, queue: str, case: Case, handoff: Handoff, lines_open: bool = True
) -> Dial | Enqueue:
    """Dial the queue's own number (its out-of-hours one while the lines are closed), or
    enqueue (to TaskRouter's workflow when configured).

    The task carries the case reference and what the advisor needs first; the full packet
    stays on our case record.
    """
    spec = rt.queues[queue]
    if not lines_open and spec.out_of_hours_number:
        return Dial(spec.out_of_hours_number)
    if spec.voice_number:
        return Dial(spec.voice_number)
    workflow = rt.settings.twilio_workflow_sid
    if workflow is None:
        return Enqueue(queue)
    enqueue = Enqueue(workflow_sid=workflow)
    attributes = {
        "queue": queue,
        "case_reference": case.reference,
        "handoff_id": handoff.id,
        "intent": handoff.intent,
        "priority": case.priority,
        "flags": handoff.flags,
        "summary": handoff.summary[:500],
    }
    enqueue.task(json.dumps(attributes), priority=_task_priority(case.priority))
    return enqueue


def _task_priority(priority: str) -> int:
    return {"emergency": 100, "urgent": 50, "high": 20, "normal": 10, "low": 0}.get(priority, 10)
