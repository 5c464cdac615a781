"""The `frontdoor` command as an officer or IT team runs it: real processes, real databases."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO

FRONTDOOR = str(REPO / ".venv" / "bin" / "frontdoor")
KEYS = [
    "intent", "confidence", "outcome", "queue", "priority", "flags", "rule", "reply",
    "safety_override", "asks_which", "routes",
]  # fmt: skip


def run(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LOG_FORMAT": "json"} | env
    return subprocess.run(
        [FRONTDOOR, *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def fresh_sqlite(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}


def test_explain_prints_one_json_object_with_the_rule(fresh_sqlite: dict[str, str]) -> None:
    result = run(
        "explain", "my bin wasnt collected again", "--channel", "sms", "--json", env=fresh_sqlite
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    explained = json.loads(lines[0])
    assert list(explained) == KEYS
    assert explained["intent"] == "missed_bin"
    assert explained["outcome"] == "service_request" and explained["queue"] == "waste"
    assert explained["rule"] == "waste.missed-bin"
    assert explained["reply"].startswith("Sorry your bin was missed")


def test_explain_shows_every_need_and_its_route(fresh_sqlite: dict[str, str]) -> None:
    text = "my bin wasnt collected again. my partner hits me if the bins are not out"
    result = run("explain", text, "--channel", "sms", "--json", env=fresh_sqlite)
    assert result.returncode == 0, result.stderr
    explained = json.loads(result.stdout)
    # The top-level keys are the primary route's: the person at risk comes first.
    assert (explained["outcome"], explained["queue"]) == ("advisor", "safeguarding")
    assert explained["rule"] == "safety.domestic-abuse" and explained["safety_override"]
    routes = [(r["outcome"], r["queue"], r["rule"]) for r in explained["routes"]]
    assert routes == [
        ("advisor", "safeguarding", "safety.domestic-abuse"),
        ("service_request", "waste", "waste.missed-bin"),
    ]
    assert "domestic_abuse.abuse" in explained["routes"][0]["reason"]
    assert "Safeguarding team" in explained["reply"] and "bin was missed" in explained["reply"]


def test_explain_jsonl_prints_one_object_per_line(
    fresh_sqlite: dict[str, str], tmp_path: Path
) -> None:
    lines = [
        {"text": "my bin wasnt collected again", "channel": "sms"},
        {"text": "i want to end it all", "channel": "web"},
        {"text": "question about my ward", "channel": "members"},
    ]
    source = tmp_path / "messages.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    result = run("explain", "--jsonl", str(source), env=fresh_sqlite)
    assert result.returncode == 0, result.stderr
    outputs = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [o["rule"] for o in outputs] == [
        "waste.missed-bin",
        "safety.crisis",  # the intent says it outright; the risk cue's need is the same route
        "members.enquiry",
    ]
    assert outputs[1]["outcome"] == "emergency" and outputs[1]["flags"] == ["risk_to_life"]
    assert outputs[1]["reply"].startswith("If you or anyone else is in immediate danger, call 999")


def test_explain_jsonl_names_a_bad_line(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"text": "hello"}\n{"channel": "sms"}\n')
    result = run("explain", "--jsonl", str(source), env=fresh_sqlite)
    assert result.returncode == 1
    assert f"{source}:2:" in result.stderr


def test_explain_honours_time_of_day_with_at(fresh_sqlite: dict[str, str]) -> None:
    result = run("explain", "hello", "--json", "--at", "2026-12-25T03:00", env=fresh_sqlite)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rule"] == "greet"


def test_db_upgrade_and_demo_are_idempotent(fresh_sqlite: dict[str, str]) -> None:
    assert run("db", "upgrade", env=fresh_sqlite).returncode == 0
    first = run("demo", env=fresh_sqlite)
    assert first.returncode == 0, first.stderr
    assert "5 advisors, 3 residents, 7 bin_rounds, 1 complaints added" in first.stdout
    again = run("demo", env=fresh_sqlite)
    assert "0 advisors, 0 residents, 0 bin_rounds, 0 complaints added" in again.stdout
    answered = run("explain", "when is bin day for NN1 1AA", "--json", env=fresh_sqlite)
    assert "collected on Tuesdays" in json.loads(answered.stdout)["reply"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_starts_on_embedded_defaults_and_prints_urls(fresh_sqlite: dict[str, str]) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PORT": str(_free_port()),
    } | fresh_sqlite
    assert run("db", "upgrade", env=env).returncode == 0
    server = subprocess.Popen(
        [FRONTDOOR, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        base = f"http://127.0.0.1:{env['PORT']}"
        body = _wait_for(f"{base}/healthz")
        assert json.loads(body)["status"] == "ok"
        assert b"Web chat" in urllib.request.urlopen(f"{base}/", timeout=5).read()
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=10)
    assert f"{base}/" in out and "frontdoor explain" in out


def _wait_for(url: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
