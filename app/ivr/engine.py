"""Walk a flow: take the caller's answer to the step that asked, then run on to the next question.

Steps that only talk or look something up run inline, so each webhook answers with one TwiML
document that ends in a question (a Gather or Record), a transfer, or a hang-up. Every Gather
takes speech and keys. Two failed attempts at any question lead to a person, not round again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlmodel import Session, select
from twilio.twiml.voice_response import VoiceResponse

from app.ivr import gathering, matching, prompts
from app.ivr.asked import read_value
from app.ivr.call_store import CallConversation
from app.ivr.case_lookup import subscribe_caller, verified_case
from app.ivr.flows import (
    AskStep,
    BranchStep,
    CallbackStep,
    DetailsStep,
    Flow,
    HangupStep,
    HoursStep,
    LogStep,
    LookupStep,
    MenuStep,
    RecordStep,
    SayStep,
    StatusStep,
    SubscribeStep,
    TransferStep,
)
from app.ivr.handoff import CallFacts, hand_over, route_call
from app.ivr.later import MESSAGE_CASE, case_for_later, join_case
from app.ivr.risk import heard_risk, put_through_now
from app.ivr.spoken import yes_or_no
from app.ivr.state import CallState, Confirming, Heard
from app.ivr.twiml import CallReply
from app.lifecycle.status import where_and_when
from app.models import Case
from app.runtime import Runtime
from app.understanding.nlu import NluResult
from app.understanding.speech import heard_as_meant
from app.vocabulary import Outcome

log = structlog.get_logger(__name__)

# A flow that passed the lint cannot loop without asking; this only guards against a bug.
MAX_STEPS_PER_TURN = 50
# Below this Twilio confidence a spoken reference is said back before we act on it.
SURE_OF_REFERENCE = 0.8


class FlowRunawayError(RuntimeError):
    """A walk took too many steps without asking the caller anything."""


@dataclass(frozen=True)
class Answer:
    """What the caller did in reply to the step that asked."""

    digits: str | None
    speech: str | None
    confidence: float | None
    recording_url: str | None


class CallWalker:
    """One webhook's worth of a call: consume the answer, run on, build the TwiML."""

    def __init__(
        self,
        rt: Runtime,
        session: Session,
        flow: Flow,
        conversation: CallConversation,
        state: CallState,
        caller: str | None,
        now: datetime,
        step_url: Callable[[int, str], str],
        transcription_url: str | None = None,
    ) -> None:
        self.rt, self.session, self.flow = rt, session, flow
        self.conversation, self.state = conversation, state
        self.caller, self.now = caller, now
        self._step_url = step_url
        self.reply = CallReply(flow.spec, transcription_url)
        self.response = self.reply.response
        self._verified: Case | None = None  # the caller's case, once loaded this webhook
        state.caller = state.caller or caller

    # -- entry points -------------------------------------------------------------------------

    def start(self) -> VoiceResponse:
        self._run(self.flow.spec.start)
        return self.response

    def answer(self, given: Answer) -> VoiceResponse:
        """Apply the caller's answer to the step that is waiting for one."""
        awaiting = self.state.awaiting
        if awaiting is None or self.state.ended:
            self.reply.hangup()
            return self.response
        step = self.flow.step(awaiting)
        self._hear(awaiting, given)
        if given.speech and self._at_risk(given.speech):
            return self.response
        if isinstance(step, MenuStep):
            self._answer_menu(step, given)
        elif isinstance(step, AskStep):
            self._answer_ask(awaiting, step, given)
        elif isinstance(step, RecordStep):
            self._answer_record(step, given)
        elif isinstance(step, DetailsStep):
            self._answer_details(awaiting, step, given)
        return self.response

    # -- answers ------------------------------------------------------------------------------

    def _answer_menu(self, menu: MenuStep, given: Answer) -> None:
        if self.state.confirming is not None:
            self._settle_confirmation(menu, given, lambda c: self._accept(menu, c))
            return
        match, nlu = None, None
        if given.digits:
            match = matching.by_keys(menu, given.digits)
        elif given.speech:
            said = heard_as_meant(given.speech, spoken=True)  # "council tacks": council tax
            nlu = self.rt.nlu.parse(said)
            match = matching.by_speech(menu, said, nlu, given.confidence)
        if match is None:
            if nlu is None or not self._off_menu(nlu, given.confidence):
                self._failed(self.state.awaiting or "", menu)
            return
        if not match.sure:
            self._confirm(Confirming(value=match.option.key, label=match.option.label))
            return
        self._choose(menu, match.option.key)

    def _off_menu(self, nlu: NluResult, heard_confidence: float | None) -> bool:
        """Words that pick no option but name a need the routing rules give to a person (a
        bereavement, say): put through, as a text saying them would be. False if not."""
        if nlu.confidence < matching.LIKELY_INTENT:
            return False
        facts = self._facts(nlu.intent, nlu.confidence)
        customer_id = (
            self._verified.customer_id if self._verified else self.conversation.customer_id
        )
        _, decision = route_call(self.session, self.rt, customer_id, facts, self.now)
        if decision.outcome not in (Outcome.ADVISOR, Outcome.EMERGENCY):
            return False  # bot answers are written for text; the menu asks again
        heard_clearly = heard_confidence is None or heard_confidence >= matching.HEARD_CLEARLY
        if nlu.confidence < matching.SURE_INTENT or not heard_clearly:
            label = nlu.intent.replace("_", " ")
            self._confirm(Confirming(value=nlu.intent, label=label, need=True))
            return True
        self._put_through_for(nlu.intent, nlu.confidence)
        return True

    def _accept(self, menu: MenuStep, confirmed: Confirming) -> None:
        if confirmed.need:
            self._put_through_for(confirmed.value, 1.0)  # they said yes to it
        else:
            self._choose(menu, confirmed.value)

    def _put_through_for(self, intent: str, confidence: float) -> None:
        self.state.intent, self.state.intent_confidence = intent, confidence
        self.state.attempts, self.state.confirming = 0, None
        self._transfer(TransferStep(kind="transfer"))

    def _choose(self, menu: MenuStep, key: str) -> None:
        option = next(o for o in menu.options if o.key == key)
        if option.intents:
            self.state.intent, self.state.intent_confidence = option.intents[0], 1.0
        self.state.attempts, self.state.confirming = 0, None
        self._run(option.next or self.flow.spec.fallback)

    def _answer_ask(self, step_id: str, step: AskStep, given: Answer) -> None:
        if self.state.confirming is not None:
            self._settle_confirmation(step, given, lambda c: self._save(step, c.value))
            return
        prefix = self.rt.settings.case_reference_prefix
        value = read_value(step.value, given.digits, given.speech, prefix)
        if value is None:
            self._failed(step_id, step)
            return
        heard_clearly = given.confidence is None or given.confidence >= SURE_OF_REFERENCE
        if step.value == "reference" and given.speech and not heard_clearly:
            self._confirm(Confirming(value=value, label=prompts.speakable(value)))
            return
        self._save(step, value)

    def _save(self, step: AskStep, value: str) -> None:
        self.state.gathered[step.save_as] = value
        self.state.attempts, self.state.confirming = 0, None
        self._run(step.next or self.flow.spec.fallback)

    def _answer_details(self, step_id: str, step: DetailsStep, given: Answer) -> None:
        """Words answer the detail asked for; silence twice moves on without it."""
        if given.speech:
            gathering.take(self.rt, step, self.state, given.speech)
        else:
            self.state.attempts += 1
            if self.state.attempts < self.flow.spec.max_attempts:
                self._say(prompts.SORRY)
                self._run(step_id)
                return
            gathering.skip(self.state)
        self.state.attempts = 0
        self._run(step_id)

    def _answer_record(self, step: RecordStep, given: Answer) -> None:
        if given.recording_url is None:
            self._failed(self.state.awaiting or "", step)
            return
        case = self._case_for_later(step.queue, given.recording_url)
        self.state.gathered[MESSAGE_CASE] = case.reference
        self.state.attempts = 0
        self._run(step.next or self.flow.spec.fallback)

    def _settle_confirmation(
        self, step: MenuStep | AskStep, given: Answer, accept: Callable[[Confirming], None]
    ) -> None:
        confirming = self.state.confirming
        assert confirming is not None
        said = yes_or_no(given.speech or given.digits or "")
        self.state.confirming = None
        if said:
            accept(confirming)
        else:
            self._failed(self.state.awaiting or "", step)

    def _confirm(self, confirming: Confirming) -> None:
        self.state.confirming = confirming
        self._gather(
            self.state.awaiting or "",
            prompts.confirm(confirming.label, confirming.need),
            hints=("yes", "no"),
            num_digits=1,
        )

    def _failed(self, step_id: str, step: object) -> None:
        self.state.attempts += 1
        if self.state.attempts >= self.flow.spec.max_attempts:
            self.state.attempts = 0
            on_failure = getattr(step, "on_failure", None)
            self._say(prompts.GIVING_UP)
            self._run(on_failure or self.flow.spec.fallback)
            return
        self._say(prompts.SORRY)
        self._run(step_id)

    def _hear(self, step_id: str, given: Answer) -> None:
        if given.speech or given.digits:
            heard = Heard(
                step=step_id, speech=given.speech, digits=given.digits, confidence=given.confidence
            )
            self.state.transcript.append(heard)

    def _at_risk(self, speech: str) -> bool:
        """Risk in anything said changes the route at once, as it does in text."""
        risk = heard_risk(self.rt, speech)
        if risk.flags:
            self.state.flags = sorted(set(self.state.flags) | risk.flags)
        if not put_through_now(self.rt, speech, risk, self.now):
            return False
        if risk.emergency or not self.rt.calendar.is_open(self.now):
            # Out of hours nobody may be there to say it, so the numbers come first.
            self._say(prompts.EMERGENCY)
        self._transfer(TransferStep(kind="transfer", say=prompts.SAFETY_TRANSFER))
        return True

    # -- running steps ------------------------------------------------------------------------

    def _run(self, step_id: str) -> None:
        for _ in range(MAX_STEPS_PER_TURN):
            step = self.flow.step(step_id)
            following = self._do(step_id, step)
            if following is None:
                return
            step_id = following
        raise FlowRunawayError(f"{self.flow.id}: no question after {MAX_STEPS_PER_TURN} steps")

    def _do(self, step_id: str, step: object) -> str | None:
        """Carry out one step; the next step to run, or None once the turn is over."""
        fallback = self.flow.spec.fallback
        if isinstance(step, SayStep):
            self._say(step.say)
            return step.next or fallback
        if isinstance(step, MenuStep):
            hints = step.hints or tuple(p for o in step.options for p in o.says)
            self._gather(step_id, step.prompt, hints=hints, num_digits=1)
            return None
        if isinstance(step, AskStep):
            self._gather(step_id, step.prompt, hints=step.hints, num_digits=step.num_digits)
            return None
        if isinstance(step, RecordStep):
            self.reply.record(self._next_url(step_id), step)
            return None
        if isinstance(step, BranchStep):
            value = self.state.intent if step.by == "intent" else self.state.gathered.get(step.by)
            return step.cases.get(value or "", step.default or fallback)
        if isinstance(step, HoursStep):
            return (step.open if self.rt.calendar.is_open(self.now) else step.closed) or fallback
        if isinstance(step, LookupStep):
            return self._lookup(step)
        if isinstance(step, StatusStep):
            case = self._case()
            if case is None:
                return fallback
            words = where_and_when(
                self.session, self.rt.case_types, self.rt.calendar, case, self.now
            )
            self._say(prompts.speakable(words))
            return step.next or fallback
        if isinstance(step, SubscribeStep):
            self._subscribe(step)
            return step.next or fallback
        if isinstance(step, CallbackStep):
            if self.caller is None:
                return step.no_number or fallback
            self._case_for_later(step.queue)
            return step.next or fallback
        if isinstance(step, DetailsStep):
            detail = gathering.next_detail(self.rt, step, self.state)
            if detail is None:
                return step.next or fallback
            self.state.asking = detail.id
            self._gather(step_id, detail.question, hints=(), num_digits=None)
            return None
        if isinstance(step, LogStep):
            case, words = gathering.log(
                self.session, self.rt, self.conversation, self.state, step, self.now
            )
            self._verified = case
            self._say(words)
            return step.next or fallback
        if isinstance(step, TransferStep):
            self._transfer(step)
            return None
        if isinstance(step, HangupStep):
            if step.say:
                self._say(step.say)
            self.reply.hangup()
            self.state.ended = True
            return None
        raise TypeError(f"unknown step type {type(step).__name__}")

    def _lookup(self, step: LookupStep) -> str:
        fallback = self.flow.spec.fallback
        reference = self.state.gathered.get(step.reference)
        answer = self.state.gathered.pop(step.verify_with, None)
        case = verified_case(self.session, reference, self.caller, answer) if reference else None
        if case is not None:
            self.state.case_reference = case.reference
            self.state.case_id = case.id
            self._verified = case
            if self.conversation.customer_id is None:
                self.conversation.customer_id = case.customer_id
            return step.found or fallback
        if answer is None and not self.state.verification_asked:
            # Asked whether the reference exists or not, so asking reveals nothing.
            self.state.verification_asked = True
            return step.ask_verification or fallback
        return step.not_found or fallback

    def _case(self) -> Case | None:
        if self.state.case_reference is None:
            return None
        if self._verified is not None and self._verified.reference == self.state.case_reference:
            return self._verified
        self._verified = self.session.exec(
            select(Case).where(Case.reference == self.state.case_reference)
        ).first()
        return self._verified

    def _case_for_later(self, queue: str, recording_url: str | None = None) -> Case:
        """A message or callback request: on the case a closed-lines transfer raised, if any."""
        if self.state.handoff_case_id is not None:
            return join_case(self.session, self.state.handoff_case_id, recording_url)
        return case_for_later(
            self.session, self.rt, self.conversation, self.caller, queue, self.now, recording_url
        )

    def _subscribe(self, step: SubscribeStep) -> None:
        case_id = self.state.case_id
        if case_id is None and (case := self._case()) is not None:
            case_id = case.id  # a call verified before case_id was remembered
        chosen = (
            subscribe_caller(self.session, case_id, self.caller, step.channel)
            if case_id is not None
            else None
        )
        self._say(prompts.subscribed(chosen))

    def _facts(self, intent: str, confidence: float) -> CallFacts:
        return CallFacts(
            intent=intent,
            confidence=confidence,
            gathered=dict(self.state.gathered),
            transcript=[h.model_dump(exclude_none=True) for h in self.state.transcript],
            caller=self.caller,
        )

    def _transfer(self, step: TransferStep) -> None:
        facts = self._facts(
            step.intent or self.state.intent or "speak_to_advisor",
            self.state.intent_confidence or (1.0 if step.intent else 0.0),
        )
        transfer = hand_over(
            self.session, self.rt, self.conversation, facts, self._case(), self.now, step.queue
        )
        self.state.handoff_case_id = transfer.case.id
        queue = self.rt.queues[transfer.queue]
        lines_open = self.rt.calendar.is_open(self.now)
        answered = lines_open or queue.out_of_hours_number is not None
        log.info(
            "call.transferred" if answered else "call.transfer_closed",
            queue=transfer.queue,
            rule=transfer.decision.rule_id,
            case_id=transfer.case.id,
            handoff_id=transfer.handoff.id,
        )
        if not answered:
            # An unstaffed queue would leave the caller on hold all night: say so, and offer
            # the flow's way to leave word, which joins the case just raised.
            self._say(prompts.closed_lines(queue.title))
            self._after_closed_transfer()
            return
        self._say(step.say.format(queue=queue.title))
        self.state.ended = True
        self.reply.put_through(
            prompts.route_verb(self.rt, transfer.queue, transfer.case, transfer.handoff, lines_open)
        )

    def _after_closed_transfer(self) -> None:
        when_closed = self.flow.spec.when_closed
        if when_closed is not None:
            self._run(when_closed)
            return
        self._say(prompts.CLOSED_GOODBYE)
        self.reply.hangup()
        self.state.ended = True

    # -- TwiML --------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.reply.say(text)

    def _next_url(self, step_id: str) -> str:
        self.state.seq += 1
        self.state.awaiting = step_id
        return self._step_url(self.state.seq, step_id)

    def _gather(
        self, step_id: str, prompt: str, hints: tuple[str, ...], num_digits: int | None
    ) -> None:
        self.reply.ask(self._next_url(step_id), prompt, hints, num_digits)
