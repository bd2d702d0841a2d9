"""A therapist's profile, weekly hours and vacations."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import Erasure, Kept, Obstacle
from storage.tables import TherapistRow, VacationRow, WorkingHoursRow


class TherapistData:
    topic = "therapist_profile"
    tables = ("therapists", "therapist_tags", "working_hours", "vacations")

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        row = await self._session.get(TherapistRow, person_id)
        if row is None:
            return None
        hours = await self._session.scalars(
            select(WorkingHoursRow).where(WorkingHoursRow.therapist_id == person_id).order_by(WorkingHoursRow.weekday)
        )
        vacations = await self._session.scalars(
            select(VacationRow).where(VacationRow.therapist_id == person_id).order_by(VacationRow.first_day)
        )
        return {
            "full_name": row.full_name,
            "about": row.about,
            "education": row.education,
            "name_in_english": row.name_en,
            "about_in_english": row.about_en,
            "education_in_english": row.education_en,
            "experience_years": row.experience_years,
            "price_minor_units": row.price_minor,
            "time_zone": row.timezone,
            "topics": row.topics,
            "approaches": row.approaches,
            "languages": row.languages,
            "has_photo": row.photo_file_id is not None,
            "share_code": row.share_code,
            "verified": row.verified,
            "accepting_clients": row.accepting_clients,
            "hidden": row.hidden,
            "session_minutes": row.session_minutes,
            "break_minutes": row.gap_minutes,
            "media_opt_in": row.media_opt_in,
            "published_at": row.published_at.isoformat() if row.published_at else None,
            "weekly_hours": [
                {"weekday": h.weekday, "start": h.start.isoformat("minutes"), "end": h.end.isoformat("minutes")}
                for h in hours
            ],
            "vacations": [
                {"first_day": v.first_day.isoformat(), "last_day": v.last_day.isoformat(), "note": v.note}
                for v in vacations
            ],
        }

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        await self._session.execute(delete(TherapistRow).where(TherapistRow.telegram_id == erasure.person_id))
        return []
