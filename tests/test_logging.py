"""Logs never carry a resident's phone number, email, postcode or words."""

from __future__ import annotations

import json
import logging
import logging.config
import time

import pytest
import structlog
from hypothesis import given
from hypothesis import strategies as st

from app.config import load_settings
from app.logging import REDACTED, configure_logging, gunicorn_logconfig, redact_text


@pytest.fixture
def json_logs() -> None:
    configure_logging(load_settings({"LOG_FORMAT": "json"}))


def test_sensitive_keys_are_dropped_and_free_text_is_scrubbed(
    json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    log = structlog.get_logger("test")
    with structlog.contextvars.bound_contextvars(message_id=42):
        log.info(
            "message.received",
            body="my partner hits me, call me on 07700 900123",
            from_address="+447700900123",
            note="reach jo.bloggs@example.com or 01604 837 837 at NN1 1AA",
            case_id=7,
            request_id="aeb7d5012345678901b79cc4248d38be",
        )
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["body"] == REDACTED and line["from_address"] == REDACTED
    assert (
        "example.com" not in line["note"]
        and "837" not in line["note"]
        and "NN1" not in line["note"]
    )
    assert line["message_id"] == 42 and line["case_id"] == 7 and line["event"] == "message.received"
    assert line["request_id"] == "aeb7d5012345678901b79cc4248d38be"


def test_exceptions_are_scrubbed_too(json_logs: None, capsys: pytest.CaptureFixture[str]) -> None:
    log = structlog.get_logger("test")
    try:
        raise ValueError("duplicate key for +447700900123")
    except ValueError:
        log.exception("job.failed")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert "+447700900123" not in line["exception"]


@given(st.from_regex(r"07700 ?9\d{5}", fullmatch=True))
def test_any_uk_mobile_is_redacted(number: str) -> None:
    assert number not in redact_text(f"ring me on {number} please")


@pytest.mark.parametrize(
    "token",
    ["a" * 200_000, "1" * 200_000, "a." * 100_000 + "@", "x@" * 100_000, "NN1" + " " * 200_000],
    ids=["letters", "digits", "dotted", "ats", "spaces"],
)
def test_redaction_is_linear_on_one_long_token(token: str) -> None:
    started = time.perf_counter()
    redact_text(token)
    assert time.perf_counter() - started < 1.0


def test_a_long_value_is_cut_in_the_middle_before_it_is_scrubbed() -> None:
    value = "start " + "word " * 50_000 + "07700 900123 end"
    cut = redact_text(value, 4096)
    assert len(cut) < 4200 and "characters cut" in cut
    assert cut.startswith("start ") and cut.endswith(f"{REDACTED} end")


def test_database_error_context_is_scrubbed() -> None:
    error = (
        "(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint\n"
        "DETAIL:  Key (name)=(Jo\nBloggs) already exists.\n"
        "[SQL: INSERT INTO customer (name) VALUES (%(name)s)]\n"
        "[parameters: {'name': 'Jo Bloggs'}]\n"
        "(Background on this error at: https://sqlalche.me/e/21/gkpj)\n"
        'invalid input syntax for type integer: "Jo Bloggs"\n'
        "CONTEXT:  unnamed portal parameter $1 = 'Jo Bloggs'\n"
        'Key (name)=(Jo Bloggs) is not present in table "customer".\n'
        "Failing row contains (1, Jo Bloggs)."
    )
    scrubbed = redact_text(error)
    assert "Jo" not in scrubbed and "Bloggs" not in scrubbed
    assert "UniqueViolation" in scrubbed and "[SQL: INSERT INTO customer" in scrubbed


def test_stdlib_loggers_are_rendered_and_redacted(
    json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        raise ValueError("no such resident jo.bloggs@example.com")
    except ValueError:
        logging.getLogger("werkzeug").exception("request from %s failed", "07700 900123")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["logger"] == "werkzeug" and line["level"] == "error"
    assert "900123" not in line["event"] and "request from" in line["event"]
    assert "example.com" not in line["exception"] and "ValueError" in line["exception"]


def test_gunicorns_logs_use_the_redacting_formatter() -> None:
    config = gunicorn_logconfig(access_log=True)
    logging.config.dictConfig(config)
    try:
        access = logging.getLogger("gunicorn.access").handlers[0]
        assert isinstance(access.formatter, structlog.stdlib.ProcessorFormatter)
        assert logging.getLogger("gunicorn.error").propagate
    finally:
        configure_logging(load_settings({"LOG_FORMAT": "json"}))


def test_an_address_straight_after_another_is_redacted_too() -> None:
    for joined in ("write to a@b.com+jo.bloggs@example.org", "a@b.com..jo@example.org"):
        scrubbed = redact_text(joined)
        assert "jo.bloggs" not in scrubbed and "example.org" not in scrubbed, scrubbed
