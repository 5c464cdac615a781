"""HTTP: thin webhooks and the resident-facing chat page."""

from __future__ import annotations

import re
import uuid

import structlog
from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from app.runtime import Runtime


def runtime() -> Runtime:
    """This app's runtime."""
    rt: Runtime = current_app.extensions["frontdoor"]
    return rt


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _bind_request_id() -> None:
    """Every log line of a request carries its id (the proxy's X-Request-ID if sane)."""
    offered = request.headers.get("X-Request-ID", "")
    g.request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=g.request_id)


def _echo_request_id(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response


def _json_errors_for_the_api(exc: HTTPException) -> Response | HTTPException:
    """API callers get {"error": "..."}; pages keep Werkzeug's own error pages."""
    if not request.path.startswith("/api/"):
        return exc
    response = jsonify(error=exc.description)
    response.status_code = exc.code or 500
    # Keep what the error says beyond its body: Allow on a 405, Retry-After on a 429.
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _forget_request_id(_exc: BaseException | None) -> None:
    structlog.contextvars.clear_contextvars()


def register_blueprints(app: Flask) -> None:
    from app.web.chat import bp as chat
    from app.web.health import bp as health
    from app.web.openapi import bp as openapi
    from app.web.twilio import bp as twilio
    from app.web.voice import bp as voice

    app.before_request(_bind_request_id)
    app.after_request(_echo_request_id)
    app.teardown_request(_forget_request_id)
    app.register_error_handler(HTTPException, _json_errors_for_the_api)
    app.register_blueprint(health)
    app.register_blueprint(openapi)
    app.register_blueprint(chat)
    app.register_blueprint(twilio)
    app.register_blueprint(voice)
