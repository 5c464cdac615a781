"""case lifecycle: clocks, subscriptions, safe contact, alerts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 09:11:16.216332
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.types


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('clock', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('paused_since', sa.Date(), nullable=True),
    sa.Column('paused_working_days', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('stopped_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('warned_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('breached_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'clock')
    )
    with op.batch_alter_table('case_clock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_clock_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_clock_due_on'), ['due_on'], unique=False)

    op.create_table('notification_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'channel', 'address')
    )
    with op.batch_alter_table('notification_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_subscription_case_id'), ['case_id'], unique=False)

    op.create_table('safe_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('allow_sms', sa.Boolean(), nullable=False),
    sa.Column('allow_email', sa.Boolean(), nullable=False),
    sa.Column('allow_voicemail', sa.Boolean(), nullable=False),
    sa.Column('safe_from', sa.Time(), nullable=True),
    sa.Column('safe_until', sa.Time(), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('recorded_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id')
    )
    op.create_table('queue_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('queue', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('clock_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['clock_id'], ['case_clock.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('clock_id', 'kind')
    )
    with op.batch_alter_table('queue_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_alert_queue'), ['queue'], unique=False)

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('raised_from', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True))

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_before', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('fallback_of', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_outbox_message_fallback_of', 'outbox_message', ['fallback_of'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbox_message_fallback_of', type_='foreignkey')
        batch_op.drop_column('fallback_of')
        batch_op.drop_column('not_before')

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('delivery_status')

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('raised_from')

    with op.batch_alter_table('queue_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queue_alert_queue'))

    op.drop_table('queue_alert')
    op.drop_table('safe_contact')
    with op.batch_alter_table('notification_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_subscription_case_id'))

    op.drop_table('notification_subscription')
    with op.batch_alter_table('case_clock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_clock_due_on'))
        batch_op.drop_index(batch_op.f('ix_case_clock_case_id'))

    op.drop_table('case_clock')
