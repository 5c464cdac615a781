"""Queue declarations from routing_rules/queues.yaml."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from app.contact_points import normalise_phone, optional
from app.routing.yaml_source import load_yaml

QUEUES_FILE = "queues.yaml"


class EscalationStep(BaseModel):
    """After `after_minutes` waiting, any advisor with `to_skills` may take the case."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    after_minutes: int = Field(gt=0)
    to_skills: frozenset[str] = frozenset()


class QueueSpec(BaseModel):
    """One queue: who may work it and how its reach widens as a case waits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    kind: Literal["council", "partner"]
    skills: frozenset[str] = Field(min_length=1)
    escalation: tuple[EscalationStep, ...] = ()
    # Calls for this queue are dialled through to this number instead of waiting in a
    # Twilio queue (a partner's own line, say).
    voice_number: Annotated[str | None, AfterValidator(optional(normalise_phone))] = None
    # Who answers this queue's calls while the lines are closed (an emergency duty team). With
    # none, a call put through out of hours is recorded on its case and the caller is told so.
    out_of_hours_number: Annotated[str | None, AfterValidator(optional(normalise_phone))] = None

    @model_validator(mode="after")
    def _escalation_widens(self) -> QueueSpec:
        previous = 0
        for step in self.escalation:
            if step.after_minutes <= previous:
                raise ValueError("escalation steps must be in increasing after_minutes order")
            previous = step.after_minutes
        return self

    def required_skills(self, waited: timedelta) -> frozenset[str]:
        """The skills an advisor needs to take a case that has waited `waited`."""
        skills = self.skills
        for step in self.escalation:
            if waited >= timedelta(minutes=step.after_minutes):
                skills = step.to_skills
        return skills


class _QueuesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    queues: list[QueueSpec] = Field(min_length=1)


@dataclass(frozen=True)
class QueueDirectory:
    """All declared queues, by id."""

    by_id: Mapping[str, QueueSpec]

    def __contains__(self, queue_id: object) -> bool:
        return queue_id in self.by_id

    def __iter__(self) -> Iterator[QueueSpec]:
        return iter(self.by_id.values())

    def __getitem__(self, queue_id: str) -> QueueSpec:
        return self.by_id[queue_id]


def load_queues(rules_dir: Path) -> QueueDirectory:
    """Read and validate queues.yaml; raises DataFileError naming file and line."""
    document = load_yaml(rules_dir / QUEUES_FILE)
    parsed = document.parse(_QueuesFile)
    by_id: dict[str, QueueSpec] = {}
    for index, queue in enumerate(parsed.queues):
        if queue.id in by_id:
            raise document.error(["queues", index, "id"], f"duplicate queue id {queue.id!r}")
        by_id[queue.id] = queue
    return QueueDirectory(by_id=by_id)
