"""Service data that self-service answers read: bin collection rounds."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class BinRound(SQLModel, table=True):
    """Which weekday a postcode sector's bins go out, and the week recycling started."""

    __tablename__ = "bin_round"

    id: int | None = Field(default=None, primary_key=True)
    # The postcode sector, e.g. "NN1 1" (outward code, space, first inward digit).
    postcode_sector: str = Field(max_length=6, unique=True)
    weekday: int = Field(ge=0, le=6)
    # A date on which recycling (not general waste) was collected; alternate weeks follow.
    recycling_anchor: date
