"""applications and their history

Revision ID: 0006
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('applications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('applicant_id', sa.BigInteger(), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('referral_code', sa.String(length=16), nullable=False),
    sa.Column('referrer_id', sa.BigInteger(), nullable=True),
    sa.Column('first_answers', sa.JSON(), nullable=False),
    sa.Column('second_answers', sa.JSON(), nullable=False),
    sa.Column('position', sa.String(length=32), nullable=False),
    sa.Column('editing', sa.Boolean(), nullable=False),
    sa.Column('interview_times', sa.JSON(), nullable=False),
    sa.Column('interview_link', sa.String(length=300), nullable=True),
    sa.Column('interviewer_id', sa.BigInteger(), nullable=True),
    sa.Column('invitation_no', sa.Integer(), nullable=False),
    sa.Column('interview_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('declined_at_step', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['users.telegram_id'], name=op.f('fk_applications_applicant_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('referral_code', name=op.f('uq_applications_referral_code'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_step_updated_at', ['step', 'updated_at'], unique=False)
        batch_op.create_index('uq_applications_active_applicant', ['applicant_id'], unique=True, sqlite_where=sa.text("step NOT IN ('published', 'declined')"), postgresql_where=sa.text("step NOT IN ('published', 'declined')"))

    op.create_table('application_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('application_id', sa.BigInteger(), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_events_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_events'))
    )
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_events_application_id'), ['application_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_events_application_id'))

    op.drop_table('application_events')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('uq_applications_active_applicant', sqlite_where=sa.text("step NOT IN ('published', 'declined')"), postgresql_where=sa.text("step NOT IN ('published', 'declined')"))
        batch_op.drop_index('ix_applications_step_updated_at')

    op.drop_table('applications')
