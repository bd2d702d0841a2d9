"""Join the topic branches (chat, vetting, staff, payments, cabinet, console) into one history.

Revision ID: 0012
Revises: 0005, 0006, 0008, 0009, 0010, 0011
"""
from __future__ import annotations

revision = "0012"
down_revision = ("0005", "0006", "0008", "0009", "0010", "0011")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches only meet here."""


def downgrade() -> None:
    """Nothing to change: the branches only part here."""
