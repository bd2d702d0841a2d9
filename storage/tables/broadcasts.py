"""Broadcasts staff sent: who, to which segment, which message. Each copy is a timed message."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class BroadcastRow(Base):
    """People are named by id only: the record outlives its author's account, as the audit log does."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    author_id: Mapped[int] = mapped_column(BigInteger)
    segment: Mapped[str] = mapped_column(String(64))
    from_chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    recipients: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]

    # A message goes to a segment once, however often Confirm is tapped.
    __table_args__ = (UniqueConstraint("from_chat_id", "message_id", "segment", name="uq_broadcasts_message_segment"),)
