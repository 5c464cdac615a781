"""frontdoor: one front door for a council's residents, on every channel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app

from app.config import Settings, load_settings
from app.jobs.inline_sweep import start_inline_sweep
from app.logging import configure_logging
from app.runtime import Runtime, build_runtime


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app; `config` overrides environment settings (used by tests)."""
    settings: Settings = load_settings(config)
    configure_logging(settings)
    app = Flask(__name__, instance_relative_config=False)
    app.config["SECRET_KEY"] = settings.secret_key.get_secret_value()
    app.config["MAX_CONTENT_LENGTH"] = 1 * 1024 * 1024
    runtime: Runtime = build_runtime(settings)
    app.extensions["frontdoor"] = runtime
    app.extensions["frontdoor.sweep"] = start_inline_sweep(runtime)  # None when rq sweeps

    from app.web import register_blueprints

    register_blueprints(app)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)

    from app.web.security import secure

    secure(app, settings)
    return app


def _favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page links: the same SVG icon."""
    return current_app.send_static_file("favicon.svg")
