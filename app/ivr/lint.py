"""The graph check: every step reachable, none a dead end, no loop that never asks the caller.

A loop of steps that only talk (say, lookup, branch ...) would redirect for ever while the
caller listens to silence; a step with no way on strands them; an unreachable step is a menu
the designer thinks exists but no caller can hear.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from app.ivr.flows import (
    CallbackStep,
    Flow,
    LogStep,
    MenuStep,
    RecordStep,
    TransferStep,
)
from app.routing.yaml_source import YamlDocument


def lint_flow(
    flow: Flow, document: YamlDocument, queues: Collection[str] | None = None
) -> list[str]:
    """Every fault in `flow`, each as `file:line: step <id>: reason`."""
    spec = flow.spec
    problems: list[str] = []

    def problem(step_id: str | None, field: str | None, reason: str) -> None:
        location: list[int | str] = ["flow"]
        if step_id is not None:
            location += ["steps", step_id, *([field] if field else [])]
        elif field:
            location.append(field)
        where = f"step {step_id}" if step_id else f"flow {spec.id}"
        problems.append(f"{document.path}:{document.line_of(location)}: {where}: {reason}")

    named_steps = (("start", spec.start), ("fallback", spec.fallback),
                   ("when_closed", spec.when_closed))  # fmt: skip
    for field, named in named_steps:
        if named is not None and named not in spec.steps:
            problem(None, field, f"{field} names unknown step {named!r}")
    if spec.fallback in spec.steps and not isinstance(spec.steps[spec.fallback], TransferStep):
        problem(
            None,
            "fallback",
            "the fallback must be a transfer step: callers who are stuck get a person",
        )
    if spec.when_closed in spec.steps and isinstance(spec.steps[spec.when_closed], TransferStep):
        problem(None, "when_closed", "when_closed must not be a transfer: the lines are closed")
    if problems:
        return problems

    graph = _graph(flow)
    for step_id, step in spec.steps.items():
        for exit_field, target in step.exits().items():
            if target is None:
                problem(step_id, None, f"dead end: {step.kind} step has no {exit_field!r}")
            elif target not in spec.steps:
                problem(
                    step_id, _field_name(exit_field), f"{exit_field} names unknown step {target!r}"
                )
        if isinstance(step, MenuStep):
            keys = [option.key for option in step.options]
            for key in {k for k in keys if keys.count(k) > 1}:
                problem(step_id, "options", f"key {key} is used by more than one option")
        if queues is not None:
            for queue in _queues_named(step):
                if queue not in queues:
                    problem(step_id, "queue", f"unknown queue {queue!r}")
    if problems:
        return problems

    reachable = _reach(graph, [spec.start])
    for step_id in spec.steps:
        if step_id not in reachable:
            problem(step_id, None, f"unreachable: no path from {spec.start!r} leads here")
    enders = {s for s, step in spec.steps.items() if step.ends_call}
    can_finish = _reach(_reverse(graph), enders)
    for step_id in sorted(reachable - can_finish):
        problem(step_id, None, "dead end: no path from here ever transfers or ends the call")
    for cycle in _silent_cycles(flow, graph):
        problem(cycle[0], None, f"loop that never asks the caller: {' -> '.join(cycle)}")
    return problems


def _field_name(field: str) -> str:
    return field.split("[", 1)[0]


def _queues_named(step: object) -> Iterable[str]:
    if isinstance(step, TransferStep | LogStep) and step.queue:
        yield step.queue
    if isinstance(step, RecordStep | CallbackStep):
        yield step.queue


def _graph(flow: Flow) -> dict[str, set[str]]:
    """Step -> steps it can lead to. A question without its own on_failure leads to the
    fallback; a transfer that meets closed lines leads to `when_closed`."""
    graph: dict[str, set[str]] = {}
    for step_id, step in flow.spec.steps.items():
        targets = {t for t in step.exits().values() if t is not None}
        if step.asks_caller and "on_failure" not in step.exits():
            targets.add(flow.spec.fallback)
        if isinstance(step, TransferStep) and flow.spec.when_closed is not None:
            targets.add(flow.spec.when_closed)
        graph[step_id] = targets
    return graph


def _reverse(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    reverse: dict[str, set[str]] = {node: set() for node in graph}
    for node, targets in graph.items():
        for target in targets:
            reverse.setdefault(target, set()).add(node)
    return reverse


def _reach(graph: dict[str, set[str]], starts: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(starts)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return seen


def _silent_cycles(flow: Flow, graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles made only of steps that never wait for the caller, one per cycle found."""
    silent = {s for s, step in flow.spec.steps.items() if not step.asks_caller}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 finished

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node] & silent):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, path)
        path.pop()
        state[node] = 2

    for node in sorted(silent):
        if node not in state:
            visit(node, [])
    return cycles
