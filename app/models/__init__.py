"""The customer/case record. Importing this module registers every table."""

from app.models.audit import AuditEvent
from app.models.calls import CallStep, Handoff
from app.models.case import Case, CaseStageChange
from app.models.conversation import Conversation, Message
from app.models.customer import ContactKind, ContactPoint, Customer, IdentityCandidate
from app.models.lifecycle import CaseClock, NotificationSubscription, QueueAlert, SafeContact
from app.models.outbox import OutboxMessage
from app.models.routing import RoutingDecision
from app.models.services import BinRound
from app.models.types import utcnow
from app.models.workforce import Advisor, Queue

__all__ = [
    "Advisor",
    "AuditEvent",
    "BinRound",
    "CallStep",
    "Case",
    "CaseClock",
    "CaseStageChange",
    "ContactKind",
    "ContactPoint",
    "Conversation",
    "Customer",
    "Handoff",
    "IdentityCandidate",
    "Message",
    "NotificationSubscription",
    "OutboxMessage",
    "Queue",
    "QueueAlert",
    "RoutingDecision",
    "SafeContact",
    "utcnow",
]
