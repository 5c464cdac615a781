"""calls: steps and handoff packets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:22:11.643705
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.types
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('call_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('call_sid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('digits', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('speech', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('speech_confidence', sa.Float(), nullable=True),
    sa.Column('twiml', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('call_sid', 'seq')
    )
    with op.batch_alter_table('call_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_step_conversation_id'), ['conversation_id'], unique=False)

    op.create_table('handoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('queue', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('rule_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('intent', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('gathered', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('flags', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('transcript', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_conversation_id'), ['conversation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_conversation_id'))
        batch_op.drop_index(batch_op.f('ix_handoff_case_id'))

    op.drop_table('handoff')
    with op.batch_alter_table('call_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_step_conversation_id'))

    op.drop_table('call_step')
