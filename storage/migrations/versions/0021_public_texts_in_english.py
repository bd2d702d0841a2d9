"""therapists may give their public texts in English too: name, about and education, for English readers

Revision ID: 0021
Revises: 0020
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('therapists') as batch:
        batch.add_column(sa.Column('name_en', sa.String(length=128), nullable=True))
        batch.add_column(sa.Column('about_en', sa.Text(), nullable=True))
        batch.add_column(sa.Column('education_en', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('therapists') as batch:
        batch.drop_column('education_en')
        batch.drop_column('about_en')
        batch.drop_column('name_en')
