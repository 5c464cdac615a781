"""HTTP: thin webhooks and the resident-facing chat page."""

from __future__ import annotations

from flask import Flask, current_app

from app.runtime import Runtime


def runtime() -> Runtime:
    """This app's runtime."""
    rt: Runtime = current_app.extensions["frontdoor"]
    return rt


def register_blueprints(app: Flask) -> None:
    from app.web.chat import bp as chat
    from app.web.health import bp as health

    app.register_blueprint(health)
    app.register_blueprint(chat)
