"""The inbox: every update Telegram hands the bot, kept before Telegram is told it arrived.

Its payload (what the person wrote, their name and username) is sealed (storage/tables/sealed.py) and kept only
while it may still be handled: the mark "handled" clears it in the same transaction, and an update set aside
keeps it until an admin retries or drops it from /inbox, or the retention period ends. The id, kind, chat and
times stay, so a re-sent update is still known and /inbox can list it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import PERSONAL, Base
from storage.tables.sealed import SealedJSON

WAITING = text("handled_at IS NULL AND set_aside_at IS NULL")


class InboxUpdateRow(Base):
    """One update as Telegram sent it; handled when `handled_at` is set, in the transaction that handled it."""

    __tablename__ = "inbox_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The chat (or, without one, the person) whose updates are handled one after another, in order.
    chat_key: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    # None once it is no longer needed: handled, dropped, or set aside longer than the retention period.
    payload: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON, info=PERSONAL)
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # An update that kept failing is set aside: not retried, not holding up its chat, shown by /inbox.
    set_aside_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    # A set-aside update an admin dropped from /inbox (or the retention sweeper, its period over): never handled.
    dropped_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_inbox_updates_waiting", "update_id", sqlite_where=WAITING, postgresql_where=WAITING),
        Index("ix_inbox_updates_handled_at", "handled_at"),
        Index("ix_inbox_updates_waiting_chats", "chat_key", "update_id", sqlite_where=WAITING, postgresql_where=WAITING),
    )


class ChatLeaseRow(Base):
    """A chat being handled by one process: it holds the lease while it renews it, and lets go when the chat is idle.

    A lease that is not renewed runs out at `expires_at`; a live process then takes the chat over (storage/chat_leases.py).
    The row lives for as long as the chat has updates in hand: a few seconds, ids only.
    """

    __tablename__ = "chat_leases"

    chat_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime]

    __table_args__ = (Index("ix_chat_leases_holder", "holder"),)
