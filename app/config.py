"""Settings from the environment, validated once; a bad value stops start-up in one line."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from limits import parse_many
from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.contact_points import normalise_phone, optional

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite:///{REPO_ROOT / 'instance' / 'frontdoor.sqlite3'}"


def _rate_limit(value: str) -> str:
    try:
        parse_many(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a rate limit such as '20/minute'") from None
    return value


RateLimit = Annotated[str, AfterValidator(_rate_limit)]


def origin_of(url: str) -> str:
    """scheme://host[:port] as browsers send it in Origin (default ports left out)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) origin")
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port not in (None, default) else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def _origins(value: object) -> tuple[str, ...]:
    """A comma-separated list (as the environment gives it) or a sequence of origins."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError("expected comma-separated origins")
    return tuple(origin_of(str(item)) for item in items if str(item).strip())


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable."""


class Settings(BaseSettings):
    """Everything frontdoor reads from its environment."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    env: Literal["development", "production", "test"] = Field(
        default="development", validation_alias="FRONTDOOR_ENV"
    )
    database_url: str = DEFAULT_SQLITE_URL
    redis_url: str | None = None
    public_base_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:5000")
    secret_key: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_hex(32)))

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from_number: Annotated[str | None, AfterValidator(optional(normalise_phone))] = None
    # Twilio's per-number limit: 1 segment a second from a long code, more from a short code.
    sms_segments_per_second: float = Field(default=1.0, gt=0, le=1000)
    # Another base URL for Twilio's REST API (a regional edge or proxy; tests use a local server).
    twilio_api_base: AnyHttpUrl | None = None
    # Calls are put through with <Enqueue workflowSid> to TaskRouter when set, else to a
    # Twilio queue named after our queue (or dialled, if queues.yaml gives a voice_number).
    twilio_workflow_sid: str | None = Field(default=None, pattern=r"^WW[0-9a-f]{32}$")
    ivr_flows_dir: Path = REPO_ROOT / "ivr_flows"
    ivr_flow: str = "council"  # the flow a call to the council's number starts in
    # An outbox row claimed this long ago by a worker that never finished is sent again.
    outbox_stale_claim_seconds: int = Field(default=120, ge=1)
    # A question the bot asked is forgotten after this long without a reply.
    conversation_idle_minutes: int = Field(default=30, ge=1)
    # How often the worker's relay sweep looks for rows Redis or a dead worker left behind.
    sweep_interval_seconds: int = Field(default=30, ge=1)

    nlu_backend: Literal["embedded", "rasa"] = "embedded"
    rasa_url: AnyHttpUrl | None = None
    rasa_timeout_seconds: float = Field(default=0.5, gt=0, le=10)
    nlu_cache_dir: Path = REPO_ROOT / "instance" / "nlu"

    routing_rules_dir: Path = REPO_ROOT / "routing_rules"
    bots_dir: Path = REPO_ROOT / "bots"
    case_reference_prefix: str = Field(default="WNC", pattern=r"^[A-Z]{2,6}$")
    timezone: str = "Europe/London"
    log_format: Literal["json", "console"] | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Rate limits, in the `limits` notation ("20/minute", "5/second;100/hour").
    chat_start_rate_limit: RateLimit = "30/minute"  # new conversations, per address
    chat_message_rate_limit: RateLimit = "20/minute"  # messages posted, per conversation
    # Every /api/ request (polls included) per address: room for a library's shared address.
    chat_address_rate_limit: RateLimit = "600/minute"
    # Per address, and all of Twilio comes from Twilio's addresses: a flood guard, far above
    # any real traffic, because a 429 to Twilio loses the resident's message.
    webhook_rate_limit: RateLimit = "10000/minute"
    # Origins, besides PUBLIC_BASE_URL's and the page's own, whose pages may call /api/.
    chat_allowed_origins: Annotated[tuple[str, ...], NoDecode, BeforeValidator(_origins)] = ()
    # Reverse proxies in front of us whose X-Forwarded-For/-Proto we trust (0: none).
    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)

    @field_validator("database_url")
    @classmethod
    def _database_url_parses(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a database URL ({exc})") from None
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError("only sqlite:// and postgresql:// are supported")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("routing_rules_dir", "bots_dir", "ivr_flows_dir")
    @classmethod
    def _is_directory(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(f"{value} is not a directory")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _production_needs_a_secret(self) -> Settings:
        # A random key per process would break chat tokens across gunicorn workers.
        if self.env == "production" and "secret_key" not in self.model_fields_set:
            raise ValueError("SECRET_KEY: must be set when FRONTDOOR_ENV=production")
        return self

    @model_validator(mode="after")
    def _rasa_needs_a_url(self) -> Settings:
        if self.nlu_backend == "rasa" and self.rasa_url is None:
            raise ValueError("RASA_URL: must be set when NLU_BACKEND=rasa")
        return self

    @property
    def uses_rq(self) -> bool:
        """True when background jobs go through Redis and rq, not inline."""
        return self.redis_url is not None

    @property
    def effective_log_format(self) -> Literal["json", "console"]:
        if self.log_format is not None:
            return self.log_format
        return "json" if self.env == "production" else "console"


def load_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """Read settings from the environment, with `overrides` taking precedence."""
    kwargs = {key.lower(): value for key, value in (overrides or {}).items()}
    if "frontdoor_env" in kwargs:
        kwargs["FRONTDOOR_ENV"] = kwargs.pop("frontdoor_env")
    try:
        return Settings(**kwargs)
    except ValidationError as exc:
        raise ConfigError(_one_line(exc)) from None


def _one_line(exc: ValidationError) -> str:
    first = exc.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    if not first["loc"]:
        return message  # a cross-field check names its own variable
    name = str(first["loc"][0]).upper()
    if name == "ENV":
        name = "FRONTDOOR_ENV"
    more = len(exc.errors()) - 1
    suffix = f" (and {more} more)" if more else ""
    return f"{name}: {message}{suffix}"
