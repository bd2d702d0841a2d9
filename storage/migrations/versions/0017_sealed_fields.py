"""what people confide, sealed at rest: request notes and topics, refund texts, questionnaires, decline reasons, drafts

Plain values already stored are sealed in place with the first key of DATA_KEYS (the engine's ring),
in the migration's own transaction: a crash leaves them all plain, never half. Downgrading opens them
again (it needs the same keys). JSON columns become text: a sealed value is not a JSON document.

Revision ID: 0017
Revises: 0016
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.encryption import KeyRing, ring_of
from storage.sealed_data import SealedColumn, open_in_place, seal_in_place

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# The columns as they were at this revision (the models may gain more later: their own migrations seal them).
SEALED = (
    SealedColumn('bookings', 'id', 'request_note'),
    SealedColumn('bookings', 'id', 'request_topics'),
    SealedColumn('refunds', 'id', 'request_text'),
    SealedColumn('refunds', 'id', 'decision_note'),
    SealedColumn('refunds', 'id', 'carry_out_note'),
    SealedColumn('applications', 'id', 'first_answers'),
    SealedColumn('applications', 'id', 'second_answers'),
    SealedColumn('applications', 'id', 'decline_reason'),
    SealedColumn('application_events', 'id', 'note'),
    SealedColumn('fsm_states', 'key', 'data'),
)
WERE_JSON = {
    'bookings': (('request_topics', True),),
    'applications': (('first_answers', False), ('second_answers', False)),
    'fsm_states': (('data', False),),
}


def _ring() -> KeyRing:
    return ring_of(op.get_bind().dialect)


def upgrade() -> None:
    for table, columns in WERE_JSON.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, nullable in columns:
                batch_op.alter_column(
                    name, existing_type=sa.JSON(), type_=sa.Text(), existing_nullable=nullable,
                    postgresql_using=f'{name}::text',
                )
    for place in SEALED:
        seal_in_place(op.get_bind(), _ring, place)


def downgrade() -> None:
    for place in SEALED:
        open_in_place(op.get_bind(), _ring, place)
    for table, columns in WERE_JSON.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, nullable in columns:
                batch_op.alter_column(
                    name, existing_type=sa.Text(), type_=sa.JSON(), existing_nullable=nullable,
                    postgresql_using=f'{name}::json',
                )
