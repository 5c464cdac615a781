"""Liveness and readiness for the council's monitoring."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.jobs.runner import RqJobRunner
from app.web import runtime

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def health() -> ResponseReturnValue:
    rt = runtime()
    checks: dict[str, str] = {}
    try:
        with rt.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError:
        checks["database"] = "unavailable"
    if isinstance(rt.jobs, RqJobRunner):
        try:
            rt.jobs.connection.ping()
            checks["redis"] = "ok"
        except RedisError:
            # Messages still land; the sweep relays them once Redis is back.
            checks["redis"] = "unavailable"
    else:
        checks["redis"] = "not used (inline jobs)"
    healthy = checks["database"] == "ok"
    return jsonify(status="ok" if healthy else "degraded", **checks), 200 if healthy else 503
