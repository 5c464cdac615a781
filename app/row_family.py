"""A new row and the rows that belong to it, written together: one statement on PostgreSQL.

Opening a case writes the case, its first stage and its clocks; a transferred call adds the
handoff packet and the routing decision. Through the ORM that is a statement per table, each
a round trip and a pass of the unit of work, and on the phone those milliseconds are the
caller's. PostgreSQL runs a chain of data-modifying CTEs as a single statement, so the whole
family costs one round trip. SQLite has no such CTEs and gets the same inserts one by one.

The parent is inserted only if its `unique` column's value is free (ON CONFLICT DO NOTHING);
if it is taken, nothing at all is written and the caller may draw another value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Column, Table, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.selectable import Select
from sqlmodel import Session, SQLModel

UNLINKED = 0  # a belonging's link before insert_family points it at its parent


@dataclass(frozen=True)
class Belonging:
    """A row that points at the parent through its `link` column."""

    row: SQLModel
    link: str = "case_id"


@dataclass(frozen=True)
class _Shape:
    """What a family's statements depend on; the statements are built once per shape."""

    dialect: str
    parent: Table
    unique: str
    children: tuple[tuple[Table, str], ...]


def insert_family(
    session: Session, parent: SQLModel, belongings: Sequence[Belonging], unique: str
) -> bool:
    """Insert `parent`, then `belongings` linked to it, if the parent's `unique` value is free.

    True if written: every row then has its id and is persistent in `session`. False if the
    value is taken, and nothing was written.
    """
    session.flush()  # rows the family refers to, still pending in the session, go first
    shape = _Shape(
        dialect=session.get_bind().dialect.name,
        parent=_table(parent),
        unique=unique,
        children=tuple((_table(b.row), b.link) for b in belongings),
    )
    params = _values("p", parent, shape.parent, skip=None)
    for n, belonging in enumerate(belongings):
        params |= _values(f"c{n}", belonging.row, _table(belonging.row), skip=belonging.link)
    ids = _execute(session, shape, params)
    if ids is None:
        return False
    parent_id, *child_ids = ids
    _persist(session, parent, parent_id)
    for belonging, child_id in zip(belongings, child_ids, strict=True):
        setattr(belonging.row, belonging.link, parent_id)
        _persist(session, belonging.row, child_id)
    return True


def _execute(session: Session, shape: _Shape, params: dict[str, Any]) -> list[int] | None:
    """The new rows' ids, parent first; None if the parent's unique value was taken."""
    if shape.dialect == "postgresql":
        row = session.execute(_postgres_statement(shape), params).one()
        return None if row[0] is None else list(row)
    parent_insert = _parent_insert(shape.dialect, shape.parent, shape.unique)
    parent_id = session.execute(parent_insert, params).scalar()
    if parent_id is None:
        return None
    ids = [parent_id]
    for n, (table, link) in enumerate(shape.children):
        linked = params | {f"c{n}_{link}": parent_id}
        ids.append(session.execute(_child_insert(table, n, link), linked).scalar_one())
    return ids


def _table(row: SQLModel) -> Table:
    table: Table = row.__table__  # type: ignore[attr-defined]
    return table


def _columns(table: Table, skip: str | None) -> list[Column[Any]]:
    """The columns a new row supplies: all but its generated id (and the link, for a child)."""
    return [c for c in table.columns if not c.primary_key and c.name != skip]


def _values(prefix: str, row: SQLModel, table: Table, skip: str | None) -> dict[str, Any]:
    if any(getattr(row, c.name) is not None for c in table.primary_key.columns):
        raise ValueError(f"{table.name} row already has an id: it is not new")
    return {f"{prefix}_{c.name}": getattr(row, c.name) for c in _columns(table, skip)}


def _binds(prefix: str, table: Table, skip: str | None) -> dict[str, Any]:
    return {c.name: bindparam(f"{prefix}_{c.name}", type_=c.type) for c in _columns(table, skip)}


@cache
def _parent_insert(dialect: str, table: Table, unique: str) -> Insert:
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        dialect_insert(table)
        .values(_binds("p", table, skip=None))
        .on_conflict_do_nothing(index_elements=[unique])
        .returning(*table.primary_key.columns)
    )


@cache
def _child_insert(table: Table, n: int, link: str) -> Insert:
    binds = _binds(f"c{n}", table, skip=None)
    return insert(table).values(binds).returning(*table.primary_key.columns)


@cache
def _postgres_statement(shape: _Shape) -> Select[Any]:
    # Children select from the parent's CTE, so a parent skipped by ON CONFLICT takes them with
    # it. Foreign keys are checked at the statement's end, when the parent row is there.
    parent = _parent_insert(shape.dialect, shape.parent, shape.unique).cte("parent")
    parent_id = parent.c[shape.parent.primary_key.columns[0].name]
    children = []
    for n, (table, link) in enumerate(shape.children):
        binds = _binds(f"c{n}", table, skip=link)
        child = (
            insert(table)
            .from_select([link, *binds], select(parent_id, *binds.values()))
            .returning(*table.primary_key.columns)
            .cte(f"child_{n}")
        )
        children.append(child.c[table.primary_key.columns[0].name])
    return select(
        select(parent_id).scalar_subquery(), *(select(c).scalar_subquery() for c in children)
    )


def _persist(session: Session, row: SQLModel, row_id: int) -> None:
    """The row, now written, joins the session as if loaded: later changes flush as UPDATEs."""
    for column in _table(row).primary_key.columns:
        setattr(row, column.name, row_id)
    make_transient_to_detached(row)
    session.add(row)
