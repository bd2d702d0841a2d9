from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.schedule import SessionFormat, Vacation, WorkingHours
from core.therapists import TherapistProfile
from storage.tables.therapists import TherapistRow, VacationRow, WorkingHoursRow


class SqlTherapistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, telegram_id: int, *, for_update: bool = False) -> TherapistProfile | None:
        """`for_update` locks the profile until commit, so two changes to it queue up instead of overwriting."""
        statement = select(TherapistRow).where(TherapistRow.telegram_id == telegram_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        row = await self._session.scalar(statement)
        return await self._to_profile(row) if row else None

    async def by_share_code(self, code: str) -> TherapistProfile | None:
        row = await self._session.scalar(select(TherapistRow).where(TherapistRow.share_code == code))
        return await self._to_profile(row) if row else None

    async def all(self) -> list[TherapistProfile]:
        rows = await self._session.scalars(select(TherapistRow).order_by(TherapistRow.telegram_id))
        return [await self._to_profile(row) for row in rows]

    async def add(self, profile: TherapistProfile) -> None:
        self._session.add(TherapistRow(telegram_id=profile.telegram_id, **_fields(profile)))
        await self._session.flush()
        await self._replace_schedule(profile)

    async def save(self, profile: TherapistProfile) -> None:
        row = await self._session.get(TherapistRow, profile.telegram_id)
        if row is None:
            raise LookupError(f"no therapist {profile.telegram_id}")
        for name, value in _fields(profile).items():
            setattr(row, name, value)
        await self._session.flush()
        await self._replace_schedule(profile)

    async def _replace_schedule(self, profile: TherapistProfile) -> None:
        await self._session.execute(delete(WorkingHoursRow).where(WorkingHoursRow.therapist_id == profile.telegram_id))
        self._session.add_all(
            WorkingHoursRow(therapist_id=profile.telegram_id, weekday=h.weekday, start=h.start, end=h.end)
            for h in profile.hours
        )
        await self._sync_vacations(profile)
        await self._session.flush()

    async def _sync_vacations(self, profile: TherapistProfile) -> None:
        """Vacations keep their ids: a changed one is updated in place, a new one (id 0) is given its id."""
        rows = {
            row.id: row
            for row in await self._session.scalars(
                select(VacationRow).where(VacationRow.therapist_id == profile.telegram_id)
            )
        }
        kept = {vacation.id for vacation in profile.vacations if vacation.id}
        for vacation_id, row in rows.items():
            if vacation_id not in kept:
                await self._session.delete(row)
        for index, vacation in enumerate(profile.vacations):
            row = rows.get(vacation.id)
            if row is None:
                row = VacationRow(therapist_id=profile.telegram_id)
                self._session.add(row)
            row.first_day, row.last_day, row.note = vacation.first_day, vacation.last_day, vacation.note
            await self._session.flush()
            profile.vacations[index] = replace(vacation, id=row.id)

    async def _to_profile(self, row: TherapistRow) -> TherapistProfile:
        hours = await self._session.scalars(
            select(WorkingHoursRow)
            .where(WorkingHoursRow.therapist_id == row.telegram_id)
            .order_by(WorkingHoursRow.weekday, WorkingHoursRow.start)
        )
        vacations = await self._session.scalars(
            select(VacationRow).where(VacationRow.therapist_id == row.telegram_id).order_by(VacationRow.first_day)
        )
        return TherapistProfile(
            telegram_id=row.telegram_id,
            full_name=row.full_name,
            about=row.about,
            education=row.education,
            experience_years=row.experience_years,
            price_minor=row.price_minor,
            timezone=row.timezone,
            topics=list(row.topics),
            approaches=list(row.approaches),
            languages=list(row.languages),
            photo_file_id=row.photo_file_id,
            share_code=row.share_code,
            verified=row.verified,
            accepting_clients=row.accepting_clients,
            hidden=row.hidden,
            session=SessionFormat(timedelta(minutes=row.session_minutes), timedelta(minutes=row.gap_minutes)),
            min_notice=timedelta(minutes=row.min_notice_minutes),
            hours=[WorkingHours(h.weekday, h.start, h.end) for h in hours],
            vacations=[Vacation(v.first_day, v.last_day, v.note, v.id) for v in vacations],
            hide_during_vacation=row.hide_during_vacation,
            media_opt_in=row.media_opt_in,
            published_at=row.published_at,
        )


def _fields(profile: TherapistProfile) -> dict[str, object]:
    return {
        "full_name": profile.full_name,
        "about": profile.about,
        "education": profile.education,
        "experience_years": profile.experience_years,
        "price_minor": profile.price_minor,
        "timezone": profile.timezone,
        "topics": list(profile.topics),
        "approaches": list(profile.approaches),
        "languages": list(profile.languages),
        "photo_file_id": profile.photo_file_id,
        "share_code": profile.share_code,
        "verified": profile.verified,
        "accepting_clients": profile.accepting_clients,
        "hidden": profile.hidden,
        "session_minutes": int(profile.session.length.total_seconds() // 60),
        "gap_minutes": int(profile.session.gap.total_seconds() // 60),
        "min_notice_minutes": int(profile.min_notice.total_seconds() // 60),
        "hide_during_vacation": profile.hide_during_vacation,
        "media_opt_in": profile.media_opt_in,
        "published_at": profile.published_at,
    }
