"""structlog set-up: JSON in production, readable in development, personal data redacted."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from app.config import Settings
from app.contact_points import find_phone_numbers

REDACTED = "[redacted]"

# Keys whose values are personal data whatever they look like.
SENSITIVE_KEYS = frozenset(
    {
        "body",
        "text",
        "message",
        "from_",
        "from_address",
        "to",
        "to_address",
        "address",
        "phone",
        "email",
        "name",
        "postcode",
        "transcript",
        "speech",
        "reply",
    }
)

# Our own fields, never personal data: left as they are so logs stay searchable.
_OURS = frozenset({"event", "level", "timestamp", "logger", "rule", "outcome", "queue", "channel"})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_LONG_DIGITS = re.compile(r"\+?\d[\d\s-]{8,}\d")


def redact_text(value: str) -> str:
    """Mask emails, phone numbers and postcodes inside free text."""
    value = _EMAIL.sub(REDACTED, value)
    for start, end, _ in reversed(find_phone_numbers(value)):
        value = value[:start] + REDACTED + value[end:]
    value = _LONG_DIGITS.sub(REDACTED, value)
    return _POSTCODE.sub(REDACTED, value)


def redact_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: drop sensitive keys' values, scrub the rest."""
    for key, value in list(event_dict.items()):
        if key in SENSITIVE_KEYS and key != "event":
            event_dict[key] = REDACTED
        elif isinstance(value, str) and key not in _OURS and not key.endswith("_id"):
            event_dict[key] = redact_text(value)
    return event_dict


def _stderr_logger(*_args: Any) -> structlog.PrintLogger:
    # Looked up per logger, not at configure time, so redirected stderr is honoured.
    return structlog.PrintLogger(sys.stderr)


def configure_logging(settings: Settings) -> None:
    """Configure structlog and stdlib logging once per process."""
    renderer: structlog.typing.Processor
    if settings.effective_log_format == "json":
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    level = logging.getLevelNamesMapping()[settings.log_level]
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact_personal_data,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=level, stream=sys.stderr, format="%(message)s")
