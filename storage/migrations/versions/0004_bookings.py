"""bookings

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bookings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('therapist_id', sa.BigInteger(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('price_minor', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lapses_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payment_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_minor', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.String(length=16), nullable=True),
    sa.Column('refund_due_minor', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['users.telegram_id'], name=op.f('fk_bookings_client_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.telegram_id'], name=op.f('fk_bookings_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bookings_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_therapist_id'), ['therapist_id'], unique=False)
        batch_op.create_index('uq_bookings_active_slot', ['therapist_id', 'starts_at'], unique=True, sqlite_where=sa.text("status IN ('awaiting_payment', 'paid', 'requested')"), postgresql_where=sa.text("status IN ('awaiting_payment', 'paid', 'requested')"))



def downgrade() -> None:
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_bookings_active_slot', sqlite_where=sa.text("status IN ('awaiting_payment', 'paid', 'requested')"), postgresql_where=sa.text("status IN ('awaiting_payment', 'paid', 'requested')"))
        batch_op.drop_index(batch_op.f('ix_bookings_therapist_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_client_id'))

    op.drop_table('bookings')
