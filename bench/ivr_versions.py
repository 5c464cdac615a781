"""The IVR step benchmark against several versions of frontdoor, side by side in one run.

A change's effect on latency is smaller than this machine's drift over a few minutes, so a
figure from another run is no baseline. Give each version a name and a git revision: each is
checked out into a temporary worktree, served with the production gunicorn settings from this
checkout's venv, and measured in interleaved rounds against the same database and calls.

Run: .venv/bin/python bench/ivr_versions.py before=d57c2be after=HEAD [--rounds 4]
     [--callers 20] [--pace 1.0] [--spread 0.5] [--seconds 20]
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ivr_step_bench import (
    load_arguments,
    measure_rounds,
    seed_complaints,
    server_env,
    staffed_rules,
)
from bench.sms_webhook_bench import REPO, Server, median_of_rounds, serve
from tests.databases import temporary_postgres


@contextmanager
def worktree(revision: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="frontdoor-version-") as parent:
        path = Path(parent) / "checkout"
        git = ["git", "-C", str(REPO), "worktree"]
        subprocess.run([*git, "add", "--detach", "-q", str(path), revision], check=True)
        try:
            yield path
        finally:
            subprocess.run([*git, "remove", "--force", str(path)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("versions", nargs="+", metavar="NAME=REVISION")
    load_arguments(parser, rounds=4)
    args = parser.parse_args()
    versions = dict(v.split("=", 1) for v in args.versions)
    with temporary_postgres("frontdoor_bench_versions") as database_url, ExitStack() as stack:
        complaints = seed_complaints(database_url)
        rules = staffed_rules(Path(stack.enter_context(tempfile.TemporaryDirectory())))
        servers = {}
        for name, revision in versions.items():
            checkout = stack.enter_context(worktree(revision))
            process, port = serve("app:create_app()", server_env(database_url, rules), checkout)
            stack.callback(process.wait, 30)
            stack.callback(process.terminate)
            servers[name] = Server(port, process.pid)
        rounds = measure_rounds(servers, complaints, args)
    print(f"IVR step benchmark by version {date.today()}: {args.callers} callers, a step every "
          f"{args.pace}s (±{args.spread:.0%}) each, {args.rounds} rounds "
          "(medians of the rounds)")  # fmt: skip
    for name, measured in rounds.items():
        row = {"transfer_p50_ms": math.nan, "transfer_p99_ms": math.nan}  # too few to tell
        row |= median_of_rounds(measured)
        print(f"  {name:<10} {versions[name]:<10} p50 {row['p50_ms']:6.2f} ms  p99 "
              f"{row['p99_ms']:6.2f} ms (rounds {row['p99_min_ms']:.2f}-{row['p99_max_ms']:.2f})"
              f"  transfers p50 {row['transfer_p50_ms']:6.2f} p99 {row['transfer_p99_ms']:6.2f}"
              f"  CPU/step {row['cpu_ms_per_request']:.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
