"""Everything a request or a job needs, built once per process from Settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from app.calendar import CouncilCalendar
from app.channels import ChannelAdapter, build_adapters
from app.config import Settings
from app.db import build_engine
from app.ivr.flows import FlowDirectory, load_flows
from app.jobs.runner import InlineJobRunner, JobRunner, RqJobRunner
from app.lifecycle.types import (
    CaseTypeDirectory,
    load_case_types,
    load_closure_days,
    load_opening_hours,
)
from app.models.types import utcnow
from app.pipeline.answers import ANSWER_PROVIDERS
from app.pipeline.decide import SAFEGUARDING_QUEUE
from app.routing.queues import QueueDirectory, load_queues
from app.routing.rules import Ruleset, load_ruleset
from app.routing.yaml_source import DataFileError
from app.understanding.contact_wishes import ContactWishes
from app.understanding.near_miss import NearMisses
from app.understanding.nlu import NluBackend, build_nlu
from app.understanding.safety import SafetyLexicon
from app.understanding.safety_model import SafetyModel
from app.understanding.safety_model import load_or_train as load_safety_model
from app.understanding.training_data import routable_intents
from app.vocabulary import Channel


@dataclass
class Runtime:
    """The process's long-lived parts. Nothing here is created at import time."""

    settings: Settings
    engine: Engine
    calendar: CouncilCalendar
    queues: QueueDirectory
    case_types: CaseTypeDirectory
    ruleset: Ruleset
    nlu: NluBackend
    lexicon: SafetyLexicon
    # The learned safety signal beside the lexicon, trained from bots/data/safety.yml.
    safety_model: SafetyModel
    adapters: Mapping[Channel, ChannelAdapter]
    flows: FlowDirectory
    # Pairs of intents that read alike, settled by asking the resident one question.
    near_misses: NearMisses
    # "Please don't text back", "he checks my phone": read before any reply is sent.
    contact_wishes: ContactWishes
    jobs: JobRunner = field(init=False)
    # The time a call is taken at; a menu designer's rehearsal can set it (e.g. out of hours).
    clock: Callable[[], datetime] = utcnow

    @property
    def announces_inbound(self) -> bool:
        """New messages are announced by PostgreSQL and enqueued by the workers' relay.

        Then a webhook makes no Redis call at all (app/jobs/relay.py).
        """
        return isinstance(self.jobs, RqJobRunner) and self.engine.dialect.name == "postgresql"


@dataclass(frozen=True)
class Routing:
    """Every routing data file, loaded and cross-checked."""

    queues: QueueDirectory
    case_types: CaseTypeDirectory
    ruleset: Ruleset
    lexicon: SafetyLexicon
    calendar: CouncilCalendar
    near_misses: NearMisses
    contact_wishes: ContactWishes


def load_routing(settings: Settings) -> Routing:
    """Validate every routing data file; raises DataFileError (file:line: reason)."""
    rules_dir = settings.routing_rules_dir
    queues = load_queues(rules_dir)
    case_types = load_case_types(rules_dir)
    intents = routable_intents(settings.bots_dir)
    ruleset = load_ruleset(
        rules_dir,
        queues,
        intents=intents,
        answers=ANSWER_PROVIDERS.keys(),
        required_queues=(SAFEGUARDING_QUEUE,),
        case_types=case_types.by_id.keys(),
    )
    lexicon = SafetyLexicon.load_dir(rules_dir)
    calendar = CouncilCalendar(
        settings.timezone, load_closure_days(rules_dir), load_opening_hours(rules_dir)
    )
    near_misses = NearMisses.load(rules_dir, intents)
    contact_wishes = ContactWishes.load(rules_dir)
    return Routing(queues, case_types, ruleset, lexicon, calendar, near_misses, contact_wishes)


def build_runtime(settings: Settings) -> Runtime:
    """Load and validate the routing data, and wire up the job runner."""
    routing = load_routing(settings)
    runtime = Runtime(
        settings=settings,
        engine=build_engine(settings.database_url),
        calendar=routing.calendar,
        queues=routing.queues,
        case_types=routing.case_types,
        ruleset=routing.ruleset,
        nlu=build_nlu(
            settings.nlu_backend,
            settings.bots_dir,
            settings.nlu_cache_dir,
            str(settings.rasa_url) if settings.rasa_url else None,
            settings.rasa_timeout_seconds,
        ),
        lexicon=routing.lexicon,
        safety_model=load_safety_model(settings.bots_dir, settings.nlu_cache_dir),
        adapters=build_adapters(settings),
        flows=load_flows(settings.ivr_flows_dir, queues=routing.queues.by_id.keys()),
        near_misses=routing.near_misses,
        contact_wishes=routing.contact_wishes,
    )
    if settings.ivr_flow not in runtime.flows.by_id:
        raise DataFileError(f"{settings.ivr_flows_dir}: no flow {settings.ivr_flow!r} (IVR_FLOW)")
    if settings.redis_url is not None:
        runtime.jobs = RqJobRunner(settings.redis_url)
    else:
        from app.jobs.entrypoints import HANDLERS

        runtime.jobs = InlineJobRunner(runtime, HANDLERS)
    return runtime
