"""the inbox keeps what a person wrote only while it may be handled, sealed: handled payloads cleared, waiting ones sealed

Handled updates' payloads are cleared (their ids, kinds, chats and times stay); the payloads of updates still
waiting or set aside are sealed in place with the first key of DATA_KEYS, in the migration's own transaction.
A set-aside update the previous release emptied (its person's data was deleted) is marked dropped: it can never be
handled. Downgrading opens the sealed payloads again and gives the cleared ones the previous release's empty
document (what they held is gone for good); a dropped update reads to it as handled then, so it is neither listed
nor kept longer than a handled one.

Revision ID: 0020
Revises: 0019
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.encryption import KeyRing, ring_of
from storage.sealed_data import SealedColumn, open_in_place, seal_in_place

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

PAYLOAD = SealedColumn('inbox_updates', 'update_id', 'payload')
EMPTY = '{}'
updates = sa.table(
    'inbox_updates', sa.column('payload', sa.Text()), sa.column('handled_at'), sa.column('set_aside_at'),
    sa.column('dropped_at'),
)


def _ring() -> KeyRing:
    return ring_of(op.get_bind().dialect)


def upgrade() -> None:
    with op.batch_alter_table('inbox_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dropped_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column(
            'payload', existing_type=sa.JSON(), type_=sa.Text(), nullable=True, postgresql_using='payload::text'
        )
    bind = op.get_bind()
    bind.execute(sa.update(updates).where(updates.c.handled_at.is_not(None)).values(payload=None))
    bind.execute(
        sa.update(updates)
        .where(updates.c.set_aside_at.is_not(None), updates.c.payload == EMPTY)
        .values(payload=None, dropped_at=updates.c.set_aside_at)
    )
    seal_in_place(bind, _ring, PAYLOAD)


def downgrade() -> None:
    bind = op.get_bind()
    open_in_place(bind, _ring, PAYLOAD)
    bind.execute(
        sa.update(updates)
        .where(updates.c.dropped_at.is_not(None), updates.c.handled_at.is_(None))
        .values(handled_at=updates.c.dropped_at)
    )
    bind.execute(sa.update(updates).where(updates.c.payload.is_(None)).values(payload=EMPTY))
    with op.batch_alter_table('inbox_updates', schema=None) as batch_op:
        batch_op.alter_column(
            'payload', existing_type=sa.Text(), type_=sa.JSON(), nullable=False, postgresql_using='payload::json'
        )
        batch_op.drop_column('dropped_at')
