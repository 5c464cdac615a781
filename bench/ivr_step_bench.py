"""Benchmark IVR step latency on loopback, against PostgreSQL, beside a bare endpoint.

Concurrent simulated callers each walk the complaint-status call through the signed voice
webhooks (dial, two menu choices, a keyed reference, a keyed phone number, a transfer), one
step every `--pace` seconds, so the offered rate is callers / pace. The bare endpoint answers
the same requests with a fixed Gather, measured in the same run with the same gunicorn.

A caller listens for several seconds between steps, so 20 callers at one step a second each is
already a busy contact centre's whole phone load; --pace 0.25 is four times that.

Run: .venv/bin/python bench/ivr_step_bench.py [--callers 20] [--pace 1.0] [--seconds 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.ivr.twiml_reader import read_twiml
from bench.sms_webhook_bench import PUBLIC, REPO, serve
from tests.databases import temporary_postgres
from tests.twilio_api import ACCOUNT_SID, AUTH_TOKEN

ANSWERS = [None, {"Digits": "2"}, {"Digits": "2"}, {"Digits": "204318"},
           {"Digits": "07700900555#"}]  # fmt: skip
ENTRY = f"{PUBLIC}/webhooks/twilio/voice"


def walk_calls(port: int, until: float, pace: float, latencies: list[float], lock: threading.Lock,
               errors: list[int]) -> None:  # fmt: skip
    """One caller: call after call until `until`, one step every `pace` seconds."""
    validator = RequestValidator(AUTH_TOKEN)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    next_at = time.perf_counter()
    while time.perf_counter() < until:
        sid, url = "CA" + uuid.uuid4().hex, ENTRY
        for answer in ANSWERS:
            form = {"CallSid": sid, "AccountSid": ACCOUNT_SID, "From": "+441604000111",
                    "To": "+441604837837", "CallStatus": "in-progress"}  # fmt: skip
            form.update(answer or {})
            body = urllib.parse.urlencode(form).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Twilio-Signature": validator.compute_signature(url, form)}  # fmt: skip
            delay = next_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            started = time.perf_counter()
            path = url.removeprefix(PUBLIC)
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                twiml = response.read().decode()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok, twiml = False, ""
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += 0 if ok else 1
            next_at += pace
            action = read_twiml(twiml).action if ok else None
            if action is None:
                break
            url = action


def measure(port: int, callers: int, pace: float, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors, lock = [0], threading.Lock()
    until = time.perf_counter() + seconds
    with ThreadPoolExecutor(max_workers=callers) as pool:
        for _ in range(callers):
            pool.submit(walk_calls, port, until, pace, latencies, lock, errors)
    cuts = statistics.quantiles(latencies, n=100)
    return {"p50_ms": round(cuts[49] * 1000, 2), "p99_ms": round(cuts[98] * 1000, 2),
            "steps": len(latencies), "steps_per_s": round(len(latencies) / seconds, 1),
            "errors": errors[0]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--callers", type=int, default=20)
    parser.add_argument("--pace", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with temporary_postgres("frontdoor_bench_ivr") as database_url:
        env = {"DATABASE_URL": database_url, "SECRET_KEY": "bench",
               "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
               "PUBLIC_BASE_URL": PUBLIC, "LOG_LEVEL": "WARNING",
               "FRONTDOOR_ENV": "production", "PYTHONPATH": str(REPO)}  # fmt: skip
        for name, app in (
            ("bare", "bench.bare_app:create_app()"),
            ("frontdoor", "app:create_app()"),
        ):
            process, port = serve(app, env)
            try:
                measure(port, args.callers, args.pace, 3)  # warm up
                results[name] = measure(port, args.callers, args.pace, args.seconds)
            finally:
                process.terminate()
                process.wait(timeout=30)
    offered = f"{args.callers} callers, a step every {args.pace}s each"
    print(f"IVR step benchmark {date.today()}: {offered}")
    for name, row in results.items():
        print(f"  {name:<10} p50 {row['p50_ms']:7.2f} ms  p99 {row['p99_ms']:7.2f} ms  "
              f"{row['steps_per_s']:6.1f} steps/s  errors {row['errors']:.0f}")  # fmt: skip
    ratio = results["frontdoor"]["p99_ms"] / results["bare"]["p99_ms"]
    print(f"  p99 ratio frontdoor/bare: {ratio:.2f}")
    print(json.dumps({"date": str(date.today()), **vars(args), **results}))


if __name__ == "__main__":
    main()
