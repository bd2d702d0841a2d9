"""Therapist profiles, their weekly hours and vacations, and what the directory searches them by."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, Time, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base

# The directory's rule for "listed" (core.usecases.directory.is_listed) minus the vacation,
# which is a matter of time: a partial index holds exactly the therapists a client may find.
LISTED = text("verified AND accepting_clients AND NOT hidden")


class TherapistRow(Base):
    __tablename__ = "therapists"

    telegram_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    full_name: Mapped[str] = mapped_column(String(128))
    about: Mapped[str] = mapped_column(Text)
    education: Mapped[str] = mapped_column(Text)
    # The public texts in English (None: Ukrainian only).
    name_en: Mapped[str | None] = mapped_column(String(128))
    about_en: Mapped[str | None] = mapped_column(Text)
    education_en: Mapped[str | None] = mapped_column(Text)
    experience_years: Mapped[int] = mapped_column(Integer)
    price_minor: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    approaches: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    photo_file_id: Mapped[str | None] = mapped_column(String(255))
    share_code: Mapped[str] = mapped_column(String(32), unique=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    accepting_clients: Mapped[bool] = mapped_column(Boolean, default=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    session_minutes: Mapped[int] = mapped_column(Integer, default=50)
    gap_minutes: Mapped[int] = mapped_column(Integer, default=10)
    min_notice_minutes: Mapped[int] = mapped_column(Integer, default=25 * 60)
    hide_during_vacation: Mapped[bool] = mapped_column(Boolean, default=True)
    media_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None]
    meeting_url: Mapped[str | None] = mapped_column(String(512))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        # The directory's order, read in order: a page is the next few entries of this index.
        Index("ix_therapists_listed_by_name", "full_name", "telegram_id", postgresql_where=LISTED, sqlite_where=LISTED),
        # Everything "found: N" reads without a filter of tags, so the count never touches the rows.
        Index(
            "ix_therapists_listed_by_price",
            "price_minor",
            "hide_during_vacation",
            "telegram_id",
            postgresql_where=LISTED,
            sqlite_where=LISTED,
        ),
    )


class TherapistTagRow(Base):
    """The profile's topics, approaches and languages as rows, so the directory filters by an index.

    Kept by the therapist repository in the same flush as the profile's own lists.
    """

    __tablename__ = "therapist_tags"

    therapist_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("therapists.telegram_id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # topic, approach, language
    code: Mapped[str] = mapped_column(String(32), primary_key=True)

    __table_args__ = (Index("ix_therapist_tags_kind_code", "kind", "code", "therapist_id"),)


class WorkingHoursRow(Base):
    __tablename__ = "working_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("therapists.telegram_id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)


class VacationRow(Base):
    __tablename__ = "vacations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("therapists.telegram_id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
    # The vacation's days in the therapist's zone as UTC instants, [from, until): whether
    # it hides them now is then a comparison the database can make (and index).
    hidden_from: Mapped[datetime]
    hidden_until: Mapped[datetime]

    __table_args__ = (Index("ix_vacations_hidden_until", "hidden_until", "hidden_from"),)
