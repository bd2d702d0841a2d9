"""Waitlists: a client waiting for a time to open with a therapist (core/waitlist.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class WaitlistEntryRow(Base):
    __tablename__ = "waitlist_entries"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"))
    therapist_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("therapists.telegram_id", ondelete="CASCADE"))
    joined_at: Mapped[datetime]
    windows: Mapped[list[str]] = mapped_column(JSON)
    zone: Mapped[str] = mapped_column(String(64))
    match_group: Mapped[int | None] = mapped_column(BigInteger)  # the match it was joined from, with the others
    status: Mapped[str] = mapped_column(String(16))
    ended_at: Mapped[datetime | None]
    untold: Mapped[list[str]] = mapped_column(JSON)  # ISO instants
    told: Mapped[list[str]] = mapped_column(JSON)
    last_told_at: Mapped[datetime | None]
    revision: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("client_id", "therapist_id"),  # one entry a pair: joining again renews it
        Index("ix_waitlist_entries_waiting", "therapist_id", "status", "joined_at"),
        Index("ix_waitlist_entries_joined_at", "joined_at"),
    )
