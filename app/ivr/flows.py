"""Telephone menus as data: ivr_flows/*.yaml, validated with pydantic and checked as a graph.

A flow is a set of named steps. Some ask the caller something (menu, ask, record, details);
some do something and move on (say, lookup, status, subscribe, hours, branch, log); some end the
bot's part of the call (transfer, callback, hangup). Every error names the file, the line and
the step.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.routing.yaml_source import DataFileError, YamlDocument, load_yaml

StepId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    description: str = ""

    def exits(self) -> dict[str, str | None]:
        """Where the call can go next, by the field that says so (None: not given)."""
        return {}

    @property
    def asks_caller(self) -> bool:
        return False

    @property
    def ends_call(self) -> bool:
        return False


class SayStep(_Step):
    kind: Literal["say"]
    say: str = Field(min_length=1)
    next: StepId | None = None

    def exits(self) -> dict[str, str | None]:
        return {"next": self.next}


class MenuOption(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[0-9*#]$")
    label: str = Field(min_length=1)  # said back when confirming: "I think you said ..."
    says: tuple[str, ...] = Field(min_length=1)  # phrases a caller might say for it
    intents: tuple[str, ...] = ()  # NLU intents that pick it
    next: StepId | None = None


class MenuStep(_Step):
    kind: Literal["menu"]
    prompt: str = Field(min_length=1)
    options: tuple[MenuOption, ...] = Field(min_length=1, max_length=9)
    hints: tuple[str, ...] = ()
    on_failure: StepId | None = None  # the flow's fallback when not given

    def exits(self) -> dict[str, str | None]:
        found: dict[str, str | None] = {f"options[{o.key}]": o.next for o in self.options}
        if self.on_failure:
            found["on_failure"] = self.on_failure
        return found

    @property
    def asks_caller(self) -> bool:
        return True


AskFor = Literal["reference", "postcode_or_phone", "yes_no", "digits"]


class AskStep(_Step):
    kind: Literal["ask"]
    prompt: str = Field(min_length=1)
    value: AskFor
    save_as: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    num_digits: int | None = Field(default=None, ge=1, le=20)
    hints: tuple[str, ...] = ()
    next: StepId | None = None
    on_failure: StepId | None = None

    def exits(self) -> dict[str, str | None]:
        found: dict[str, str | None] = {"next": self.next}
        if self.on_failure:
            found["on_failure"] = self.on_failure
        return found

    @property
    def asks_caller(self) -> bool:
        return True


class BranchStep(_Step):
    """Go by a gathered value (`by: answer`) or by the caller's intent (`by: intent`).

    (Not `on`: YAML 1.1 reads a bare `on` key as the boolean true.)
    """

    kind: Literal["branch"]
    by: str = Field(min_length=1)
    cases: dict[str, StepId] = Field(min_length=1)
    default: StepId | None = None

    def exits(self) -> dict[str, str | None]:
        return {**{f"cases[{k}]": v for k, v in self.cases.items()}, "default": self.default}


class LookupStep(_Step):
    """Find the case by the gathered reference; verify before anything is read out."""

    kind: Literal["lookup"]
    reference: str = "reference"
    verify_with: str = "verification"  # a gathered postcode or phone number
    found: StepId | None = None
    ask_verification: StepId | None = None  # when neither the caller ID nor an answer verifies
    not_found: StepId | None = None  # unknown and unverified sound the same

    def exits(self) -> dict[str, str | None]:
        return {
            "found": self.found,
            "ask_verification": self.ask_verification,
            "not_found": self.not_found,
        }


class StatusStep(_Step):
    """Say where the verified case is and whether it is inside its response window."""

    kind: Literal["status"]
    next: StepId | None = None

    def exits(self) -> dict[str, str | None]:
        return {"next": self.next}


class SubscribeStep(_Step):
    """Text (or email) the caller when the verified case moves on."""

    kind: Literal["subscribe"]
    channel: Literal["sms", "email", "any"] = "any"
    next: StepId | None = None

    def exits(self) -> dict[str, str | None]:
        return {"next": self.next}


class HoursStep(_Step):
    kind: Literal["hours"]
    open: StepId | None = None
    closed: StepId | None = None

    def exits(self) -> dict[str, str | None]:
        return {"open": self.open, "closed": self.closed}


class TransferStep(_Step):
    """Put the caller through, with a handoff packet on the case.

    Without `queue` the routing rules choose it, from everything learned on the call.
    """

    kind: Literal["transfer"]
    say: str = "Thank you. I am putting you through to {queue} now. They can see what you told me."
    queue: str | None = None
    intent: str | None = None  # what the caller wants, when the menu path says so

    @property
    def ends_call(self) -> bool:
        return True


class RecordStep(_Step):
    """Voicemail: the recording becomes a case."""

    kind: Literal["record"]
    prompt: str = Field(min_length=1)
    max_seconds: int = Field(default=120, ge=5, le=600)
    queue: str = "customer_services"
    # Twilio transcribes up to two minutes; the words are triaged as a text would be.
    transcribe: bool = True
    next: StepId | None = None

    def exits(self) -> dict[str, str | None]:
        return {"next": self.next}

    @property
    def asks_caller(self) -> bool:
        return True


class CallbackStep(_Step):
    """A callback request on the caller's number becomes a case."""

    kind: Literal["callback"]
    queue: str = "customer_services"
    next: StepId | None = None
    no_number: StepId | None = None  # withheld caller ID

    def exits(self) -> dict[str, str | None]:
        return {"next": self.next, "no_number": self.no_number}


class DetailsStep(_Step):
    """Ask for the details a case type needs (case_types.yaml `details:`), one at a time.

    A detail the caller has already said anywhere in the call is not asked for; one they
    cannot give (silence, twice) is noted as not given and the next is asked. Then `next`.
    """

    kind: Literal["details"]
    case_type: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    next: StepId | None = None

    def exits(self) -> dict[str, str | None]:
        return {"next": self.next}

    @property
    def asks_caller(self) -> bool:
        return True


class LogStep(_Step):
    """Raise the case from everything the call gathered, tell the caller its reference, and
    go on; nobody is put through. The routing rules choose the case type for `intent`."""

    kind: Literal["log"]
    intent: str
    queue: str | None = None  # the team that will have it; else the rules' choice
    say: str = "Thank you. I have logged your {title}. Your reference is {reference}."
    next: StepId | None = None

    def exits(self) -> dict[str, str | None]:
        return {"next": self.next}


class HangupStep(_Step):
    kind: Literal["hangup"]
    say: str | None = None

    @property
    def ends_call(self) -> bool:
        return True


Step = Annotated[
    SayStep
    | MenuStep
    | AskStep
    | BranchStep
    | LookupStep
    | StatusStep
    | SubscribeStep
    | HoursStep
    | TransferStep
    | RecordStep
    | CallbackStep
    | DetailsStep
    | LogStep
    | HangupStep,
    Field(discriminator="kind"),
]


class FlowSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StepId
    description: str = ""
    start: StepId
    fallback: StepId  # where a caller goes after failed attempts: a person
    # Where a transfer goes when the lines are closed and nobody answers its queue out of
    # hours (queues.yaml `out_of_hours_number`): a message, say. Without it, the caller is
    # told when we open and the call ends; nobody is left waiting in an unstaffed queue.
    when_closed: StepId | None = None
    max_attempts: int = Field(default=2, ge=1, le=3)
    language: str = "en-GB"
    voice: str = "Polly.Amy"
    steps: dict[StepId, Step] = Field(min_length=1)


class _FlowFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    flow: FlowSpec


@dataclass(frozen=True)
class Flow:
    spec: FlowSpec
    path: Path

    @property
    def id(self) -> str:
        return self.spec.id

    def step(self, step_id: str) -> _Step:
        step: _Step = self.spec.steps[step_id]
        return step


@dataclass(frozen=True)
class FlowDirectory:
    by_id: Mapping[str, Flow]

    def __getitem__(self, flow_id: str) -> Flow:
        return self.by_id[flow_id]

    def __iter__(self) -> Iterator[Flow]:
        return iter(self.by_id.values())


def parse_flow(document: YamlDocument) -> Flow:
    """Validate one flow file; a fault reads `file:line: step <id>: reason`."""
    try:
        spec = _FlowFile.model_validate(document.data).flow
    except ValidationError as exc:
        first = exc.errors()[0]
        location = [part for part in first["loc"] if isinstance(part, int | str)]
        if location[:2] == ["flow", "steps"] and len(location) > 2:
            # Pydantic adds the discriminator's tag to the path; the YAML has no such key.
            location = [*location[:3], *location[4:]] if len(location) > 3 else location
            where = f"step {location[2]}"
        else:
            where = ".".join(str(p) for p in location)
        message = str(first["msg"]).removeprefix("Value error, ")
        raise document.error(location, f"{where}: {message}") from None
    return Flow(spec=spec, path=document.path)


def load_flows(flows_dir: Path, queues: Collection[str] | None = None) -> FlowDirectory:
    """Every ivr_flows/*.yaml, validated and linted; raises DataFileError on the first fault."""
    from app.ivr.lint import lint_flow

    by_id: dict[str, Flow] = {}
    for path in sorted(flows_dir.glob("*.yaml")):
        document = load_yaml(path)
        flow = parse_flow(document)
        if flow.id in by_id:
            raise document.error(
                ["flow", "id"], f"flow {flow.id!r} is also in {by_id[flow.id].path}"
            )
        problems = lint_flow(flow, document, queues)
        if problems:
            raise DataFileError(problems[0])
        by_id[flow.id] = flow
    return FlowDirectory(by_id=by_id)
