"""Therapist profiles, their weekly hours and vacations."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class TherapistRow(Base):
    __tablename__ = "therapists"

    telegram_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    full_name: Mapped[str] = mapped_column(String(128))
    about: Mapped[str] = mapped_column(Text)
    education: Mapped[str] = mapped_column(Text)
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
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


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
