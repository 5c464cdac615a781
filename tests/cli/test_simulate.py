"""`frontdoor simulate sms` and `simulate call`: the real pipeline in a terminal, no Twilio."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.calendar import CouncilCalendar
from app.cli.simulate_call import rehearsal
from app.lifecycle.types import load_closure_days, load_opening_hours
from tests.cli.test_commands import FRONTDOOR, run
from tests.conftest import REPO

RULES = REPO / "routing_rules"
LINES = CouncilCalendar("Europe/London", load_closure_days(RULES), load_opening_hours(RULES))
LONDON = ZoneInfo("Europe/London")


def test_a_conversation_in_the_simulator(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'sim.sqlite3'}"}
    assert run("db", "upgrade", env=env).returncode == 0
    assert run("demo", env=env).returncode == 0
    first = run("simulate", "sms", "--from", "07700 900123", "bins?", env=env)
    assert first.returncode == 0, first.stderr
    assert "+447700900123 -> council: bins?" in first.stdout
    assert (
        "council -> +447700900123: I can look up your bin day. What is your postcode?"
        in first.stdout
    )
    second = run("simulate", "sms", "--from", "07700 900123", "NN1 1AA", env=env)
    assert "Bins for NN1 1AA are collected on Tuesdays." in second.stdout
    helped = run("simulate", "sms", "--from", "07700 900123", "HELP", env=env)
    assert "Text STOP to stop texts." in helped.stdout
    bad = run("simulate", "sms", "--from", "not a number", "hi", env=env)
    assert bad.returncode == 2 and "--from" in bad.stderr


def _call(env: dict[str, str], typed: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FRONTDOOR, "simulate", "call", *args], input=typed, capture_output=True, text=True,
        env={"PATH": os.environ.get("PATH", ""), "LOG_FORMAT": "json", **env}, timeout=60,
        check=False,
    )  # fmt: skip


def test_the_readmes_call_works_on_a_saturday_and_at_now_hears_the_closed_lines(
    tmp_path: Path,
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'sim.sqlite3'}"}
    assert run("db", "upgrade", env=env).returncode == 0
    assert run("demo", env=env).returncode == 0
    doris = ("--from", "07700900101")
    saturday = ("--now", "2026-12-05 10:12")  # the clock the command takes as the real one
    rehearsed = _call(env, "existing complaint\nupdate\n204318\n", *doris, *saturday)
    assert rehearsed.returncode == 0, rehearsed.stderr
    assert rehearsed.stdout.splitlines()[0] == (
        "The lines are closed now (Saturday 10:12); rehearsing at the next opening, "
        "Monday 7 December 08:30. Use --at now to hear the closed lines."
    )
    assert "council: Welcome to West Northamptonshire Council." in rehearsed.stdout
    assert "Your complaint W N C, 2 0 4 3 1 8 is being investigated." in rehearsed.stdout
    closed = _call(env, "2\n", *doris, *saturday, "--at", "now")
    assert closed.returncode == 0, closed.stderr
    assert closed.stdout.startswith("council: Our phone lines are closed.")
    assert "We will call you back on the next working day." in closed.stdout


def test_a_call_is_rehearsed_only_when_the_lines_are_closed() -> None:
    assert rehearsal(LINES, datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)) is None  # Tuesday
    rehearsed = rehearsal(LINES, datetime(2026, 12, 24, 18, 5, tzinfo=LONDON))
    assert rehearsed is not None
    assert rehearsed[0] == datetime(2027, 1, 4, 8, 30, tzinfo=LONDON)  # after the shutdown
    assert rehearsed[1] == (
        "The lines are closed now (Thursday 18:05); rehearsing at the next opening, "
        "Monday 4 January 08:30. Use --at now to hear the closed lines."
    )
    never = CouncilCalendar("Europe/London", opening_hours={})
    assert rehearsal(never, datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)) is None
