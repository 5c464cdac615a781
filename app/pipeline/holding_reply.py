"""Holding replies that tell the truth: when a person will reply, and in the resident's language.

"Someone will be in touch" at ten on a Saturday night is only true on Monday morning, so a
person's reply out of hours says when the lines open (calendar.yaml, bank holidays and closure
days included). An urgent need gets the queue's out-of-hours number (queues.yaml), the number
the IVR dials; with none, 999. A message flagged `interpreter:<code>` gets the same words in its
language first, then the English: reviewed translations kept as data (translations.yaml), never
made by a machine at run time.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

import structlog
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.models import Case
from app.pipeline.answers import EMERGENCY_REPLY
from app.pipeline.decide import Route
from app.pipeline.safe_reply import PLAIN_REPLY
from app.routing.queues import QueueDirectory
from app.routing.yaml_source import DataFileError, load_yaml
from app.runtime import Runtime
from app.vocabulary import Outcome, Priority

log = structlog.get_logger(__name__)

TRANSLATIONS_FILE = "translations.yaml"
Kind = Literal["holding", "emergency", "plain"]
# Each text's fields: a translation must carry exactly these, or a reference goes missing.
FIELDS: Mapping[str, frozenset[str]] = {
    "holding": frozenset({"reference"}),
    "emergency": frozenset({"reference"}),
    "plain": frozenset(),
    "closed": frozenset({"opens"}),
    "out_of_hours": frozenset({"number"}),
    "danger": frozenset(),
}
# Between the resident's language and the English: a blank line on SMS, a space on screen.
SEPARATOR = "\n\n"


class Texts(BaseModel):
    """One language's words for every holding reply."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    holding: str
    emergency: str
    plain: str
    closed: str
    out_of_hours: str
    danger: str

    @model_validator(mode="after")
    def _fields(self) -> Texts:
        for name, expected in FIELDS.items():
            found = {f for _, f, _, _ in string.Formatter().parse(getattr(self, name)) if f}
            if found != expected:
                raise ValueError(f"{name} must use {sorted(expected)}; found {sorted(found)}")
        return self


class Review(BaseModel):
    """Who checked a translation, and when: a native speaker, before it is trusted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Literal["awaiting_review", "reviewed"]
    reviewed_by: str | None = None
    reviewed_on: date | None = None

    @model_validator(mode="after")
    def _signed(self) -> Review:
        if self.status == "reviewed" and not (self.reviewed_by and self.reviewed_on):
            raise ValueError("a reviewed translation names reviewed_by and reviewed_on")
        return self


class Language(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z]{2,3}$")
    name: str
    review: Review
    weekdays: tuple[str, ...] = Field(min_length=7, max_length=7)
    date_format: str
    texts: Texts

    @field_validator("date_format")
    @classmethod
    def _digits_only(cls, value: str) -> str:
        # %A and %B would come out in English whatever the language.
        if "{weekday}" not in value or any(f"%{c}" in value for c in "aAbBcpxX"):
            raise ValueError("date_format needs {weekday} and only digit fields (%d %m %Y %H %M)")
        return value

    def opens(self, moment: datetime) -> str:
        pattern = self.date_format.replace("{weekday}", self.weekdays[moment.weekday()])
        return moment.strftime(pattern)


# The English every translation translates: what the English reply says, word for word.
ENGLISH = Texts(
    holding=(
        "Thank you. A member of our team will reply and arrange an interpreter in your "
        "language. Your reference is {reference}."
    ),
    emergency=EMERGENCY_REPLY,
    plain=PLAIN_REPLY,
    closed="Our offices are closed now. A member of our team will reply from {opens}.",
    out_of_hours="If you need help before then, call our out-of-hours team on {number}.",
    danger="If anyone is in danger before then, call 999.",
)


class _Translations(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Texts
    languages: tuple[Language, ...]

    @field_validator("source")
    @classmethod
    def _current(cls, source: Texts) -> Texts:
        # English changed since these were written: the translations say something else.
        stale = [name for name in FIELDS if getattr(source, name) != getattr(ENGLISH, name)]
        if stale:
            raise ValueError(f"the English of {stale} has changed; translate and review again")
        return source


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    translations: _Translations


@dataclass(frozen=True)
class Translations:
    """Each language's words, by ISO 639-1 code."""

    languages: Mapping[str, Language]

    @classmethod
    def load(cls, rules_dir: Path) -> Translations:
        parsed = load_yaml(rules_dir / TRANSLATIONS_FILE).parse(_Document).translations
        languages = {language.code: language for language in parsed.languages}
        awaiting = sorted(c for c, lang in languages.items() if lang.review.status != "reviewed")
        if awaiting:
            log.warning("translations.awaiting_review", languages=awaiting)
        return cls(languages)


@lru_cache(maxsize=8)
def _cached(rules_dir: Path) -> Translations:
    return Translations.load(rules_dir)


def translations(rules_dir: Path) -> Translations:
    """The rules directory's translations, read once per process. A broken file costs the
    translations, logged, never the English reply."""
    try:
        return _cached(rules_dir)
    except (DataFileError, OSError) as exc:
        log.error("translations.unreadable", error=str(exc))
        return Translations({})


@dataclass(frozen=True)
class Waiting:
    """A case a council team's person will pick up, and how urgently."""

    queue: str
    priority: Priority


def waiting_on_people(
    queues: QueueDirectory, acted: Iterable[tuple[Route, Case | None]]
) -> list[Waiting]:
    """Routes a council team's person will answer (a case's own queue and priority win).

    Partners keep their own hours, and a case no person is queued to pick up (a service
    request the message joined) has nobody to reply, so neither promises anything here.
    """
    waiting = []
    for route, case in acted:
        queue = case.queue if case is not None and case.queue else route.queue
        if not route.outcome.is_human or queue is None or queues[queue].kind != "council":
            continue
        if case is not None and case.queued_at is None:
            continue
        priority = Priority(case.priority) if case is not None else route.priority
        waiting.append(Waiting(queue, priority))
    return waiting


def finish(
    rt: Runtime,
    english: str,
    waiting: Sequence[Waiting],
    language: str | None,
    kind: Kind,
    reference: str,
    now: datetime,
) -> str:
    """The reply as sent: the English with when a person will reply, and, for a resident who
    wrote in a language we hold, the same in their language first."""
    if not waiting:
        return english
    closed = _closed(rt, waiting, now)
    said = " ".join([english, *closed.lines(ENGLISH, _english_time, "999" not in english)])
    languages = translations(rt.settings.routing_rules_dir).languages
    theirs = languages.get(language) if language else None
    if theirs is None:
        return said
    own = getattr(theirs.texts, kind).format(reference=reference)
    # Their emergency and plain words already give 999.
    later = closed.lines(theirs.texts, theirs.opens, kind == "holding")
    return " ".join([own, *later]) + SEPARATOR + said


@dataclass(frozen=True)
class Closed:
    """What a resident must hear while the lines are closed: when they open, and for an urgent
    need the number to call meanwhile, or 999 where the queue has none (as the IVR says)."""

    opens: datetime | None = None
    number: str | None = None
    danger: bool = False

    def lines(self, texts: Texts, when: Callable[[datetime], str], danger: bool) -> list[str]:
        lines = [texts.closed.format(opens=when(self.opens))] if self.opens else []
        if self.number:
            lines.append(texts.out_of_hours.format(number=self.number))
        elif self.danger and danger:
            lines.append(texts.danger)
        return lines


def _closed(rt: Runtime, waiting: Sequence[Waiting], now: datetime) -> Closed:
    if rt.calendar.is_open(now):
        return Closed()
    opens = rt.calendar.next_opening(now)
    urgent = [w for w in waiting if w.priority.rank >= Priority.URGENT.rank]
    numbers = (rt.queues[w.queue].out_of_hours_number for w in urgent)
    return Closed(
        opens=rt.calendar.local(opens) if opens is not None else None,
        number=next((n for n in numbers if n), None),
        danger=bool(urgent),
    )


def _english_time(moment: datetime) -> str:
    """'8:30am on Monday 12 January' (the C locale's names are English)."""
    hour = moment.hour % 12 or 12
    noon = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d}{noon} on {moment:%A} {moment.day} {moment:%B}"


def kind_of(routes: Iterable[Route]) -> Kind:
    """Which holding words fit: 999 first when a life may be at risk."""
    return "emergency" if any(r.outcome is Outcome.EMERGENCY for r in routes) else "holding"
