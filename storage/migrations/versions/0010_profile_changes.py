"""therapists' proposed profile changes, waiting for an admin's approval

Revision ID: 0010
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('profile_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('therapist_id', sa.BigInteger(), nullable=False),
    sa.Column('field', sa.String(length=16), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.BigInteger(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.telegram_id'], name=op.f('fk_profile_changes_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_changes'))
    )
    with op.batch_alter_table('profile_changes', schema=None) as batch_op:
        batch_op.create_index('ix_profile_changes_status_id', ['status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_changes_therapist_id'), ['therapist_id'], unique=False)
        batch_op.create_index('uq_profile_changes_pending_field', ['therapist_id', 'field'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))


def downgrade() -> None:
    with op.batch_alter_table('profile_changes', schema=None) as batch_op:
        batch_op.drop_index('uq_profile_changes_pending_field', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_profile_changes_therapist_id'))
        batch_op.drop_index('ix_profile_changes_status_id')
    op.drop_table('profile_changes')
