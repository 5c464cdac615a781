"""Which messages a rule's `when` matches, as a set the lint can compare exactly.

Every operator looks at one fact of the message, and each fact ranges over a finite set once
cut at the values the rules mention: confidence and clock time become the intervals between
the thresholds named, flags, open case types and entities become the subsets of those named
(a flag no rule names cannot change any match). A `when` is then a box, one set of cells per
fact, and "these earlier rules match every message this rule matches" is a question about
boxes with an exact answer: no sampling, no false alarm.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from itertools import combinations
from typing import Any, cast

from app.routing.match import Match, RoutingContext
from app.vocabulary import Channel

DAY_SECONDS = 24 * 3600.0
# The facts a `when` may look at, in the order a box holds them, and the operators on each.
# Every operator looks at one fact only; a test keeps this the whole of Match.
FIELDS = {
    "intents": ("intent", "intent_not"),
    "confidence": ("confidence_at_least", "confidence_below"),
    "channels": ("channel",),
    "flags": ("flags_any", "flags_all", "flags_none"),
    "cases": ("has_open_case_of_type",),
    "entities": ("has_entity",),
    "clock": ("time_of_day",),
    "working_day": ("working_day",),
}
DIMENSIONS = tuple(FIELDS)

Box = tuple[frozenset[object], ...]
Interval = tuple[float, float]


def _seconds(moment: time) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _intervals(cuts: Iterable[float], end: float) -> tuple[Interval, ...]:
    """[0, c1), [c1, c2) ... [ck, end): each threshold falls on a cell boundary."""
    points = sorted({0.0, *(cut for cut in cuts if 0.0 < cut < end)})
    return tuple(zip(points, [*points[1:], end], strict=True))


def _subsets(names: Collection[str]) -> tuple[frozenset[str], ...]:
    ordered = sorted(names)
    return tuple(
        frozenset(chosen)
        for size in range(len(ordered) + 1)
        for chosen in combinations(ordered, size)
    )


@dataclass(frozen=True)
class Space:
    """Every cell of every fact the given rules can tell apart."""

    intents: tuple[str, ...]
    confidence: tuple[Interval, ...]
    channels: tuple[Channel, ...]
    flags: tuple[frozenset[str], ...]
    cases: tuple[frozenset[str], ...]
    entities: tuple[frozenset[str], ...]
    clock: tuple[Interval, ...]

    @classmethod
    def of(
        cls, matches: Sequence[Match], intents: Collection[str], flags: Collection[str] = ()
    ) -> Space:
        """The cells for `matches`; `flags` adds flags to tell apart beyond those named."""
        named_intents = {i for m in matches for i in (*(m.intent or ()), *(m.intent_not or ()))}
        confidence_cuts = [
            cut for m in matches for cut in (m.confidence_at_least, m.confidence_below) if cut
        ]
        flag_names = (
            {f.value for m in matches for f in (*(m.flags_any or ()), *(m.flags_all or ()))}
            | {f.value for m in matches for f in m.flags_none or ()}
            | set(flags)
        )
        windows = [m.time_of_day for m in matches if m.time_of_day is not None]
        clock_cuts = [_seconds(w.start) for w in windows] + [_seconds(w.end) for w in windows]
        return cls(
            intents=tuple(sorted(set(intents) | named_intents)),
            # 1.0 is reachable, so the last cell is closed above by a bound past it.
            confidence=_intervals(confidence_cuts, 2.0),
            channels=tuple(Channel),
            flags=_subsets(flag_names),
            cases=_subsets({c for m in matches for c in m.has_open_case_of_type or ()}),
            entities=_subsets({e for m in matches for e in m.has_entity or ()}),
            clock=_intervals(clock_cuts, DAY_SECONDS),
        )

    def box(self, match: Match) -> Box:
        """The cells `match` accepts, fact by fact, each judged by the operators themselves."""
        given = match.model_fields_set
        cells: list[frozenset[object]] = []
        for dimension, fields in FIELDS.items():
            operators = Match().model_copy(
                update={name: getattr(match, name) for name in fields if name in given}
            )
            values = [(cell, _context(dimension, cell)) for cell in self._cells(dimension)]
            cells.append(frozenset(cell for cell, ctx in values if operators.matches(ctx)))
        return tuple(cells)

    def _cells(self, dimension: str) -> Sequence[object]:
        if dimension == "working_day":
            return (True, False)
        found: Sequence[object] = getattr(self, dimension)
        return found


# The base every cell is judged against: only the fact being judged changes.
_BASE = RoutingContext(
    intent="",
    confidence=0.0,
    channel=Channel.WEB,
    flags=frozenset(),
    open_case_types=frozenset(),
    local_time=datetime(2026, 1, 1),
    working_day=True,
)


def _context(dimension: str, cell: object) -> RoutingContext:
    """A message standing for `cell`: an interval's cells stand at their start, and every
    threshold is a cell boundary, so the whole cell matches as its start does."""
    if dimension == "confidence":
        return replace(_BASE, confidence=cast(Interval, cell)[0])
    if dimension == "clock":
        moment = _BASE.local_time + timedelta(seconds=cast(Interval, cell)[0])
        return replace(_BASE, local_time=moment)
    field = {"cases": "open_case_types", "channels": "channel", "intents": "intent"}
    facts: dict[str, Any] = {field.get(dimension, dimension): cell}
    return replace(_BASE, **facts)


def restrict(box: Box, dimension: str, cells: Iterable[object]) -> Box:
    """`box` with one fact narrowed to `cells`."""
    index = DIMENSIONS.index(dimension)
    return (*box[:index], box[index] & frozenset(cells), *box[index + 1 :])


def is_empty(box: Box) -> bool:
    return any(not cells for cells in box)


def meet(first: Box, second: Box) -> Box:
    return tuple(a & b for a, b in zip(first, second, strict=True))


def covered(box: Box, others: Sequence[Box]) -> bool:
    """Does the union of `others` hold every message of `box`?

    Split `box` by the first box that meets it: the part inside is held; each part outside
    (one per fact where that box is narrower) must be held by the boxes after it.
    """
    if is_empty(box):
        return True
    for position, other in enumerate(others):
        if is_empty(meet(box, other)):
            continue
        rest, remaining = others[position + 1 :], box
        for index, cells in enumerate(remaining):
            outside = cells - other[index]
            if outside:
                piece = (*remaining[:index], outside, *remaining[index + 1 :])
                if not covered(piece, rest):
                    return False
                remaining = (*remaining[:index], cells & other[index], *remaining[index + 1 :])
        return True
    return False


def firsts(box: Box, earlier: Sequence[Box]) -> tuple[int, ...]:
    """The positions of the earlier boxes that take some of `box` first (one whose part is all
    taken by boxes before it takes none)."""
    return tuple(
        position
        for position, other in enumerate(earlier)
        if not is_empty(part := meet(box, other)) and not covered(part, earlier[:position])
    )


def takers(box: Box, earlier: Sequence[Box]) -> tuple[int, ...] | None:
    """None when some message of `box` gets past every earlier box; else who takes it first."""
    if is_empty(box) or not covered(box, earlier):
        return None
    return firsts(box, earlier)
