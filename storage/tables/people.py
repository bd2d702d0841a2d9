"""People, their roles, and the bot's own bookkeeping of conversations."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import PERSONAL, Base
from storage.tables.sealed import SealedJSON


class UserRow(Base):
    __tablename__ = "users"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    timezone_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class UserRoleRow(Base):
    __tablename__ = "user_roles"

    telegram_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class FsmStateRow(Base):
    """Conversation state, so an unfinished questionnaire survives a restart."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    # Drafts typed mid-conversation (a request note, a refund's reason, answers): sealed at rest.
    data: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict, info=PERSONAL)
    updated_at: Mapped[datetime]
