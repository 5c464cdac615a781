"""`frontdoor case show|move`: the case record in a terminal, with the flags viewing audited."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from app.config import load_settings
from app.lifecycle.notify import subscribe
from app.migrate import upgrade
from app.models import AuditEvent
from app.runtime import build_runtime
from tests.cli.test_commands import run
from tests.factories import open_test_case, saved_id


def test_show_and_move_a_case(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cases.sqlite3'}"}
    upgrade(env["DATABASE_URL"])
    rt = build_runtime(load_settings(env))
    with Session(rt.engine, expire_on_commit=False) as session:
        case = open_test_case(rt, session, flags=["domestic_abuse"])
        subscribe(session, saved_id(case), "email", "safe@example.com")
        session.commit()

    refused = run("case", "move", case.reference, "stage2", "--reason", "skip ahead", env=env)
    assert refused.returncode == 1
    assert "cannot move from 'received' to 'stage2'" in refused.stderr

    moved = run(
        "case", "move", case.reference, "acknowledged", "--reason", "named officer", env=env
    )
    assert moved.returncode == 0, moved.stderr
    assert f"{case.reference} -> acknowledged; 0 notification(s) queued" in moved.stdout

    shown = run("case", "show", case.reference.lower(), env=env)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert out.startswith(f"{case.reference}  complaint  [open]")
    assert "received -> acknowledged" in out and "named officer" in out
    assert "acknowledge      5 working days" in out and "stopped" in out
    assert "stage1_response  10 working days" in out and "due " in out
    assert "email active" in out
    assert "domestic_abuse" in out
    with Session(rt.engine) as session:
        viewed = session.exec(
            select(AuditEvent).where(AuditEvent.action == "case.flags_viewed")
        ).one()
        assert viewed.actor.startswith("cli:") and viewed.detail["flags"] == ["domestic_abuse"]
        withheld = session.exec(
            select(AuditEvent).where(AuditEvent.action == "notification.withheld")
        ).one()
        assert withheld.detail["reason"] == "no safe-contact preference recorded"

    assert run("case", "show", "WNC-000000", env=env).returncode == 1
    recompute = run("sla", "recompute", env=env)
    assert recompute.stdout.strip() == "0 clock(s) recomputed"
