"""Therapists' proposed profile changes and the decisions on them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class ProfileChangeRow(Base):
    __tablename__ = "profile_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("therapists.telegram_id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(16))
    value: Mapped[Any] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    proposed_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # One proposal per field waits at a time: a newer one withdraws the older first.
        Index(
            "uq_profile_changes_pending_field",
            "therapist_id",
            "field",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_profile_changes_status_id", "status", "id"),
    )
