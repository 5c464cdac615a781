"""Benchmark the signed SMS webhook on loopback, against PostgreSQL, at a fixed offered rate.

Two servers, each gunicorn with the production settings (app/gunicorn_conf.py), measured in
the same run:
  bare       a Flask endpoint returning the same empty TwiML (bench/bare_app.py)
  frontdoor  POST /webhooks/twilio/sms: signature check, self-service forecast, the message
             stored and announced to the workers' relay in one statement on PostgreSQL

The load is open-loop: requests are sent on a fixed schedule (200/s by default) and latency is
measured from each request's scheduled time, so a slow server cannot hide its queueing. Every
request is a distinct message, signed as Twilio signs it.

The two servers run side by side and the rounds alternate between them, so both meet the same
noisy machine; each figure is the median over the rounds, with the spread of p99 shown.

Run: .venv/bin/python bench/sms_webhook_bench.py [--rate 200] [--seconds 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from redis import Redis
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server_cpu import cpu_seconds
from tests.databases import temporary_postgres
from tests.twilio_api import ACCOUNT_SID, AUTH_TOKEN

REPO = Path(__file__).resolve().parent.parent
PUBLIC = "https://frontdoor.example.gov.uk"
PATH = "/webhooks/twilio/sms"
REDIS_URL = "redis://127.0.0.1:6379/14"
SERVERS = {"bare": "bench.bare_app:create_app()", "frontdoor": "app:create_app()"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(
    app: str, env: dict[str, str], checkout: Path = REPO
) -> tuple[subprocess.Popen[bytes], int]:
    """`app` under gunicorn from `checkout` (this one unless comparing versions)."""
    port = free_port()
    # The production settings (app/gunicorn_conf.py), minus access logs.
    command = [str(REPO / ".venv" / "bin" / "gunicorn"), "-c", "python:app.gunicorn_conf",
               "--bind", f"127.0.0.1:{port}", app]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=checkout,
        env=os.environ | env | {"WEB_ACCESS_LOG": "", "PYTHONPATH": str(checkout)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app} did not start")


def signed_bodies(count: int) -> list[tuple[bytes, str]]:
    validator = RequestValidator(AUTH_TOKEN)
    bodies = []
    for i in range(count):
        form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": ACCOUNT_SID,
                "From": f"+4477009{i % 1000:05d}", "To": "+447700900000",
                "Body": "my bin wasnt collected again", "NumMedia": "0"}  # fmt: skip
        signature = validator.compute_signature(PUBLIC + PATH, form)
        bodies.append((urllib.parse.urlencode(form).encode(), signature))
    return bodies


def load(port: int, bodies: list[tuple[bytes, str]], rate: float) -> dict[str, float]:
    """Open-loop load; latency from the scheduled send time."""
    local = threading.local()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def one(scheduled: float, body: bytes, signature: str) -> None:
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        }
        try:
            local.connection.request("POST", PATH, body=body, headers=headers)
            response = local.connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            ok = False
        finished = time.perf_counter()
        with lock:
            latencies.append(finished - scheduled)
            errors[0] += 0 if ok else 1

    start = time.perf_counter() + 0.5
    with ThreadPoolExecutor(max_workers=64) as pool:
        for i, (body, signature) in enumerate(bodies):
            pool.submit(one, start + i / rate, body, signature)
    elapsed = max(latencies) + len(bodies) / rate
    cuts = statistics.quantiles(latencies, n=100)
    return {"p50_ms": round(cuts[49] * 1000, 2), "p99_ms": round(cuts[98] * 1000, 2),
            "req_per_s": round(len(bodies) / elapsed, 1), "errors": errors[0],
            "sent": len(bodies)}  # fmt: skip


def median_of_rounds(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the rounds, with the spread of p99 and every error counted."""
    summary = {key: round(statistics.median(r[key] for r in rounds), 3) for key in rounds[0]}
    p99s = [r["p99_ms"] for r in rounds]
    summary |= {"p99_min_ms": min(p99s), "p99_max_ms": max(p99s),
                "errors": sum(r["errors"] for r in rounds), "rounds": len(rounds)}  # fmt: skip
    return summary


@dataclass(frozen=True)
class Server:
    port: int
    pid: int

    def costed(self, run: Callable[[], dict[str, float]]) -> dict[str, float]:
        """`run`'s figures plus the server's CPU milliseconds per request it was sent."""
        before = cpu_seconds(self.pid)
        figures = run()
        spent = cpu_seconds(self.pid) - before
        return figures | {"cpu_ms_per_request": round(spent * 1000 / figures["sent"], 3)}


@contextmanager
def both_servers(env: dict[str, str]) -> Iterator[dict[str, Server]]:
    """The bare endpoint and frontdoor, side by side for the whole run."""
    with ExitStack() as stack:
        servers = {}
        for name, app in SERVERS.items():
            process, port = serve(app, env)
            stack.callback(process.wait, 30)
            stack.callback(process.terminate)
            servers[name] = Server(port, process.pid)
        yield servers


def print_costs(results: dict[str, dict[str, float]]) -> None:
    """Both readings of "n times the bare endpoint's cost": tail latency, and CPU per request."""
    bare, ours = results["bare"], results["frontdoor"]
    print(f"  p99 ratio frontdoor/bare: {ours['p99_ms'] / bare['p99_ms']:.2f}")
    print(f"  CPU per request: bare {bare['cpu_ms_per_request']:.2f} ms, frontdoor "
          f"{ours['cpu_ms_per_request']:.2f} ms, ratio "
          f"{ours['cpu_ms_per_request'] / bare['cpu_ms_per_request']:.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    count = int(args.rate * args.seconds)
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in SERVERS}
    Redis.from_url(REDIS_URL).flushdb()
    with temporary_postgres("frontdoor_bench_sms") as database_url:
        env = {"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "SECRET_KEY": "bench",
               "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
               "TWILIO_FROM_NUMBER": "+447700900000", "PUBLIC_BASE_URL": PUBLIC,
               "LOG_LEVEL": "WARNING", "FRONTDOOR_ENV": "production"}  # fmt: skip
        with both_servers(env) as servers:
            for server in servers.values():
                load(server.port, signed_bodies(200), args.rate)  # warm up
            for _ in range(args.rounds):  # interleaved, so both see the same noisy machine
                for name, server in servers.items():
                    bodies = signed_bodies(count)
                    run = partial(load, server.port, bodies, args.rate)
                    rounds[name].append(server.costed(run))
    Redis.from_url(REDIS_URL).flushdb()
    results = {name: median_of_rounds(measured) for name, measured in rounds.items()}
    offered = f"{count} signed requests at {args.rate:.0f}/s offered, {args.rounds} rounds"
    print(f"SMS webhook benchmark {date.today()}: {offered} (medians of the rounds)")
    for name, row in results.items():
        print(f"  {name:<10} p50 {row['p50_ms']:7.2f} ms  p99 {row['p99_ms']:7.2f} ms "
              f"(rounds {row['p99_min_ms']:.2f}-{row['p99_max_ms']:.2f})  "
              f"{row['req_per_s']:6.1f} req/s  errors {row['errors']:.0f}")  # fmt: skip
    print_costs(results)
    print(json.dumps({"date": str(date.today()), "rate": args.rate, **results}))


if __name__ == "__main__":
    main()
