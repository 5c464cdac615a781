"""Pooled PostgreSQL connections: checked after sitting idle, not on every request."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from app.db import build_engine


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        pid: int = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return pid


def _terminate(pg_url: str, pid: int) -> None:
    """What a server restart or an idle timeout does to a pooled connection."""
    dsn = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))  # waits until gone


def test_a_connection_that_died_while_idle_is_replaced_before_anyone_uses_it(pg_url: str) -> None:
    engine = build_engine(pg_url, ping_idle_after=0.2)
    dead = _backend_pid(engine)
    _terminate(pg_url, dead)
    time.sleep(0.3)
    assert _backend_pid(engine) != dead  # no error: the ping found it gone and it was replaced
    engine.dispose()


def test_a_connection_used_a_moment_ago_is_lent_without_a_ping(pg_url: str) -> None:
    """The trade: a server gone within the idle window fails that one request, and the pool
    then drops every older connection, so the next request gets a fresh one."""
    engine = build_engine(pg_url, ping_idle_after=60)
    dead = _backend_pid(engine)
    _terminate(pg_url, dead)
    with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert failed.value.connection_invalidated
    assert _backend_pid(engine) != dead
    engine.dispose()
