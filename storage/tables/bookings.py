"""Bookings. One partial unique index is what makes a slot bookable once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from core.bookings import ACTIVE
from storage.tables.base import Base
from storage.tables.sealed import SealedJSON, SealedText

# The active states, as SQL: only bookings in them hold a slot.
ACTIVE_CONDITION = text("status IN ({})".format(", ".join(f"'{status.value}'" for status in sorted(ACTIVE))))


class BookingRow(Base):
    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), index=True)
    therapist_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("therapists.telegram_id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    price_minor: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    lapses_at: Mapped[datetime | None]
    payment_due_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    paid_minor: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    refund_due_minor: Mapped[int | None] = mapped_column(Integer)
    meeting_room: Mapped[str | None] = mapped_column(String(64))
    # What the client comes with, for this therapist's eyes: sealed at rest.
    request_topics: Mapped[list[str] | None] = mapped_column(SealedJSON)  # topic codes, the therapist's own
    request_note: Mapped[str | None] = mapped_column(SealedText)

    __table_args__ = (
        Index(
            "uq_bookings_active_slot",
            "therapist_id",
            "starts_at",
            unique=True,
            sqlite_where=ACTIVE_CONDITION,
            postgresql_where=ACTIVE_CONDITION,
        ),
    )
