"""Staff roles given in the bot, and the audit log of what staff did."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class StaffRoleRow(Base):
    __tablename__ = "staff_roles"

    telegram_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    # No foreign key: who granted a role stays on record even if their account goes.
    granted_by: Mapped[int] = mapped_column(BigInteger)
    granted_at: Mapped[datetime]


class AuditRow(Base):
    """People are named by id only (no foreign keys): the log outlives their accounts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime]

    __table_args__ = (Index("ix_audit_log_subject_id_id", "subject_id", "id"),)
