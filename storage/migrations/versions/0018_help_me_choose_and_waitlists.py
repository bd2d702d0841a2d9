"""help me choose: the answers a client keeps and the matches made; waitlists

Revision ID: 0018
Revises: 0017
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_answers',
    sa.Column('client_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.Column('fill_requests', sa.Boolean(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['users.telegram_id'], name=op.f('fk_match_answers_client_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_match_answers'))
    )
    op.create_table('matches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['users.telegram_id'], name=op.f('fk_matches_client_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matches'))
    )
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matches_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matches_made_at'), ['made_at'], unique=False)

    op.create_table('match_offers',
    sa.Column('match_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('therapist_id', sa.BigInteger(), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], name=op.f('fk_match_offers_match_id_matches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.telegram_id'], name=op.f('fk_match_offers_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('match_id', 'position', name=op.f('pk_match_offers'))
    )
    with op.batch_alter_table('match_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_offers_therapist_id'), ['therapist_id'], unique=False)

    op.create_table('waitlist_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('therapist_id', sa.BigInteger(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('windows', sa.JSON(), nullable=False),
    sa.Column('zone', sa.String(length=64), nullable=False),
    sa.Column('match_group', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('untold', sa.JSON(), nullable=False),
    sa.Column('told', sa.JSON(), nullable=False),
    sa.Column('last_told_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['users.telegram_id'], name=op.f('fk_waitlist_entries_client_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.telegram_id'], name=op.f('fk_waitlist_entries_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entries')),
    sa.UniqueConstraint('client_id', 'therapist_id', name=op.f('uq_waitlist_entries_client_id'))
    )
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.create_index('ix_waitlist_entries_joined_at', ['joined_at'], unique=False)
        batch_op.create_index('ix_waitlist_entries_waiting', ['therapist_id', 'status', 'joined_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_entries_waiting')
        batch_op.drop_index('ix_waitlist_entries_joined_at')

    op.drop_table('waitlist_entries')
    with op.batch_alter_table('match_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_offers_therapist_id'))

    op.drop_table('match_offers')
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matches_made_at'))
        batch_op.drop_index(batch_op.f('ix_matches_client_id'))

    op.drop_table('matches')
    op.drop_table('match_answers')
