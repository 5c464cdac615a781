"""A case and its belongings go in together, on both databases; a taken reference writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from app.models import AuditEvent, Case, CaseStageChange
from app.row_family import UNLINKED, Belonging, insert_family
from app.runtime import Runtime


def _case(reference: str = "WNC-100001") -> Case:
    return Case(reference=reference, case_type="complaint", stage="logged", channel="sms",
                flags=["bereavement"], summary="Bin missed again")  # fmt: skip


def _belongings() -> list[Belonging]:
    stage = CaseStageChange(case_id=UNLINKED, to_stage="logged", actor="test", reason="new")
    audit = AuditEvent(actor="test", action="case.flags_set", subject_type="case",
                       detail={"flags": ["bereavement"]})  # fmt: skip
    return [Belonging(stage), Belonging(audit, link="subject_id")]


def _count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_the_family_is_written_linked_and_readable(rt: Runtime, session: Session) -> None:
    case, belongings = _case(), _belongings()
    assert insert_family(session, case, belongings, unique="reference")
    session.commit()
    stage, audit = (b.row for b in belongings)
    assert isinstance(stage, CaseStageChange) and isinstance(audit, AuditEvent)
    assert case.id is not None and stage.case_id == case.id and audit.subject_id == case.id
    with Session(rt.engine) as fresh:
        stored = fresh.get(Case, case.id)
        assert stored is not None and stored.flags == ["bereavement"]
        assert stored.created_at == case.created_at  # a zone-aware time survives the trip
        assert fresh.get(CaseStageChange, stage.id) is not None
        stored_audit = fresh.get(AuditEvent, audit.id)
        assert stored_audit is not None and stored_audit.detail == {"flags": ["bereavement"]}
        assert stored_audit.subject_id == case.id


def test_written_rows_belong_to_the_session_so_later_changes_are_saved(
    rt: Runtime, session: Session
) -> None:
    case = _case()
    assert insert_family(session, case, _belongings(), unique="reference")
    assert inspect(case).persistent
    case.stage = "investigating"
    session.commit()
    with Session(rt.engine) as fresh:
        stored = fresh.get(Case, case.id)
        assert stored is not None and stored.stage == "investigating"
        assert _count(fresh, Case) == 1  # updated, not inserted twice


def test_a_taken_unique_value_writes_nothing_at_all(rt: Runtime, session: Session) -> None:
    assert insert_family(session, _case("WNC-100002"), [], unique="reference")
    session.commit()
    late, belongings = _case("WNC-100002"), _belongings()
    assert not insert_family(session, late, belongings, unique="reference")
    session.commit()
    assert late.id is None and not inspect(late).persistent
    assert all(inspect(b.row).transient for b in belongings)
    counts = [_count(session, model) for model in (Case, CaseStageChange, AuditEvent)]
    assert counts == [1, 0, 0]


def test_postgresql_writes_the_whole_family_in_one_statement(rt: Runtime, session: Session) -> None:
    with _statements(rt.engine) as seen:
        assert insert_family(session, _case(), _belongings(), unique="reference")
    # SQLite has no data-modifying CTEs: the parent, then each belonging.
    assert len(seen) == (1 if rt.engine.dialect.name == "postgresql" else 3)


def test_a_row_that_already_has_an_id_is_refused(session: Session) -> None:
    case = _case()
    case.id = 7
    with pytest.raises(ValueError, match="already has an id"):
        insert_family(session, case, [], unique="reference")
