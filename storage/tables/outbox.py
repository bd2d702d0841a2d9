"""Timed messages: every message the bot sends on its own initiative is a row first."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base

# Partial indexes keep the claim query a short range scan however many
# messages were sent over the years: only waiting and in-flight rows are indexed.
PENDING = text("status = 'pending'")
SENDING = text("status = 'sending'")


class TimedMessageRow(Base):
    __tablename__ = "timed_messages"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    recipient_id: Mapped[int] = mapped_column(BigInteger)
    due_at: Mapped[datetime]
    # One message per reason: scheduling the same key again replaces it, never doubles it.
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # The lease of the process sending it: another process may take the row over
    # only once the lease has run out (the holder crashed).
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    # Parts of a several-part message already sent, so a retry sends only the rest.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_timed_messages_pending_due_at", "due_at", "id", postgresql_where=PENDING, sqlite_where=PENDING),
        Index(
            "ix_timed_messages_sending_claimed_until",
            "claimed_until",
            postgresql_where=SENDING,
            sqlite_where=SENDING,
        ),
    )
