"""Assignment: skills, capacity, priority, longest waiting, hand-back and escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.routing.assignment import (
    AdvisorSlot,
    WaitingCase,
    eligible,
    hand_back,
    plan_assignments,
    serving_order,
)
from app.routing.queues import EscalationStep, QueueDirectory, QueueSpec
from app.vocabulary import Priority

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

QUEUES = QueueDirectory(
    by_id={
        "waste": QueueSpec(
            id="waste",
            title="Waste",
            kind="council",
            skills=frozenset({"waste"}),
            escalation=(
                EscalationStep(after_minutes=15, to_skills=frozenset({"customer_services"})),
            ),
        ),
        "revenues": QueueSpec(
            id="revenues", title="Revenues", kind="council", skills=frozenset({"revenues"})
        ),
        "safeguarding": QueueSpec(
            id="safeguarding",
            title="Safeguarding",
            kind="council",
            skills=frozenset({"safeguarding"}),
            escalation=(
                EscalationStep(after_minutes=3, to_skills=frozenset({"customer_services"})),
                EscalationStep(after_minutes=10, to_skills=frozenset()),
            ),
        ),
    }
)


def advisor(advisor_id: int, *skills: str, **kwargs: object) -> AdvisorSlot:
    values: dict[str, object] = {
        "advisor_id": advisor_id,
        "skills": frozenset(skills),
        "available": True,
        "capacity": {"sms": 1, "web": 1},
    }
    values.update(kwargs)
    return AdvisorSlot(**values)  # type: ignore[arg-type]


def case(
    case_id: int, queue: str = "waste", minutes_waiting: int = 1, **kwargs: object
) -> WaitingCase:
    values: dict[str, object] = {
        "case_id": case_id,
        "queue": queue,
        "priority": Priority.NORMAL,
        "channel": "sms",
        "queued_at": NOW - timedelta(minutes=minutes_waiting),
    }
    values.update(kwargs)
    return WaitingCase(**values)  # type: ignore[arg-type]


def test_only_an_advisor_with_the_queues_skills_takes_the_case() -> None:
    plan = plan_assignments([case(1)], [advisor(10, "revenues"), advisor(11, "waste")], QUEUES, NOW)
    assert [(a.case_id, a.advisor_id, a.escalated) for a in plan] == [(1, 11, False)]


def test_nobody_takes_a_case_without_the_skills() -> None:
    assert plan_assignments([case(1)], [advisor(10, "revenues")], QUEUES, NOW) == []


def test_an_unavailable_advisor_takes_nothing() -> None:
    assert plan_assignments([case(1)], [advisor(11, "waste", available=False)], QUEUES, NOW) == []


def test_capacity_is_per_channel_and_used_up_by_each_assignment() -> None:
    cases = [case(1), case(2), case(3, channel="web")]
    plan = plan_assignments(cases, [advisor(11, "waste")], QUEUES, NOW)
    # One SMS slot and one web slot: case 2 waits.
    assert sorted(a.case_id for a in plan) == [1, 3]


def test_existing_load_counts_against_capacity() -> None:
    busy = advisor(11, "waste", load={"sms": 1})
    assert plan_assignments([case(1)], [busy], QUEUES, NOW) == []


def test_highest_priority_first_then_longest_waiting() -> None:
    cases = [
        case(1, minutes_waiting=30),
        case(2, minutes_waiting=5, priority=Priority.URGENT),
        case(3, minutes_waiting=40),
        case(4, minutes_waiting=1, priority=Priority.EMERGENCY),
    ]
    assert [c.case_id for c in serving_order(cases)] == [4, 2, 3, 1]
    plan = plan_assignments(cases, [advisor(11, "waste", capacity={"sms": 2})], QUEUES, NOW)
    assert [a.case_id for a in plan] == [4, 2]


def test_longest_waiting_wins_among_equal_priority() -> None:
    plan = plan_assignments(
        [case(1, minutes_waiting=2), case(2, minutes_waiting=9)],
        [advisor(11, "waste")],
        QUEUES,
        NOW,
    )
    assert [a.case_id for a in plan] == [2]


def test_the_advisor_with_most_spare_capacity_then_longest_idle_is_chosen() -> None:
    roomy = advisor(11, "waste", capacity={"sms": 3})
    tight = advisor(12, "waste", capacity={"sms": 1})
    assert plan_assignments([case(1)], [tight, roomy], QUEUES, NOW)[0].advisor_id == 11
    idle_long = advisor(13, "waste", idle_since=NOW - timedelta(hours=2))
    idle_short = advisor(14, "waste", idle_since=NOW - timedelta(minutes=1))
    assert plan_assignments([case(1)], [idle_short, idle_long], QUEUES, NOW)[0].advisor_id == 13


def test_work_is_spread_across_advisors() -> None:
    plan = plan_assignments(
        [case(1), case(2)], [advisor(11, "waste"), advisor(12, "waste")], QUEUES, NOW
    )
    assert sorted(a.advisor_id for a in plan) == [11, 12]


def test_language_must_match() -> None:
    polish = case(1, language="pl")
    assert plan_assignments([polish], [advisor(11, "waste")], QUEUES, NOW) == []
    speaker = advisor(12, "waste", languages=frozenset({"en", "pl"}))
    assert plan_assignments([polish], [speaker], QUEUES, NOW)[0].advisor_id == 12


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(14, []), (15, [(1, 20, True)]), (60, [(1, 20, True)])],
)
def test_escalation_widens_the_target_after_the_configured_wait(
    minutes: int, expected: list[tuple[int, int, bool]]
) -> None:
    generalist = advisor(20, "customer_services")
    plan = plan_assignments([case(1, minutes_waiting=minutes)], [generalist], QUEUES, NOW)
    assert [(a.case_id, a.advisor_id, a.escalated) for a in plan] == expected


def test_escalation_steps_apply_in_order() -> None:
    anyone = advisor(30)
    waiting = case(1, queue="safeguarding", minutes_waiting=5)
    assert eligible(anyone, waiting, QUEUES, NOW) == (False, True)
    later = case(1, queue="safeguarding", minutes_waiting=10)
    assert eligible(anyone, later, QUEUES, NOW) == (True, True)


def test_a_specialist_is_preferred_before_escalation_even_if_a_generalist_is_free() -> None:
    plan = plan_assignments(
        [case(1, minutes_waiting=20)],
        [advisor(20, "customer_services", capacity={"sms": 5}), advisor(11, "waste")],
        QUEUES,
        NOW,
    )
    # After escalation both are eligible; the one with most spare capacity wins.
    assert plan[0].advisor_id == 20
    plan_early = plan_assignments(
        [case(1, minutes_waiting=2)],
        [advisor(20, "customer_services", capacity={"sms": 5}), advisor(11, "waste")],
        QUEUES,
        NOW,
    )
    assert plan_early[0].advisor_id == 11


def test_hand_back_returns_only_that_advisors_cases() -> None:
    assert hand_back({1: 11, 2: 12, 3: 11}, 11) == [1, 3]
    assert hand_back({1: 12}, 11) == []


def test_escalation_steps_must_increase() -> None:
    with pytest.raises(ValueError, match="increasing"):
        QueueSpec(
            id="q",
            title="Q",
            kind="council",
            skills=frozenset({"x"}),
            escalation=(EscalationStep(after_minutes=10), EscalationStep(after_minutes=5)),
        )
