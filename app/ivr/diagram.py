"""A flow as a Mermaid flowchart: questions as rounded boxes, ends as circles."""

from __future__ import annotations

from app.ivr.flows import Flow, MenuStep, TransferStep

_SHAPES = {"ask": ("([", "])"), "end": ("((", "))"), "do": ("[", "]")}


def mermaid(flow: Flow) -> str:
    spec = flow.spec
    lines = [f"%% {flow.path.name}: {spec.description or spec.id}", "flowchart TD"]
    lines.append(f"    start((call)) --> {spec.start}")
    for step_id, step in spec.steps.items():
        role = "ask" if step.asks_caller else "end" if step.ends_call else "do"
        left, right = _SHAPES[role]
        lines.append(f'    {step_id}{left}"{step_id}<br/><i>{step.kind}</i>"{right}')
        for field, target in step.exits().items():
            if target is None:
                continue
            label = _label(step, field)
            lines.append(f'    {step_id} -->|"{label}"| {target}')
        if step.asks_caller and "on_failure" not in step.exits():
            lines.append(f"    {step_id} -.->|after {spec.max_attempts} failures| {spec.fallback}")
        if isinstance(step, TransferStep) and spec.when_closed is not None:
            lines.append(f"    {step_id} -.->|lines closed| {spec.when_closed}")
    return "\n".join(lines) + "\n"


def _label(step: object, field: str) -> str:
    if isinstance(step, MenuStep) and field.startswith("options["):
        key = field[len("options[") : -1]
        option = next(o for o in step.options if o.key == key)
        return f"{key}: {option.label}".replace('"', "'")
    return field.replace('"', "'")
