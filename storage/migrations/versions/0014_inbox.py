"""the inbox: updates kept before they are acknowledged, marked handled with what handling changed

Replaces processed_updates: an update is in the inbox before Telegram is told it arrived, so its
row is also the mark that it was handled.

Revision ID: 0014
Revises: 0013
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

WAITING = sa.text('handled_at IS NULL AND set_aside_at IS NULL')


def upgrade() -> None:
    op.create_table('inbox_updates',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('chat_key', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('set_aside_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_inbox_updates'))
    )
    with op.batch_alter_table('inbox_updates', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_updates_waiting', ['update_id'], unique=False, sqlite_where=WAITING, postgresql_where=WAITING)
        batch_op.create_index('ix_inbox_updates_handled_at', ['handled_at'], unique=False)
    op.drop_table('processed_updates')


def downgrade() -> None:
    op.create_table('processed_updates',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_processed_updates'))
    )
    with op.batch_alter_table('inbox_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_updates_handled_at')
        batch_op.drop_index('ix_inbox_updates_waiting', sqlite_where=WAITING, postgresql_where=WAITING)
    op.drop_table('inbox_updates')
