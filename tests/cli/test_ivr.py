"""`frontdoor ivr lint|diagram` and `frontdoor simulate call`, as a menu designer runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from app.calendar import CouncilCalendar
from app.config import REPO_ROOT
from app.db import build_engine
from app.lifecycle.types import load_closure_days
from app.models import Case
from tests.cli.test_commands import FRONTDOOR, run


def test_lint_passes_the_councils_flows_and_names_the_fault_in_a_bad_one(tmp_path: Path) -> None:
    ok = run("ivr", "lint", env={})
    assert ok.returncode == 0 and "1 flow file(s) OK" in ok.stdout
    shutil.copy(REPO_ROOT / "ivr_flows" / "council.yaml", tmp_path / "council.yaml")
    text = (tmp_path / "council.yaml").read_text(encoding="utf-8")
    (tmp_path / "council.yaml").write_text(
        text.replace("      next: offer_updates", "      next: offer_update"), encoding="utf-8"
    )
    bad = run("ivr", "lint", "--dir", str(tmp_path), env={})
    assert bad.returncode == 1
    assert "council.yaml:" in bad.stderr and "step status: next names unknown step" in bad.stderr


def test_diagram_writes_a_mermaid_flowchart(tmp_path: Path) -> None:
    result = run("ivr", "diagram", "--out", str(tmp_path), env={})
    assert result.returncode == 0, result.stderr
    chart = (tmp_path / "council.mmd").read_text(encoding="utf-8")
    assert chart.splitlines()[1] == "flowchart TD"
    assert 'main_menu -->|"2: a complaint you have already made"| existing_menu' in chart
    assert "advisor -.->|lines closed| voicemail" in chart


def _simulate(tmp_path: Path, typed: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "LOG_FORMAT": "json",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'sim.sqlite3'}"}  # fmt: skip
    assert run("db", "upgrade", env=env).returncode == 0
    return subprocess.run(
        [FRONTDOOR, "simulate", "call", *args], input=typed, capture_output=True, text=True,
        env=env, timeout=60, check=False,
    )  # fmt: skip


def test_simulate_call_walks_the_menus_through_the_webhooks(tmp_path: Path) -> None:
    walked = _simulate(tmp_path, "2\nupdate\n", "--at", "2026-11-24 10:00")
    assert walked.returncode == 0, walked.stderr
    assert "council: Welcome to West Northamptonshire Council." in walked.stdout
    assert "six digits of your case reference" in walked.stdout
    assert "[caller hung up]" in walked.stdout


def test_the_demo_has_dorises_complaint_for_the_strategys_own_call(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'sim.sqlite3'}"}
    assert run("db", "upgrade", env=env).returncode == 0
    assert run("demo", env=env).returncode == 0
    typed = "existing complaint\nupdate\n204318\n"
    calendar = CouncilCalendar("Europe/London", load_closure_days(REPO_ROOT / "routing_rules"))
    day = calendar.add_working_days(date.today(), 1)  # the complaint was made two days ago
    walked = _simulate(tmp_path, typed, "--from", "07700900101", "--at", f"{day} 10:00")
    assert walked.returncode == 0, walked.stderr
    assert "Your complaint W N C, 2 0 4 3 1 8 is being investigated." in walked.stdout


def test_simulate_call_out_of_hours_takes_a_callback(tmp_path: Path) -> None:
    walked = _simulate(tmp_path, "2\n", "--at", "2026-11-24 21:00", "--from", "07700900123")
    assert walked.returncode == 0, walked.stderr
    assert "Our phone lines are closed." in walked.stdout
    assert "We will call you back on the next working day." in walked.stdout
    assert "[call hangup]" in walked.stdout


def test_simulate_call_out_of_hours_a_message_is_transcribed_and_triaged(tmp_path: Path) -> None:
    typed = "1\nmy partner hit me again and I am scared to go home\n"
    walked = _simulate(tmp_path, typed, "--at", "2026-11-24 21:00", "--from", "07700900123")
    assert walked.returncode == 0, walked.stderr
    assert "Your message has been passed to our team" in walked.stdout
    with Session(build_engine(f"sqlite:///{tmp_path / 'sim.sqlite3'}")) as session:
        case = session.exec(select(Case)).one()
    assert (case.queue, case.flags) == ("safeguarding", ["domestic_abuse"])
    assert case.summary.endswith("They said: my partner hit me again and I am scared to go home")


def test_a_caller_put_through_leaves_the_packet_on_the_case_for_the_advisor(
    tmp_path: Path,
) -> None:
    typed = "2\nupdate\n999999\n07700900555#\n"  # a reference we cannot find: a person helps
    walked = _simulate(tmp_path, typed, "--at", "2026-11-24 10:00", "--from", "07700900123")
    assert walked.returncode == 0, walked.stderr
    assert "[call enqueue complaints]" in walked.stdout  # the team that can find it
    database_url = f"sqlite:///{tmp_path / 'sim.sqlite3'}"
    with Session(build_engine(database_url)) as session:
        reference = session.exec(select(Case.reference)).one()
    shown = run("case", "show", reference, env={"DATABASE_URL": database_url})
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "summary   Phone call about case status. Caller said: update" in out
    assert "voice to complaints by rule" in out and "case_status" in out
    assert "gathered reference: WNC-999999" in out
    assert "at existing_menu: update" in out and "at main_menu: 2" in out
