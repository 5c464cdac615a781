"""Settings: defaults work with nothing set; a wrong value is one line naming the variable."""

from __future__ import annotations

import subprocess

import pytest

from app.config import ConfigError, load_settings
from tests.conftest import REPO


def test_embedded_defaults_need_nothing() -> None:
    settings = load_settings({})
    assert settings.database_url.startswith("sqlite:///")
    assert settings.uses_rq is False
    assert settings.case_reference_prefix == "WNC"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://localhost/frontdoor"),
        ("DATABASE_URL", "not a url"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("PUBLIC_BASE_URL", "not-a-url"),
        ("CASE_REFERENCE_PREFIX", "wnc-"),
        ("TIMEZONE", "Mars/Olympus"),
        ("ROUTING_RULES_DIR", "/nonexistent/rules"),
        ("FRONTDOOR_ENV", "staging"),
    ],
)
def test_a_wrong_value_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({name: value})
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and "\n" not in message


def test_the_cli_reports_a_bad_setting_in_one_line() -> None:
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "frontdoor"), "rules", "lint"],
        capture_output=True,
        text=True,
        env={"REDIS_URL": "http://nope", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "Error: configuration: REDIS_URL: must start with redis://, rediss:// or unix://"
    )


def test_production_refuses_a_random_secret_key() -> None:
    with pytest.raises(ConfigError, match=r"^SECRET_KEY: must be set"):
        load_settings({"FRONTDOOR_ENV": "production"})
    assert (
        load_settings({"FRONTDOOR_ENV": "production", "SECRET_KEY": "s3cret"}).env == "production"
    )
