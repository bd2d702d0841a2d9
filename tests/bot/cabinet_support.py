"""A verified therapist in her cabinet, for the cabinet tests.

Time: START is Tuesday 24 November 2026, 10:00 in Kyiv. Iryna (IRYNA) is a verified
therapist in Kyiv reading Ukrainian, working Monday to Friday 10:00–18:00 in
50-minute sessions with 10-minute breaks; clients book from 25 hours ahead.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import App
from core.therapists import TherapistProfile
from storage.tables import VacationRow, WorkingHoursRow
from tests.bot.booking_support import IRYNA, add_therapist
from tests.support.bot_client import BotClient, MakeClient, Reply

MENU_HOURS, MENU_VACATION, MENU_PROFILE, MENU_MONTH = "🗓 Години", "🏖 Відпустка", "👤 Профіль", "📊 Цей місяць"


async def iryna_in_cabinet(app: App, make_client: MakeClient, **profile: Any) -> BotClient:
    await add_therapist(app, **profile)
    return make_client(IRYNA, "Iryna")


async def profile_of(app: App, telegram_id: int = IRYNA) -> TherapistProfile:
    async with app.unit_of_work() as uow:
        profile = await uow.therapists.get(telegram_id)
    assert profile is not None
    return profile


async def hours_rows(app: App, telegram_id: int = IRYNA) -> list[tuple[int, str, str]]:
    async with app.sessions() as db:
        rows = await db.scalars(
            select(WorkingHoursRow)
            .where(WorkingHoursRow.therapist_id == telegram_id)
            .order_by(WorkingHoursRow.weekday, WorkingHoursRow.start)
        )
        return [(row.weekday, f"{row.start:%H:%M}", f"{row.end:%H:%M}") for row in rows]


async def vacation_rows(app: App, telegram_id: int = IRYNA) -> list[tuple[int, str, str, str | None]]:
    async with app.sessions() as db:
        rows = await db.scalars(
            select(VacationRow).where(VacationRow.therapist_id == telegram_id).order_by(VacationRow.first_day)
        )
        return [(row.id, row.first_day.isoformat(), row.last_day.isoformat(), row.note) for row in rows]


def answers(replies: list[Reply]) -> list[str]:
    """What the person read in answer to one update: messages, edits and alerts alike."""
    return BotClient.texts_of(replies) + BotClient.alerts(replies)
