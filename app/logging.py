"""Logging set-up: JSON in production, readable in development, personal data redacted.

One redaction covers every logger in every process. structlog's own events go through
`redact_personal_data`; stdlib records (Flask, werkzeug, gunicorn, rq, SQLAlchemy, psycopg)
are rendered by `stdlib_formatter`, which runs the same processors, so their messages,
exception text and tracebacks are scrubbed the same way.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from types import TracebackType
from typing import Any, Literal, TextIO

import structlog

from app.config import ConfigError, Settings, load_settings
from app.contact_points import find_phone_numbers
from app.understanding.text import email_spans

REDACTED = "[redacted]"
# How much of one value is scrubbed and kept; the middle of anything longer is cut.
MAX_VALUE_CHARS = 4096
# Tracebacks (and stdlib messages carrying one, as rq's do) keep more for debugging.
MAX_TRACE_CHARS = 65536

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
_TRACE_KEYS = frozenset({"exception", "stack"})

# Every pattern is linear on long input: the email's local part may only start where a run of
# its characters starts (the look-behind), so a long token is walked once, not once per offset.
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s{0,3}\d[A-Z]{2}\b", re.IGNORECASE)
_LONG_DIGITS = re.compile(r"\+?\d[\d\s-]{8,40}\d")

# Database error text that echoes a row's values (psycopg and SQLAlchemy), in case any
# reaches a log despite the engine's hide_parameters.
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
_KEY_VALUES = re.compile(r"\bKey \(([^)\n]{0,200})\)=\([^\n]*")
_FAILING_ROW = re.compile(r"\bFailing row contains \([^\n]*")
_VALUE_AFTER_COLON = re.compile(
    r"\b((?:invalid input (?:syntax|value)|malformed [\w ]{1,40} literal|out of range)"
    r"[^:\n]{0,80}): [^\n]*"
)
_QUOTED_OUT_OF_RANGE = re.compile(r'\bvalue "[^"\n]{0,4096}" is out of range')
# DETAIL and CONTEXT lines can span lines (a row value with a newline): drop everything up to
# the next line that starts one of these.
_DB_CONTEXT_HEADS = ("DETAIL:", "CONTEXT:")
_DB_CONTEXT_ENDS = (
    "DETAIL:",
    "CONTEXT:",
    "HINT:",
    "STATEMENT:",
    "[SQL:",
    "[SQL parameters",
    "[parameters:",
    "(Background on this error",
    "Traceback (most recent call last)",
    "The above exception",
    "During handling of",
    'File "',
)


def _scrub_database_context(value: str) -> str:
    """Replace psycopg's DETAIL and CONTEXT lines, and their continuations, with REDACTED."""
    if "DETAIL:" not in value and "CONTEXT:" not in value:
        return value
    kept: list[str] = []
    skipping = False
    for line in value.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(_DB_CONTEXT_HEADS):
            head = stripped.split(":", 1)[0]
            kept.append(f"{line[: len(line) - len(stripped)]}{head}:  {REDACTED}")
            skipping = True
        elif skipping and stripped and not stripped.startswith(_DB_CONTEXT_ENDS):
            continue
        else:
            skipping = False
            kept.append(line)
    return "\n".join(kept)


def _cap(value: str, limit: int) -> str:
    """`value`, or its head and tail with the middle cut, cut at whitespace near the edges."""
    if len(value) <= limit:
        return value
    half = limit // 2
    head_end = value.rfind(" ", half - 64, half)
    tail_start = value.find(" ", len(value) - half, len(value) - half + 64)
    head = value[: head_end if head_end > 0 else half]
    tail = value[tail_start if tail_start > 0 else len(value) - half :]
    return f"{head} [{len(value) - len(head) - len(tail)} characters cut] {tail}"


def redact_text(value: str, limit: int | None = None) -> str:
    """Mask emails, phone numbers, postcodes and database row values inside free text.

    With `limit`, text longer than that is cut in the middle first, so a huge value costs
    little to scrub and little to store.
    """
    value = _scrub_database_context(value)
    if limit is not None:
        value = _cap(value, limit)
    value = _SQL_PARAMETERS.sub(f"[parameters: {REDACTED}]", value)
    value = _KEY_VALUES.sub(rf"Key (\1)={REDACTED}", value)
    value = _FAILING_ROW.sub(f"Failing row contains {REDACTED}", value)
    value = _VALUE_AFTER_COLON.sub(rf"\1: {REDACTED}", value)
    value = _QUOTED_OUT_OF_RANGE.sub(f"value {REDACTED} is out of range", value)
    # Every address, even one straight after another (the understanding's own linear search).
    for start, end in reversed(list(email_spans(value))):
        value = value[:start] + REDACTED + value[end:]
    # The plain pattern first: it is cheap, and leaves the phone number matcher less to try.
    value = _LONG_DIGITS.sub(REDACTED, value)
    for start, end, _ in reversed(find_phone_numbers(value)):
        value = value[:start] + REDACTED + value[end:]
    return _POSTCODE.sub(REDACTED, value)


def _redact_value(key: str, value: Any, limit: int) -> Any:
    """One value of an event: sensitive keys dropped, text scrubbed, containers walked."""
    if key in SENSITIVE_KEYS:
        return REDACTED
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redact_text(value, limit)
    if isinstance(value, Mapping):
        return {str(k): _redact_value(str(k), v, limit) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_value("", item, limit) for item in value]
    # Anything else is rendered by its repr (an exception's carries its message): scrub that.
    return redact_text(repr(value), limit)


def redact_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: drop sensitive keys' values, scrub the rest."""
    for key, value in list(event_dict.items()):
        if key in _OURS or key.endswith("_id"):
            continue
        limit = MAX_TRACE_CHARS if key in _TRACE_KEYS else MAX_VALUE_CHARS
        event_dict[key] = _redact_value(key, value, limit)
    return event_dict


def _redact_foreign_event(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A stdlib record's message is free text (rq's carries a whole traceback), not our name."""
    event = event_dict.get("event")
    if isinstance(event, str):
        event_dict["event"] = redact_text(event, MAX_TRACE_CHARS)
    return event_dict


def _renderer(log_format: Literal["json", "console"]) -> structlog.typing.Processor:
    if log_format == "json":
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())


def stdlib_formatter(log_format: Literal["json", "console"]) -> logging.Formatter:
    """A formatter for stdlib handlers that renders and redacts as structlog does.

    Named in gunicorn's logconfig_dict, so gunicorn's own logs are rendered by it too.
    """
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact_foreign_event,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            redact_personal_data,
            _renderer(log_format),
        ],
    )


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is when a record comes, so redirected stderr is honoured."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def _stderr_logger(*_args: Any) -> structlog.PrintLogger:
    # Looked up per logger, not at configure time, so redirected stderr is honoured.
    return structlog.PrintLogger(sys.stderr)


def _log_uncaught(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """sys.excepthook: a crash's traceback goes through the redacting handler too."""
    logging.getLogger("frontdoor.uncaught").critical(
        "uncaught exception", exc_info=(exc_type, exc, tb)
    )


def configure_logging(settings: Settings) -> None:
    """Configure structlog and stdlib logging, redacted alike; safe to call again."""
    level = logging.getLevelNamesMapping()[settings.log_level]
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            redact_personal_data,
            _renderer(settings.effective_log_format),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    formatter = stdlib_formatter(settings.effective_log_format)
    root = logging.getLogger()
    for handler in list(root.handlers):
        # Ours from an earlier call, or an unredacted one from logging.basicConfig.
        if isinstance(handler, StderrHandler) or type(handler) is logging.StreamHandler:
            root.removeHandler(handler)
    handler = StderrHandler()
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(level)
    # Handlers a library set up before us (rq's, gunicorn's) render through the same formatter.
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            for other in logger.handlers:
                if isinstance(other, logging.StreamHandler) and not isinstance(
                    other.formatter, structlog.stdlib.ProcessorFormatter
                ):
                    other.setFormatter(formatter)
    sys.excepthook = _log_uncaught


def gunicorn_logconfig(access_log: bool) -> dict[str, Any]:
    """gunicorn's logconfig_dict: its error log through the root handler, the access log on
    stdout, both rendered and redacted by `stdlib_formatter`."""
    try:
        settings = load_settings()
        log_format, level = settings.effective_log_format, settings.log_level
    except ConfigError:
        # The app reports the setting at fault when it starts; log safely until then.
        log_format, level = "json", "INFO"
    formatter = {"()": "app.logging.stdlib_formatter", "log_format": log_format}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"redacted": formatter},
        "handlers": {
            "stderr": {"class": "app.logging.StderrHandler", "formatter": "redacted"},
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "redacted",
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {
                "level": "INFO",
                "handlers": ["access"] if access_log else [],
                "propagate": False,
            },
        },
    }
