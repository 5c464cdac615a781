"""Shared fixtures: a fresh PostgreSQL database and Redis db per run, plus SQLite.

Every test leaves the database empty behind it, so no test depends on another.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from redis import Redis
from sqlalchemy import text
from sqlmodel import Session, SQLModel

import app.models  # noqa: F401 - registers the tables truncated below
from app import create_app
from app.config import load_settings
from app.db import build_engine
from app.logging import configure_logging
from app.migrate import upgrade
from app.runtime import Runtime, build_runtime
from tests.databases import temporary_postgres
from tests.hypothesis_profiles import load_profile
from tests.ivr.phone import TUESDAY_MORNING, TUESDAY_NIGHT, Server, council_line

REDIS_BASE = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
load_profile()


@pytest.fixture(autouse=True)
def _json_logs() -> None:
    """Logs as production writes them: JSON on stderr, redacted."""
    configure_logging(load_settings({"LOG_FORMAT": "json"}))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of our own for this run, migrated to head, dropped afterwards."""
    with temporary_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'frontdoor.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def _redis_db() -> Iterator[str]:
    """A Redis db no other test run on this machine holds: claimed in db 0, freed at the end.

    Two runs at once (a developer's and CI's) must never flush each other's queues.
    """
    claims = Redis.from_url(f"{REDIS_BASE}/0")
    for db in random.sample(range(1, 16), 15):
        claim = f"frontdoor-test:redis-db:{db}"
        if claims.set(claim, os.getpid(), nx=True, ex=2 * 3600):
            break
    else:
        raise RuntimeError("every Redis db 1-15 is claimed by another test run")
    url = f"{REDIS_BASE}/{db}"
    try:
        yield url
    finally:
        Redis.from_url(url).flushdb()
        claims.delete(claim)


@pytest.fixture
def redis_url(_redis_db: str) -> str:
    """A Redis db of our own for this run, empty at the start of each test.

    Databases restart their ids per test, so keys naming a message id must not carry over.
    """
    Redis.from_url(_redis_db).flushdb()
    return _redis_db


def _empty(url: str) -> None:
    engine = build_engine(url)
    tables = [table.name for table in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608
    engine.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each test using this runs on PostgreSQL and on SQLite."""
    fixture = "postgres_url" if request.param == "postgresql" else "sqlite_url"
    url: str = request.getfixturevalue(fixture)
    yield url
    _empty(url)


@pytest.fixture
def pg_url(postgres_url: str) -> Iterator[str]:
    """PostgreSQL only (workers, concurrency)."""
    yield postgres_url
    _empty(postgres_url)


@pytest.fixture
def line_open(pg_url: str) -> Iterator[Server]:
    """The council's number on a live server, on a Tuesday morning."""
    with council_line(pg_url, TUESDAY_MORNING) as running:
        yield running


@pytest.fixture
def line_closed(pg_url: str) -> Iterator[Server]:
    """The council's number on a live server, on a Tuesday night."""
    with council_line(pg_url, TUESDAY_NIGHT) as running:
        yield running


@pytest.fixture
def settings_for(database_url: str) -> Callable[..., dict[str, Any]]:
    def build(**overrides: Any) -> dict[str, Any]:
        base: dict[str, Any] = {
            "DATABASE_URL": database_url,
            "REDIS_URL": None,
            "FRONTDOOR_ENV": "test",
            "SECRET_KEY": "test-secret-key",
            "LOG_FORMAT": "json",
        }
        return base | overrides

    return build


@pytest.fixture
def rt(settings_for: Callable[..., dict[str, Any]]) -> Iterator[Runtime]:
    """The runtime with inline jobs on the parametrised database."""
    runtime = build_runtime(load_settings(settings_for()))
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def flask_app(settings_for: Callable[..., dict[str, Any]]) -> Iterator[Flask]:
    application = create_app(settings_for())
    yield application
    application.extensions["frontdoor"].engine.dispose()


@pytest.fixture
def session(rt: Runtime) -> Iterator[Session]:
    with Session(rt.engine, expire_on_commit=False) as db_session:
        yield db_session


REPO = Path(__file__).resolve().parent.parent
