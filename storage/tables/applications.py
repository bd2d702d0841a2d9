"""Applications to join as a therapist, and the history of what was decided on them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base
from storage.tables.sealed import SealedJSON, SealedText

FINISHED_STEPS = "('published', 'declined')"


class ApplicationRow(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    applicant_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(32))
    referral_code: Mapped[str] = mapped_column(String(16), unique=True)
    referrer_id: Mapped[int | None] = mapped_column(BigInteger)
    # What the applicant told about themselves, and why they were declined: sealed at rest.
    first_answers: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    second_answers: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    position: Mapped[str] = mapped_column(String(32), default="")
    editing: Mapped[bool] = mapped_column(Boolean, default=False)
    interview_times: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 8601, UTC
    interview_link: Mapped[str | None] = mapped_column(String(300))
    interviewer_id: Mapped[int | None] = mapped_column(BigInteger)
    invitation_no: Mapped[int] = mapped_column(Integer, default=0)
    interview_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(SealedText)
    declined_at_step: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        # One application in progress per person, whatever two quick taps try.
        Index(
            "uq_applications_active_applicant",
            "applicant_id",
            unique=True,
            sqlite_where=text(f"step NOT IN {FINISHED_STEPS}"),
            postgresql_where=text(f"step NOT IN {FINISHED_STEPS}"),
        ),
        Index("ix_applications_step_updated_at", "step", "updated_at"),
    )


class ApplicationEventRow(Base):
    """Who did what to an application, and when: every admin decision is here."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    application_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(32))
    # The interview's times and link, a decline's reason: sealed like the application.
    note: Mapped[str] = mapped_column(SealedText, default="")
    at: Mapped[datetime]
