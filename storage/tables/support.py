"""Support tickets and the map from relayed copies back to their tickets."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class SupportTicketRow(Base):
    __tablename__ = "support_tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_support_tickets_person_id_status", "person_id", "status"),)


class SupportRelayRow(Base):
    """A copy the bot put into a chat for a ticket: a reply to it is routed by (chat, message)."""

    __tablename__ = "support_relays"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(Integer, ForeignKey("support_tickets.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    origin_message_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (UniqueConstraint("chat_id", "message_id", name="uq_support_relays_chat_id_message_id"),)


class SupportTopicRow(Base):
    """The forum topic in the support chat where a person's tickets are discussed."""

    __tablename__ = "support_topics"

    person_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    thread_id: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (UniqueConstraint("chat_id", "thread_id", name="uq_support_topics_chat_id_thread_id"),)
