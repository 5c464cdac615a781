"""Benchmark: a normalised message to a recorded routing decision.

Three rows, measured in the same run so machine noise hits them alike:
  baseline   understand + decide in memory (what `frontdoor explain` does)
  sqlite     persist -> identify -> understand -> decide -> act -> commit, on SQLite
  postgresql the same on PostgreSQL, with the reply's send job enqueued on real Redis

Run: .venv/bin/python bench/pipeline_bench.py [--messages N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from redis import Redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import REPO_ROOT, load_settings
from app.db import session as db_session
from app.demo import seed
from app.explain import explain
from app.logging import configure_logging
from app.migrate import sync_queues, upgrade
from app.models import utcnow
from app.pipeline.handle import handle_message
from app.pipeline.ingest import ingest
from app.runtime import Runtime, build_runtime
from app.understanding.training_data import load_examples
from app.vocabulary import Channel
from tests.databases import temporary_postgres
from tests.factories import inbound

REDIS_URL = "redis://127.0.0.1:6379/14"


@dataclass(frozen=True)
class Stats:
    name: str
    count: int
    p50_ms: float
    p99_ms: float
    per_second: float


def sample_texts(count: int) -> list[str]:
    """Residents' words drawn from the training data, in a fixed order."""
    texts = [example.text for example in load_examples(REPO_ROOT / "bots")]
    rng = random.Random(20261122)
    return [rng.choice(texts) for _ in range(count)]


def measure(name: str, work: Callable[[int, str], object], texts: list[str]) -> Stats:
    for index, text in enumerate(texts[:20]):  # warm caches and connection pools
        work(-index - 1, text)
    timings = []
    started = time.perf_counter()
    for index, text in enumerate(texts):
        begin = time.perf_counter()
        work(index, text)
        timings.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(timings, n=100)
    return Stats(name, len(texts), quantiles[49] * 1000, quantiles[98] * 1000, len(texts) / elapsed)


def pipeline(rt: Runtime) -> Callable[[int, str], object]:
    def run(index: int, text: str) -> object:
        # A thousand residents, so identification sees new and returning numbers.
        phone = f"+4477009{abs(index) % 1000:05d}"
        message = inbound(text, thread=f"bench-{uuid.uuid4().hex}", from_phone=phone)
        return handle_message(rt, ingest(rt.engine, message).message_id)

    return run


def runtime_for(database_url: str) -> Runtime:
    settings = load_settings(
        {"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "LOG_LEVEL": "WARNING"}
    )
    configure_logging(settings)
    rt = build_runtime(settings)
    with db_session(rt.engine) as session:
        sync_queues(session, rt.queues)
        seed(session)
    return rt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    texts = sample_texts(args.messages)
    redis = Redis.from_url(REDIS_URL)
    redis.flushdb()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(sqlite_url)
        sqlite_rt = runtime_for(sqlite_url)
        now = utcnow()
        results.append(
            measure("baseline", lambda _i, t: explain(sqlite_rt, t, Channel.SMS, now), texts)
        )
        results.append(measure("sqlite", pipeline(sqlite_rt), texts))
        with temporary_postgres("frontdoor_bench") as pg_url:
            pg_rt = runtime_for(pg_url)
            results.append(measure("postgresql", pipeline(pg_rt), texts))
            pg_rt.engine.dispose()
    redis.flushdb()
    print(f"pipeline benchmark, {date.today()}, {args.messages} messages each, embedded NLU")
    print(f"{'':<12}{'p50 ms':>10}{'p99 ms':>10}{'msgs/s':>10}")
    for row in results:
        print(f"{row.name:<12}{row.p50_ms:>10.2f}{row.p99_ms:>10.2f}{row.per_second:>10.0f}")
    print(json.dumps([row.__dict__ for row in results]))


if __name__ == "__main__":
    main()
