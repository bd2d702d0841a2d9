"""Demo therapists, so that a newcomer can find one and book at once (`python -m bot demo-data`).

They are fictional, verified and taking clients, with weekly hours in their own
zones. Their Telegram ids are negative: no real person has one, so they never
collide with someone who writes to the bot. A therapist already there is left
as it is, so loading again changes nothing.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url

from bot.settings import DatabaseOnly
from core.clock import Clock, SystemClock
from core.ports import UnitOfWork
from core.schedule import Vacation, WorkingHours
from core.therapists import TherapistProfile
from core.users import Role, User
from storage.db import create_engine, is_sqlite, session_factory
from storage.encryption import KeyRing
from storage.migrate import upgrade_to_head
from storage.uow import SqlUnitOfWork

MON, TUE, WED, THU, FRI, SAT = range(6)


@dataclass(frozen=True)
class DemoTherapist:
    telegram_id: int
    full_name: str
    timezone: str
    price_minor: int
    experience_years: int
    topics: list[str]
    approaches: list[str]
    languages: list[str]
    hours: list[WorkingHours]
    about: str
    education: str
    share_code: str
    min_notice: timedelta | None = None  # None: the platform's default
    vacation_in_days: tuple[int, int] | None = None  # (from, to) days after the first load


def _weekly(days: tuple[int, ...], start: int, end: int) -> list[WorkingHours]:
    return [WorkingHours(day, time(start), time(end)) for day in days]


THERAPISTS = (
    DemoTherapist(
        telegram_id=-9_000_001,
        full_name="Ірина Коваленко",
        timezone="Europe/Kyiv",
        price_minor=120_000,
        experience_years=9,
        topics=["anxiety", "burnout", "self_esteem"],
        approaches=["cbt", "schema"],
        languages=["uk", "en"],
        hours=_weekly((MON, TUE, WED, THU, FRI), 10, 18),
        about=(
            "Працюю з тривогою, панічними атаками та вигоранням. Разом шукаємо, що підтримує вас саме зараз, "
            "і вчимося помічати думки, які виснажують. Говорю просто, без жаргону."
        ),
        education="Київський національний університет імені Тараса Шевченка, психологія (магістр). "
        "Сертифікація з КПТ (450 годин), супервізія щомісяця.",
        share_code="kovalenko",
    ),
    DemoTherapist(
        telegram_id=-9_000_002,
        full_name="Андрій Мельник",
        timezone="Europe/Warsaw",
        price_minor=150_000,
        experience_years=12,
        topics=["relationships", "family", "parenting"],
        approaches=["family_systems", "psychodynamic"],
        languages=["uk", "pl"],
        hours=_weekly((MON, WED, FRI), 16, 21) + _weekly((SAT,), 10, 14),
        about=(
            "Сімейний терапевт. Допомагаю парам і батькам чути одне одного, особливо коли родина живе в різних "
            "країнах. Приймаю з Варшави, вечорами та в суботу."
        ),
        education="Львівський національний університет імені Івана Франка, психологія. "
        "Системна сімейна терапія (600 годин).",
        share_code="melnyk",
    ),
    DemoTherapist(
        telegram_id=-9_000_003,
        full_name="Оксана Гнатюк",
        timezone="Europe/Kyiv",
        price_minor=180_000,
        experience_years=14,
        topics=["trauma", "grief", "anxiety"],
        approaches=["emdr", "gestalt"],
        languages=["uk", "en"],
        hours=_weekly((TUE, WED, THU), 9, 15),
        about=(
            "Травматерапевтка. Працюю з досвідом війни, втратою близьких і тим, що лишається після. "
            "Темп задаєте ви."
        ),
        education="Національний медичний університет імені О. О. Богомольця, медична психологія. "
        "EMDR (рівні 1–2), гештальт-терапія (3 роки навчання).",
        share_code="hnatiuk",
        vacation_in_days=(10, 17),
    ),
    DemoTherapist(
        telegram_id=-9_000_004,
        full_name="Тарас Бондаренко",
        timezone="Europe/Kyiv",
        price_minor=90_000,
        experience_years=4,
        topics=["depression", "burnout", "addiction"],
        approaches=["cbt"],
        languages=["uk"],
        hours=_weekly((MON, TUE, WED, THU, FRI), 18, 21) + _weekly((SAT,), 10, 13),
        about=(
            "Допомагаю, коли бракує сил на звичайні справи, і тим, хто хоче змінити стосунки з алкоголем "
            "чи іграми. Вечірні години для тих, хто працює вдень."
        ),
        education="Харківський національний університет імені В. Н. Каразіна, психологія. КПТ (400 годин).",
        share_code="bondarenko",
    ),
    DemoTherapist(
        telegram_id=-9_000_005,
        full_name="Софія Лисенко",
        timezone="Europe/Warsaw",
        price_minor=130_000,
        experience_years=7,
        topics=["self_esteem", "eating", "relationships"],
        approaches=["person_centred", "existential"],
        languages=["uk", "pl", "en"],
        hours=_weekly((MON, TUE, WED, THU), 8, 13),
        about=(
            "Живу в Кракові. Працюю з самооцінкою, стосунками з їжею та власним тілом, з пошуком себе "
            "після переїзду. Можемо говорити українською, польською чи англійською."
        ),
        education="Ягеллонський університет, психологія (магістр). Клієнт-центрована терапія (500 годин).",
        share_code="lysenko",
    ),
    DemoTherapist(
        telegram_id=-9_000_006,
        full_name="Марта Савчук",
        timezone="Europe/Kyiv",
        price_minor=200_000,
        experience_years=16,
        topics=["relationships", "sexuality", "self_esteem"],
        approaches=["psychodynamic", "existential"],
        languages=["uk", "en"],
        hours=_weekly((TUE, THU), 12, 19),
        about=(
            "Психодинамічна терапевтка. Про близькість, сексуальність і повторювані сценарії у стосунках. "
            "Можу взяти сесію й на сьогодні: оплата тоді протягом години."
        ),
        education="Національний університет «Києво-Могилянська академія», психологія. "
        "Психоаналітична психотерапія (800 годин), член професійної асоціації.",
        share_code="savchuk",
        min_notice=timedelta(hours=4),
    ),
)


async def load_demo_data(uow: UnitOfWork, clock: Clock) -> int:
    """Add the demo therapists that are not there yet; returns how many were added."""
    now = clock.now()
    added = 0
    for demo in THERAPISTS:
        if await uow.therapists.get(demo.telegram_id) is not None:
            continue
        if await uow.users.get(demo.telegram_id) is None:
            first_name = demo.full_name.split()[0]
            await uow.users.add(
                User(demo.telegram_id, first_name, "uk", demo.timezone, now, roles={Role.THERAPIST}, timezone_chosen=True)
            )
        await uow.therapists.add(_profile(demo, now))
        added += 1
    await uow.commit()
    return added


def _profile(demo: DemoTherapist, now: datetime) -> TherapistProfile:
    profile = TherapistProfile(
        telegram_id=demo.telegram_id,
        full_name=demo.full_name,
        about=demo.about,
        education=demo.education,
        experience_years=demo.experience_years,
        price_minor=demo.price_minor,
        timezone=demo.timezone,
        topics=list(demo.topics),
        approaches=list(demo.approaches),
        languages=list(demo.languages),
        share_code=demo.share_code,
        verified=True,
        hours=list(demo.hours),
        vacations=_vacations(demo, now.astimezone(ZoneInfo(demo.timezone)).date()),
        published_at=now,
    )
    if demo.min_notice is not None:
        profile.min_notice = demo.min_notice
    return profile


def _vacations(demo: DemoTherapist, today: date) -> list[Vacation]:
    if demo.vacation_in_days is None:
        return []
    first, last = demo.vacation_in_days
    return [Vacation(today + timedelta(days=first), today + timedelta(days=last))]


async def _load(url: str, keys: KeyRing | None) -> int:
    engine = create_engine(url, keys=keys)
    try:
        await upgrade_to_head(engine)
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            return await load_demo_data(uow, SystemClock())
    finally:
        await engine.dispose()


def main() -> int:
    found = DatabaseOnly()
    url = found.database_url
    if is_sqlite(url) and (path := make_url(url).database) and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)  # a first run, before the bot ever started
    added = asyncio.run(_load(url, found.key_ring()))
    if added:
        print(f"Added {added} demo therapist(s); {len(THERAPISTS) - added} were already there.")
    else:
        print(f"All {len(THERAPISTS)} demo therapists are already there; nothing changed.")
    return 0
