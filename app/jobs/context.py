"""The worker process's runtime, installed once by `frontdoor worker` before it forks."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.runtime import Runtime

_runtime: Runtime | None = None


def install(runtime: Runtime) -> None:
    global _runtime
    _runtime = runtime


def current_runtime() -> Runtime:
    """The installed runtime, or one built from the environment (a bare `rq worker`)."""
    global _runtime
    if _runtime is None:
        from app.config import load_settings
        from app.logging import configure_logging
        from app.runtime import build_runtime

        settings = load_settings()
        configure_logging(settings)
        _runtime = build_runtime(settings)
    return _runtime
