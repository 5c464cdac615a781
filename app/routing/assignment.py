"""Assignment as pure functions: which available advisor takes which waiting case.

Cases are served highest priority first, then longest waiting. An advisor is eligible when
available, holding the skills the queue needs (fewer once an escalation step has passed), speaking
the case's language, and with spare capacity on the case's channel. Among eligible advisors the one
with the most spare capacity wins, then the one idle longest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from app.routing.queues import QueueDirectory
from app.vocabulary import Priority


@dataclass(frozen=True)
class AdvisorSlot:
    """An advisor's state as assignment sees it."""

    advisor_id: int
    skills: frozenset[str]
    available: bool
    capacity: Mapping[str, int]
    load: Mapping[str, int] = field(default_factory=dict)
    languages: frozenset[str] = frozenset({"en"})
    idle_since: datetime | None = None

    def spare(self, channel: str) -> int:
        return self.capacity.get(channel, 0) - self.load.get(channel, 0)

    def with_case(self, channel: str, at: datetime) -> AdvisorSlot:
        load = dict(self.load)
        load[channel] = load.get(channel, 0) + 1
        return replace(self, load=load, idle_since=at)


@dataclass(frozen=True)
class WaitingCase:
    """A queued, unassigned case."""

    case_id: int
    queue: str
    priority: Priority
    channel: str
    queued_at: datetime
    language: str = "en"


@dataclass(frozen=True)
class Assignment:
    case_id: int
    advisor_id: int
    escalated: bool


def serving_order(cases: Iterable[WaitingCase]) -> list[WaitingCase]:
    """Highest priority first, then longest waiting, then oldest id for a stable order."""
    return sorted(cases, key=lambda c: (-c.priority.rank, c.queued_at, c.case_id))


def eligible(
    advisor: AdvisorSlot, case: WaitingCase, queues: QueueDirectory, now: datetime
) -> tuple[bool, bool]:
    """(may take the case, only because an escalation step widened the queue)."""
    if not advisor.available or advisor.spare(case.channel) <= 0:
        return False, False
    if case.language not in advisor.languages:
        return False, False
    queue = queues[case.queue]
    if queue.skills <= advisor.skills:
        return True, False
    widened = queue.required_skills(now - case.queued_at)
    return widened <= advisor.skills, True


def plan_assignments(
    cases: Iterable[WaitingCase],
    advisors: Sequence[AdvisorSlot],
    queues: QueueDirectory,
    now: datetime,
) -> list[Assignment]:
    """Match waiting cases to advisors; each assignment uses up capacity for the next."""
    slots = {advisor.advisor_id: advisor for advisor in advisors}
    plan: list[Assignment] = []
    for case in serving_order(cases):
        best: tuple[AdvisorSlot, bool] | None = None
        for slot in slots.values():
            ok, escalated = eligible(slot, case, queues, now)
            if ok and (best is None or _better(slot, best[0], case.channel)):
                best = (slot, escalated)
        if best is None:
            continue
        slot, escalated = best
        plan.append(Assignment(case.case_id, slot.advisor_id, escalated))
        slots[slot.advisor_id] = slot.with_case(case.channel, now)
    return plan


def _better(candidate: AdvisorSlot, incumbent: AdvisorSlot, channel: str) -> bool:
    def key(slot: AdvisorSlot) -> tuple[int, float, int]:
        idle = slot.idle_since.timestamp() if slot.idle_since else float("-inf")
        return (-slot.spare(channel), idle, slot.advisor_id)

    return key(candidate) < key(incumbent)


def hand_back(assigned: Mapping[int, int], advisor_id: int) -> list[int]:
    """The case ids (of `assigned`: case id -> advisor id) that go back to their queues."""
    return sorted(case_id for case_id, owner in assigned.items() if owner == advisor_id)
