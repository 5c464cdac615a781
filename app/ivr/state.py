"""What the IVR remembers during one call, kept on the call's conversation."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

STATE_KEY = "ivr"


class Heard(BaseModel):
    """One answer the caller gave, for the transcript the advisor receives."""

    step: str
    speech: str | None = None
    digits: str | None = None
    confidence: float | None = None


class Confirming(BaseModel):
    """A likely answer we said back and asked about."""

    value: str  # an option's key, the value understood, or (with `need`) an intent
    label: str
    need: bool = False  # a need no option offers, which the routing rules give to a person


class CallState(BaseModel):
    flow: str
    seq: int = 0  # the sequence number of the last TwiML we sent
    answered: int = -1  # the highest sequence number whose webhook we have answered
    awaiting: str | None = None  # the step whose answer the next webhook carries
    attempts: int = 0
    confirming: Confirming | None = None
    gathered: dict[str, str] = Field(default_factory=dict)
    transcript: list[Heard] = Field(default_factory=list)
    intent: str | None = None
    intent_confidence: float | None = None
    flags: list[str] = Field(default_factory=list)
    verification_asked: bool = False
    case_reference: str | None = None  # set only once the caller is verified for it
    case_id: int | None = None  # that case's id, so later steps need not look it up again
    handoff_case_id: int | None = None  # the case holding our handoff packet; a message joins it
    asking: str | None = None  # the detail a `details` step asked for last
    caller: str | None = None  # the caller ID, a hint: where a case raised after hang-up came from
    ended: bool = False
    call_status: str | None = None

    @classmethod
    def of(cls, conversation_state: dict[str, Any], flow: str) -> CallState:
        raw = conversation_state.get(STATE_KEY)
        return cls.model_validate(raw) if raw else cls(flow=flow)

    def into(self, conversation_state: dict[str, Any]) -> dict[str, Any]:
        """A new conversation state holding this (JSON columns need a new dict to notice)."""
        return {**conversation_state, STATE_KEY: self.model_dump(mode="json")}
