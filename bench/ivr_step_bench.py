"""Benchmark IVR step latency on loopback, against PostgreSQL, beside a bare endpoint.

Simulated callers ring the strategy's complaint line through the signed voice webhooks, a step
every `--pace` seconds on average. Half the calls (at random, the same for both servers) are
from residents whose complaint is on record: they key its reference from the phone it was
raised from, hear where it is, ask for a text when it moves and hang up (six steps). The rest
key a reference we cannot find and are put through to an advisor, a case and a handoff packet
written on the way (five steps). Transfer steps are reported on their own as well, so the
heaviest step is never hidden in the mix. The servers' lines are staffed around the clock (a
copy of routing_rules with every day's hours opened), so a run after closing time measures the
same calls rather than the out-of-hours menu.

Calls start at random moments across one call's length, as real calls do, and only steps after
that ramp are counted. The gap before each step varies (by --spread, half the pace either way
by default), as a caller's listening and keying do. With fixed gaps every caller keeps the
phase it started with, so two who happened to start a few milliseconds apart collide on every
step of the run, and the p99 is set by that one draw of start times (runs before 2026-11-23
evening used fixed gaps; --spread 0 repeats them).

The bare endpoint answers the same requests with a fixed Gather, with the same gunicorn
settings; the rounds alternate between the two servers, and each figure is the median over the
rounds.

A caller listens for several seconds between steps, so 20 callers at one step a second each is
already a busy contact centre's whole phone load; --pace 0.25 is four times that.

Run: .venv/bin/python bench/ivr_step_bench.py [--callers 20] [--pace 1.0] [--spread 0.5]
     [--seconds 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory

import yaml
from sqlmodel import Session
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from app.ivr.twiml_reader import read_twiml
from app.lifecycle.types import CALENDAR_FILE, WEEKDAYS
from app.models import Customer
from app.runtime import Runtime
from bench.sms_webhook_bench import (
    PUBLIC,
    REPO,
    Server,
    both_servers,
    median_of_rounds,
    print_costs,
)
from tests.databases import temporary_postgres
from tests.factories import open_test_case
from tests.twilio_api import ACCOUNT_SID, AUTH_TOKEN

ENTRY = f"{PUBLIC}/webhooks/twilio/voice"
COMPLAINTS = 50
UNKNOWN_REFERENCE = "999999"  # references are drawn from 100000-999999; seeded ones are not this
Answers = list[dict[str, str] | None]


@dataclass(frozen=True)
class Complaint:
    digits: str
    raised_from: str


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    steps: list[float] = field(default_factory=list)
    transfers: list[float] = field(default_factory=list)
    errors: int = 0
    sent: int = 0  # every step, the ramp's too

    def count_sent(self) -> None:
        with self.lock:
            self.sent += 1

    def add(self, seconds: float, ok: bool, transferred: bool) -> None:
        with self.lock:
            self.steps.append(seconds)
            if transferred:
                self.transfers.append(seconds)
            self.errors += 0 if ok else 1


def self_served(complaint: Complaint) -> tuple[str, Answers]:
    """Existing complaint, an update, the reference; then yes to a text, and goodbye."""
    keys = [None, "2", "2", complaint.digits, "1", "2"]
    return complaint.raised_from, [None if k is None else {"Digits": k} for k in keys]


def transferred() -> tuple[str, Answers]:
    """A reference we cannot find, then a phone number; an advisor takes it from there."""
    keys = [None, "2", "2", UNKNOWN_REFERENCE, "07700900555#"]
    return "+441604000111", [None if k is None else {"Digits": k} for k in keys]


def calls(complaints: list[Complaint], seed: int) -> Iterator[tuple[str, Answers]]:
    chooser = random.Random(seed)
    while True:
        yield self_served(chooser.choice(complaints)) if chooser.random() < 0.5 else transferred()


def walk_calls(port: int, script: Iterator[tuple[str, Answers]], gaps: Iterator[float],
               first_at: float, counted_from: float, until: float,
               tally: Tally) -> None:  # fmt: skip
    """One line: call after call until `until`, each step `next(gaps)` seconds after the last."""
    validator = RequestValidator(AUTH_TOKEN)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    next_at = first_at
    while next_at < until:
        caller, answers = next(script)
        sid, url = "CA" + uuid.uuid4().hex, ENTRY
        for answer in answers:
            form = {"CallSid": sid, "AccountSid": ACCOUNT_SID, "From": caller,
                    "To": "+441604837837", "CallStatus": "in-progress"}  # fmt: skip
            form.update(answer or {})
            body = urllib.parse.urlencode(form).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Twilio-Signature": validator.compute_signature(url, form)}  # fmt: skip
            delay = next_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            started = time.perf_counter()
            try:
                connection.request("POST", url.removeprefix(PUBLIC), body=body, headers=headers)
                response = connection.getresponse()
                twiml = response.read().decode()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok, twiml = False, ""
            took = time.perf_counter() - started
            tally.count_sent()
            heard = read_twiml(twiml) if ok else None
            if started >= counted_from:
                ends = heard.ends if heard is not None else None
                tally.add(took, ok, transferred=bool(ends and ends.startswith(("enqueue", "dial"))))
            next_at += next(gaps)
            if heard is None or heard.action is None:
                break
            url = heard.action


def percentiles(seconds: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(seconds, n=100)
    return {"p50_ms": round(cuts[49] * 1000, 2), "p99_ms": round(cuts[98] * 1000, 2)}


def step_gaps(pace: float, spread: float, seed: int) -> Iterator[float]:
    """Seconds between one caller's steps: `pace` on average, `spread` of it either way."""
    rhythm = random.Random(seed)
    while True:
        yield pace * rhythm.uniform(1 - spread, 1 + spread)


def measure(port: int, complaints: list[Complaint], callers: int, pace: float, seconds: float,
            spread: float) -> dict[str, float]:  # fmt: skip
    tally = Tally()
    ramp = pace * 6  # one call's length: by then every line is busy
    start = time.perf_counter()
    phases = random.Random(callers)  # the same arrivals and the same calls for both servers
    with ThreadPoolExecutor(max_workers=callers) as pool:
        for line in range(callers):
            first_at = start + phases.uniform(0, ramp)
            script = calls(complaints, seed=line)
            gaps = step_gaps(pace, spread, seed=line)
            pool.submit(walk_calls, port, script, gaps, first_at, start + ramp,
                        start + ramp + seconds, tally)  # fmt: skip
    transfers = percentiles(tally.transfers) if len(tally.transfers) > 1 else {}
    return {**percentiles(tally.steps), "steps": len(tally.steps),
            "steps_per_s": round(len(tally.steps) / seconds, 1), "errors": tally.errors,
            "transfers": len(tally.transfers), "sent": tally.sent,
            **{f"transfer_{k}": v for k, v in transfers.items()}}  # fmt: skip


def seed_complaints(database_url: str) -> list[Complaint]:
    """Complaints raised by text from residents' mobiles, a day ago, so still in time."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench"})
    rt: Runtime = app.extensions["frontdoor"]
    complaints = []
    with Session(rt.engine) as session:
        for n in range(COMPLAINTS):
            customer = Customer(name=f"Resident {n}", postcode="NN1 1ED")
            session.add(customer)
            session.commit()
            mobile = f"+4477009{n:05d}"
            case = open_test_case(rt, session, customer_id=customer.id, raised_from=mobile)
            complaints.append(Complaint(case.reference.split("-")[-1], mobile))
    rt.engine.dispose()
    return complaints


def staffed_rules(into: Path) -> Path:
    """The routing rules with the phone lines staffed around the clock, so a run measures the
    same calls at any hour (out of hours, callers are offered a message or a callback instead).
    Bank holidays stay closed: a run on one stops with a message rather than measure another
    path."""
    rules = into / "routing_rules"
    shutil.copytree(REPO / "routing_rules", rules)
    hours = {day: "00:00-23:59" for day in WEEKDAYS}
    (rules / CALENDAR_FILE).write_text(yaml.safe_dump({"calendar": {"opening_hours": hours}}))
    return rules


def server_env(database_url: str, rules: Path) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "SECRET_KEY": "bench",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "PUBLIC_BASE_URL": PUBLIC, "LOG_LEVEL": "WARNING",
            "FRONTDOOR_ENV": "production", "ROUTING_RULES_DIR": str(rules)}  # fmt: skip


def measure_rounds(
    servers: dict[str, Server], complaints: list[Complaint], args: argparse.Namespace
) -> dict[str, list[dict[str, float]]]:
    """Each server warmed up, then measured in interleaved rounds: all meet the same machine."""
    for server in servers.values():
        measure(server.port, complaints, args.callers, args.pace / 4, 2, args.spread)
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
    for _ in range(args.rounds):
        for name, server in servers.items():
            run = partial(measure, server.port, complaints, args.callers, args.pace, args.seconds,
                          args.spread)  # fmt: skip
            figures = server.costed(run)
            if name != "bare" and not figures["transfers"]:
                raise SystemExit(f"{name}: nobody was put through; were the lines closed?")
            rounds[name].append(figures)
    return rounds


def load_arguments(parser: argparse.ArgumentParser, rounds: int) -> None:
    """The offered load and the rounds, the same for every IVR benchmark."""
    parser.add_argument("--callers", type=int, default=20)
    parser.add_argument("--pace", type=float, default=1.0)
    parser.add_argument("--spread", type=float, default=0.5)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    load_arguments(parser, rounds=3)
    args = parser.parse_args()
    with temporary_postgres("frontdoor_bench_ivr") as database_url, TemporaryDirectory() as tmp:
        complaints = seed_complaints(database_url)
        with both_servers(server_env(database_url, staffed_rules(Path(tmp)))) as servers:
            rounds = measure_rounds(servers, complaints, args)
    results = {name: median_of_rounds(measured) for name, measured in rounds.items()}
    offered = (f"{args.callers} callers, a step every {args.pace}s (±{args.spread:.0%}) each, "
               f"{args.rounds} rounds")  # fmt: skip
    print(f"IVR step benchmark {date.today()}: {offered} (medians of the rounds)")
    for name, row in results.items():
        print(f"  {name:<10} p50 {row['p50_ms']:7.2f} ms  p99 {row['p99_ms']:7.2f} ms "
              f"(rounds {row['p99_min_ms']:.2f}-{row['p99_max_ms']:.2f})  "
              f"{row['steps_per_s']:6.1f} steps/s  errors {row['errors']:.0f}")  # fmt: skip
    ours = results["frontdoor"]
    print(f"  transfers  p50 {ours['transfer_p50_ms']:7.2f} ms  p99 {ours['transfer_p99_ms']:7.2f}"
          f" ms  ({ours['transfers']:.0f} of {ours['steps']:.0f} steps a round)")  # fmt: skip
    print_costs(results)
    print(json.dumps({"date": str(date.today()), **vars(args), **results}))


if __name__ == "__main__":
    main()
