"""`frontdoor simulate sms`: the real pipeline in a terminal, with no Twilio account."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_commands import run


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
