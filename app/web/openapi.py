"""The JSON APIs' OpenAPI document: kept as YAML beside the views, served as JSON."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

bp = Blueprint("openapi", __name__)


@cache
def document() -> dict[str, Any]:
    """The parsed document; read once, on first use, not at import."""
    loaded: dict[str, Any] = yaml.safe_load(
        files("app.web").joinpath("openapi.yaml").read_text(encoding="utf-8")
    )
    return loaded


@bp.get("/api/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(document())
