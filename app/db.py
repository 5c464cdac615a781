"""Database engine and sessions, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlmodel import Session, create_engine

PING_IDLE_AFTER = 1.0  # seconds a pooled connection may sit unused before it is checked
_IDLE_SINCE = "frontdoor_idle_since"


def build_engine(database_url: str, ping_idle_after: float = PING_IDLE_AFTER) -> Engine:
    """An engine for `database_url`; SQLite gets foreign keys, WAL and a busy timeout.

    PostgreSQL connections are checked before use only once they have sat idle for
    `ping_idle_after` seconds (see `_ping_when_idle`). Statement parameters are hidden from
    error text: they are residents' words, names and numbers, and errors get logged.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url, pool_size=10, max_overflow=10, hide_parameters=True)
    _ping_when_idle(engine, ping_idle_after)
    return engine


def _ping_when_idle(engine: Engine, after: float) -> None:
    """Check a pooled connection before lending it out, but only if it has sat idle.

    SQLAlchemy's pool_pre_ping checks every checkout: a round trip on every request, and on a
    call a fifth of each step's. A connection that answered a moment ago is alive unless the
    server went down in that moment, and then the request fails and the pool discards every
    older connection. One left idle (a server restart, an idle timeout, a dropped socket) is
    pinged and, if dead, replaced before anyone sees it.
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(
        dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < after:
            return  # just connected, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool discards this connection and checks out another (a fresh one if need be).
            raise DisconnectionError("a pooled connection had gone while idle") from exc


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def session(engine: Engine) -> Session:
    """A session whose objects stay readable after commit."""
    return Session(engine, expire_on_commit=False)


def upsert_insert(session: Session) -> Callable[[Table], postgresql.Insert | sqlite.Insert]:
    """The session's dialect's INSERT, the one with ON CONFLICT (both dialects have it)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert
