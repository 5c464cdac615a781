"""What every page and endpoint gets, set up once: headers, allowed origins and rate limits.

create_app calls `secure(app, settings)`; blueprints add nothing of their own, so the staff
pages to come inherit the same policy by being registered.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable

import structlog
from flask import Flask, Response, jsonify, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from flask_talisman import Talisman  # type: ignore[import-untyped]
from redis.exceptions import RedisError
from werkzeug.exceptions import Forbidden
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Settings, origin_of

log = structlog.get_logger(__name__)

# One policy for every page: our own files only, no inline script or style, never framed.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = {
    "browsing-topics": "()",
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
}
_HSTS_SECONDS = 365 * 24 * 3600
# Short: a slow or unreachable Redis holds a request at most this long before the fallback.
_REDIS_TIMEOUTS: dict[str, str | int] = {"socket_connect_timeout": 1, "socket_timeout": 1}


def secure(app: Flask, settings: Settings) -> None:
    """Trust the configured proxies, then add headers, the origin check and the limits."""
    if settings.trusted_proxy_hops:
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    production = settings.env == "production"
    Talisman(
        app,
        # TLS ends at the proxy, and Twilio's signed URLs must be answered where they point.
        force_https=False,
        # Sent only on requests that came over HTTPS (or the proxy's X-Forwarded-Proto says so).
        strict_transport_security=production,
        strict_transport_security_max_age=_HSTS_SECONDS,
        session_cookie_secure=production,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
    )
    allowed = {origin_of(str(settings.public_base_url)), *settings.chat_allowed_origins}
    # Registered before the limiter, so a refused origin uses up nobody's allowance.
    app.before_request(_refuse_cross_site(allowed))
    limiter = _limiter(settings)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many_requests(limiter))


def _refuse_cross_site(allowed: set[str]) -> Callable[[], None]:
    """A hook refusing /api/ calls from another site's page (403, before anything is read)."""

    def check() -> None:
        if not request.path.startswith("/api/"):
            return
        offered = request.headers.get("Origin")
        if offered is None:
            return  # not a browser's cross-site call: a server-side client, or curl
        own = f"{request.scheme}://{request.host}".lower()
        if offered.lower() in allowed or offered.lower() == own:
            return
        log.warning("security.origin_refused", origin=offered[:200], path=request.path)
        raise Forbidden("this site may not call the chat API")

    return check


def _limiter(settings: Settings) -> Limiter:
    """Limits counted in Redis (memory with no REDIS_URL, or while Redis is unreachable)."""
    secret = settings.secret_key.get_secret_value().encode()

    def digest(kind: str, value: str) -> str:
        # Keyed hashes: Redis keys and flask-limiter's log lines carry no address or token.
        mac = hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256)
        return f"{kind}:{mac.hexdigest()[:32]}"

    def by_address() -> str:
        return digest("address", request.remote_addr or "unknown")

    def by_conversation() -> str:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return digest("token", token) if token else by_address()

    def unless(applies: Callable[[], bool]) -> Callable[[], bool]:
        return lambda: not applies()

    limits = [
        ApplicationLimit(
            settings.chat_start_rate_limit,
            key_function=by_address,
            scope="chat-start",
            exempt_when=unless(lambda: _is("POST", "/api/chat/start")),
        ),
        ApplicationLimit(
            settings.chat_message_rate_limit,
            key_function=by_conversation,
            scope="chat-message",
            exempt_when=unless(lambda: _is("POST", "/api/chat/messages")),
        ),
        ApplicationLimit(
            settings.chat_address_rate_limit,
            key_function=by_address,
            scope="api",
            exempt_when=unless(lambda: request.path.startswith("/api/")),
        ),
        ApplicationLimit(
            settings.webhook_rate_limit,
            key_function=by_address,
            scope="webhooks",
            exempt_when=unless(lambda: request.path.startswith("/webhooks/")),
        ),
    ]
    return Limiter(
        by_address,
        application_limits=list(limits),
        storage_uri=_storage_uri(settings.redis_url),
        storage_options=_REDIS_TIMEOUTS if settings.redis_url else {},
        strategy="sliding-window-counter",
        key_prefix="frontdoor-limits",
        # The resident's message matters more than the limit: a dead Redis counts in memory
        # (per process, retried with back-off) and any other storage failure lets it through.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )


def _is(method: str, path: str) -> bool:
    return request.method == method and request.path.rstrip("/") == path


def _storage_uri(redis_url: str | None) -> str:
    if redis_url is None:
        return "memory://"
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url.removeprefix("unix://")
    return redis_url


def _too_many_requests(limiter: Limiter) -> Callable[[RateLimitExceeded], Response]:
    """429 with Retry-After; the API's callers get the app's usual {"error": ...}."""

    def handle(exc: RateLimitExceeded) -> Response:
        wait = _seconds_to_reset(limiter, exc)
        log.warning("security.rate_limited", path=request.path, retry_after=wait)
        message = f"too many requests: try again in {wait} seconds"
        if request.path.startswith("/api/"):
            response = jsonify(error=message)
        else:
            response = Response(message + "\n", mimetype="text/plain")
        response.status_code = 429
        response.headers["Retry-After"] = str(wait)
        return response

    return handle


def _seconds_to_reset(limiter: Limiter, exc: RateLimitExceeded) -> int:
    window = int(exc.limit.limit.get_expiry())
    breached = limiter.current_limit
    if breached is None:
        return window
    try:
        return max(1, min(window, breached.reset_at - int(time.time())))
    except RedisError:
        return window
