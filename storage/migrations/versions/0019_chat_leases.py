"""chat leases: one inbox for every replica, a chat handled by one process at a time under a lease

Revision ID: 0019
Revises: 0018
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

WAITING = sa.text('handled_at IS NULL AND set_aside_at IS NULL')


def upgrade() -> None:
    op.create_table('chat_leases',
    sa.Column('chat_key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('holder', sa.String(length=80), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('chat_key', name=op.f('pk_chat_leases'))
    )
    with op.batch_alter_table('chat_leases', schema=None) as batch_op:
        batch_op.create_index('ix_chat_leases_holder', ['holder'], unique=False)
    with op.batch_alter_table('inbox_updates', schema=None) as batch_op:
        batch_op.create_index(
            'ix_inbox_updates_waiting_chats', ['chat_key', 'update_id'], unique=False,
            sqlite_where=WAITING, postgresql_where=WAITING,
        )


def downgrade() -> None:
    with op.batch_alter_table('inbox_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_updates_waiting_chats', sqlite_where=WAITING, postgresql_where=WAITING)
    with op.batch_alter_table('chat_leases', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_leases_holder')
    op.drop_table('chat_leases')
