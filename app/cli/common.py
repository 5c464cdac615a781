"""What the commands share: building the runtime with one-line errors."""

from __future__ import annotations

import click

from app.config import ConfigError, Settings, load_settings
from app.logging import configure_logging
from app.routing.yaml_source import DataFileError
from app.runtime import Runtime, build_runtime
from app.understanding.safety import SafetyLexiconError


def settings_or_exit() -> Settings:
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None
    configure_logging(settings)
    return settings


def runtime_or_exit(settings: Settings | None = None) -> Runtime:
    """The runtime, or a one-line error naming the setting or file:line at fault."""
    try:
        return build_runtime(settings or settings_or_exit())
    except (DataFileError, SafetyLexiconError) as exc:
        raise click.ClickException(str(exc)) from None
