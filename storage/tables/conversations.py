"""The shared chat: conversations, whom each person is writing to, and where relays landed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class ConversationRow(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"))
    therapist_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"))
    last_message_at: Mapped[datetime | None]

    # One conversation per pair: the database, not a lookup first, keeps it so.
    __table_args__ = (
        UniqueConstraint("client_id", "therapist_id", name="uq_conversations_pair"),
        Index("ix_conversations_therapist_id", "therapist_id"),
    )


class ChatFocusRow(Base):
    """The conversation a person's plain (non-reply) messages go to, until they choose another."""

    __tablename__ = "chat_focus"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    conversation_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("conversations.id", ondelete="CASCADE"))


class RelayedMessageRow(Base):
    """A message the bot delivered on someone's behalf: the key to routing a reply to it."""

    __tablename__ = "relayed_messages"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    conversation_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("conversations.id", ondelete="CASCADE"))
    recipient_chat_id: Mapped[int] = mapped_column(BigInteger)
    delivered_message_id: Mapped[int] = mapped_column(BigInteger)
    origin_chat_id: Mapped[int] = mapped_column(BigInteger)
    origin_message_id: Mapped[int] = mapped_column(BigInteger)
    header: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("recipient_chat_id", "delivered_message_id", name="uq_relayed_messages_delivered"),
        Index("ix_relayed_messages_origin", "origin_chat_id", "origin_message_id"),
    )
