"""timed messages

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")
SENDING = sa.text("status = 'sending'")


def upgrade() -> None:
    op.create_table('timed_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('recipient_id', sa.BigInteger(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dedup_key', sa.String(length=200), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('parts_sent', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timed_messages')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_timed_messages_dedup_key'))
    )
    op.create_index(
        'ix_timed_messages_pending_due_at', 'timed_messages', ['due_at', 'id'],
        postgresql_where=PENDING, sqlite_where=PENDING,
    )
    op.create_index(
        'ix_timed_messages_sending_claimed_until', 'timed_messages', ['claimed_until'],
        postgresql_where=SENDING, sqlite_where=SENDING,
    )


def downgrade() -> None:
    op.drop_index('ix_timed_messages_sending_claimed_until', table_name='timed_messages')
    op.drop_index('ix_timed_messages_pending_due_at', table_name='timed_messages')
    op.drop_table('timed_messages')
