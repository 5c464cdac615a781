"""Logs never carry a resident's phone number, email, postcode or words."""

from __future__ import annotations

import json

import pytest
import structlog
from hypothesis import given
from hypothesis import strategies as st

from app.config import load_settings
from app.logging import REDACTED, configure_logging, redact_text


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
