"""the directory searches in SQL: therapists' tags, vacations' UTC bounds, indexes of the listed therapists

Revision ID: 0013
Revises: 0012
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

LISTED = sa.text('verified AND accepting_clients AND NOT hidden')
TAG_KINDS = (('topics', 'topic'), ('approaches', 'approach'), ('languages', 'language'))


def upgrade() -> None:
    op.create_table('therapist_tags',
    sa.Column('therapist_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.telegram_id'], name=op.f('fk_therapist_tags_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('therapist_id', 'kind', 'code', name=op.f('pk_therapist_tags'))
    )
    with op.batch_alter_table('therapist_tags', schema=None) as batch_op:
        batch_op.create_index('ix_therapist_tags_kind_code', ['kind', 'code', 'therapist_id'], unique=False)

    with op.batch_alter_table('therapists', schema=None) as batch_op:
        batch_op.create_index('ix_therapists_listed_by_name', ['full_name', 'telegram_id'], unique=False, postgresql_where=LISTED, sqlite_where=LISTED)
        batch_op.create_index('ix_therapists_listed_by_price', ['price_minor', 'hide_during_vacation', 'telegram_id'], unique=False, postgresql_where=LISTED, sqlite_where=LISTED)

    with op.batch_alter_table('vacations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_from', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_until', sa.DateTime(timezone=True), nullable=True))

    _fill()

    with op.batch_alter_table('vacations', schema=None) as batch_op:
        batch_op.alter_column('hidden_from', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('hidden_until', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index('ix_vacations_hidden_until', ['hidden_until', 'hidden_from'], unique=False)


def _fill() -> None:
    """Tags from the profiles' own lists; each vacation's bounds from its therapist's zone."""
    connection = op.get_bind()
    sqlite = connection.dialect.name == 'sqlite'
    therapists = sa.table(
        'therapists', sa.column('telegram_id', sa.BigInteger()), sa.column('timezone', sa.String()),
        *(sa.column(column, sa.JSON()) for column, _ in TAG_KINDS),
    )
    tags = sa.table('therapist_tags', sa.column('therapist_id'), sa.column('kind'), sa.column('code'))
    vacations = sa.table(
        'vacations', sa.column('id', sa.Integer()), sa.column('therapist_id', sa.BigInteger()),
        sa.column('first_day', sa.Date()), sa.column('last_day', sa.Date()),
        sa.column('hidden_from', sa.DateTime(timezone=True)), sa.column('hidden_until', sa.DateTime(timezone=True)),
    )
    profiles = connection.execute(sa.select(therapists)).all()
    rows = [
        {'therapist_id': profile.telegram_id, 'kind': kind, 'code': code}
        for profile in profiles
        for column, kind in TAG_KINDS
        for code in set(getattr(profile, column) or [])
    ]
    if rows:
        connection.execute(tags.insert(), rows)
    zones = {profile.telegram_id: ZoneInfo(profile.timezone) for profile in profiles}
    for vacation in connection.execute(sa.select(vacations.c.id, vacations.c.therapist_id, vacations.c.first_day, vacations.c.last_day)).all():
        zone = zones[vacation.therapist_id]
        bounds = [
            datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
            for day in (vacation.first_day, vacation.last_day + timedelta(days=1))
        ]
        if sqlite:  # as the application stores them there: naive UTC
            bounds = [moment.replace(tzinfo=None) for moment in bounds]
        connection.execute(
            vacations.update().where(vacations.c.id == vacation.id).values(hidden_from=bounds[0], hidden_until=bounds[1])
        )


def downgrade() -> None:
    with op.batch_alter_table('vacations', schema=None) as batch_op:
        batch_op.drop_index('ix_vacations_hidden_until')
        batch_op.drop_column('hidden_until')
        batch_op.drop_column('hidden_from')

    with op.batch_alter_table('therapists', schema=None) as batch_op:
        batch_op.drop_index('ix_therapists_listed_by_price', postgresql_where=LISTED, sqlite_where=LISTED)
        batch_op.drop_index('ix_therapists_listed_by_name', postgresql_where=LISTED, sqlite_where=LISTED)

    with op.batch_alter_table('therapist_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_therapist_tags_kind_code')

    op.drop_table('therapist_tags')
