"""contact points: no contact, with its reason and since when

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.types

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('no_contact', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column('no_contact_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(
            sa.Column('no_contact_since', app.models.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.drop_column('no_contact_since')
        batch_op.drop_column('no_contact_reason')
        batch_op.drop_column('no_contact')
