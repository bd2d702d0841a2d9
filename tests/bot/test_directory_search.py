"""The directory's query in the database: who is listed, filters, the count, pages, the nearest free time.

Against the real storage (SQLite, or PostgreSQL when DATABASE_URL names one),
because that is where listing, filtering and paging now happen.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from alembic import command
from sqlalchemy import select, text

from core.clock import ManualClock
from core.schedule import Vacation, WorkingHours
from core.usecases.booking import BookingPolicy, free_times
from core.usecases.directory import Filters, find_therapists, is_listed
from storage.db import create_engine, session_factory
from storage.migrate import _config, upgrade_to_head
from storage.tables import TherapistTagRow
from storage.uow import SqlUnitOfWork
from tests.bot import booking_support
from tests.bot.booking_support import OLENA, add_therapist, booked, scene, utc
from tests.conftest import START
from tests.support.keys import TEST_RING

app = booking_support.app
sleeper = booking_support.sleeper
POLICY = BookingPolicy()
ANYONE = Filters()


async def page_of(app, filters: Filters = ANYONE, *, page: int = 0, per_page: int = 5, at: datetime = START):
    async with app.unit_of_work() as uow:
        return await find_therapists(uow, ManualClock(at), filters, POLICY, page=page, per_page=per_page)


def ids(page) -> list[int]:
    return [listing.therapist.telegram_id for listing in page.listings]


async def test_only_verified_accepting_visible_therapists_not_hidden_by_a_vacation_today_are_found(app):
    today = date(2026, 11, 24)
    await add_therapist(app, 3001, "A Listed")
    await add_therapist(app, 3002, "B Unverified", verified=False)
    await add_therapist(app, 3003, "C Paused", accepting_clients=False)
    await add_therapist(app, 3004, "D Hidden", hidden=True)
    await add_therapist(app, 3005, "E Away", vacations=[Vacation(today, today + timedelta(days=3))])
    await add_therapist(app, 3006, "F Away later", vacations=[Vacation(today + timedelta(days=3), today + timedelta(days=9))])
    await add_therapist(app, 3007, "G Away but shown", vacations=[Vacation(today, today)], hide_during_vacation=False)

    page = await page_of(app)

    assert ids(page) == [3001, 3006, 3007]
    assert (page.found, page.pages, page.number) == (3, 1, 0)


async def test_a_vacation_hides_from_midnight_to_midnight_on_the_therapists_own_clock(app):
    # 25 Nov in Tokyo (UTC+9) starts at 15:00 UTC on the 24th; in New York (UTC−5) at 05:00 UTC on the 25th.
    day = date(2026, 11, 25)
    await add_therapist(app, 3001, "Tokyo", zone="Asia/Tokyo", vacations=[Vacation(day, day)])
    await add_therapist(app, 3002, "New York", zone="America/New_York", vacations=[Vacation(day, day)])
    await add_therapist(app, 3003, "Kyiv", zone="Europe/Kyiv", vacations=[Vacation(day, day)])
    async with app.unit_of_work() as uow:
        profiles = [await uow.therapists.get(telegram_id) for telegram_id in (3001, 3002, 3003)]

    for hour in range(0, 72):
        moment = utc(2026, 11, 24, 0) + timedelta(hours=hour, minutes=30 * (hour % 2))
        expected = [p.telegram_id for p in profiles if p is not None and is_listed(p, moment)]
        assert sorted(ids(await page_of(app, at=moment))) == expected, moment
    assert ids(await page_of(app, at=utc(2026, 11, 24, 14, 59))) == [3003, 3002, 3001]  # by name
    assert ids(await page_of(app, at=utc(2026, 11, 24, 15, 0))) == [3003, 3002]  # midnight in Tokyo: away
    assert ids(await page_of(app, at=utc(2026, 11, 25, 5, 0))) == []  # midnight in New York: all three away
    assert ids(await page_of(app, at=utc(2026, 11, 25, 15, 0))) == [3001]  # the 26th in Tokyo: back


async def test_moving_to_another_zone_moves_the_vacation_with_the_therapist(app):
    day = date(2026, 11, 25)
    therapist = await add_therapist(app, 3001, "Moving", zone="Europe/Kyiv", vacations=[Vacation(day, day)])
    evening_before = utc(2026, 11, 24, 16)  # 18:00 in Kyiv, 01:00 on the 25th in Tokyo
    assert ids(await page_of(app, at=evening_before)) == [3001]

    async with app.unit_of_work() as uow:
        stored = await uow.therapists.get(therapist.telegram_id)
        assert stored is not None
        stored.timezone = "Asia/Tokyo"
        await uow.therapists.save(stored)
        await uow.commit()

    assert ids(await page_of(app, at=evening_before)) == []


async def test_filters_narrow_by_topic_approach_language_and_price_and_are_counted(app):
    await add_therapist(app, 3001, "Anna", topics=["anxiety"], approaches=["cbt"], languages=["uk"], price_minor=90_000)
    await add_therapist(app, 3002, "Bohdan", topics=["grief"], approaches=["gestalt"], languages=["pl", "uk"], price_minor=100_000)
    await add_therapist(app, 3003, "Chrystia", topics=["grief", "anxiety"], approaches=["cbt"], languages=["en"], price_minor=150_000)

    assert ids(await page_of(app, Filters(topic="grief"))) == [3002, 3003]
    assert ids(await page_of(app, Filters(topic="grief", approach="cbt"))) == [3003]
    assert ids(await page_of(app, Filters(language="pl"))) == [3002]
    assert ids(await page_of(app, Filters(price_band=0))) == [3001]  # below 1 000 ₴
    assert ids(await page_of(app, Filters(price_band=1))) == [3002]  # from 1 000 ₴, below 1 500 ₴
    assert ids(await page_of(app, Filters(price_band=2))) == [3003]  # from 1 500 ₴
    nobody = await page_of(app, Filters(topic="anxiety", language="pl"))
    assert (nobody.listings, nobody.found, nobody.pages, nobody.number) == ([], 0, 1, 0)


async def test_an_edited_profile_is_found_by_its_new_topics_only(app):
    therapist = await add_therapist(app, 3001, "Anna", topics=["anxiety", "grief"])
    async with app.unit_of_work() as uow:
        stored = await uow.therapists.get(therapist.telegram_id)
        assert stored is not None
        stored.topics = ["burnout"]
        await uow.therapists.save(stored)
        await uow.commit()

    assert ids(await page_of(app, Filters(topic="grief"))) == []
    assert ids(await page_of(app, Filters(topic="burnout"))) == [3001]
    async with app.sessions() as db:
        tags = set((await db.execute(select(TherapistTagRow.kind, TherapistTagRow.code))).all())
    assert tags == {("topic", "burnout"), ("approach", "cbt"), ("language", "uk"), ("language", "en")}


async def test_pages_go_by_name_then_id_and_a_page_past_the_end_is_the_last(app):
    for n in range(12):
        await add_therapist(app, 3100 + n, f"Therapist {n % 6}", share_code=f"t{n}")

    pages = [await page_of(app, page=number) for number in range(3)]
    assert [page.found for page in pages] == [12, 12, 12]
    assert [page.pages for page in pages] == [3, 3, 3]
    everyone = [telegram_id for page in pages for telegram_id in ids(page)]
    assert everyone == sorted(range(3100, 3112), key=lambda telegram_id: ((telegram_id - 3100) % 6, telegram_id))
    past_the_end = await page_of(app, page=7)
    assert (past_the_end.number, ids(past_the_end)) == (2, ids(pages[2]))
    assert (await page_of(app, page=-3)).number == 0


async def test_each_listing_carries_the_nearest_free_time_bookings_taken_into_account(app):
    await scene(app)
    await add_therapist(app, 3001, "Evening", hours=[WorkingHours(3, time(18), time(20))])  # Thursdays only
    await add_therapist(app, 3002, "No hours yet", hours=[])
    first_free = utc(2026, 11, 25, 9)  # Wednesday 11:00 in Kyiv: 25 hours ahead
    await booked(app, OLENA, first_free)

    page = await page_of(app)

    nearest = {listing.therapist.telegram_id: listing.nearest for listing in page.listings}
    async with app.unit_of_work() as uow:
        iryna = await uow.therapists.get(2001)
        assert iryna is not None
        free = await free_times(uow, ManualClock(START), iryna, POLICY)
    assert nearest[2001] == free[0] == first_free + timedelta(hours=1)
    assert nearest[3001] == utc(2026, 11, 26, 16)  # Thursday 18:00 in Kyiv
    assert nearest[3002] is None


async def test_the_migration_gives_existing_profiles_their_tags_and_vacations_their_bounds(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.db'}"
    engine = create_engine(url, keys=TEST_RING)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(_config(sync), "0012"))
            await connection.execute(
                text(
                    "INSERT INTO users (telegram_id, first_name, locale, timezone, timezone_chosen, reachable, created_at) "
                    "VALUES (3001, 'Anna', 'uk', 'Asia/Tokyo', 1, 1, '2026-11-01 00:00:00.000000')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO therapists (telegram_id, full_name, about, education, experience_years, price_minor,"
                    " timezone, topics, approaches, languages, share_code, verified, accepting_clients, hidden,"
                    " session_minutes, gap_minutes, min_notice_minutes, hide_during_vacation, media_opt_in, extra)"
                    " VALUES (3001, 'Anna', '', '', 5, 90000, 'Asia/Tokyo', '[\"grief\"]', '[\"cbt\"]', '[\"uk\", \"en\"]',"
                    " 'anna', 1, 1, 0, 50, 10, 1500, 1, 0, '{}')"
                )
            )
            await connection.execute(
                text("INSERT INTO vacations (therapist_id, first_day, last_day) VALUES (3001, '2026-11-25', '2026-11-25')")
            )
        await upgrade_to_head(engine)
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            grief = await find_therapists(uow, ManualClock(START), Filters(topic="grief", language="en"), POLICY)
            away = await find_therapists(uow, ManualClock(utc(2026, 11, 24, 15)), Filters(), POLICY)
    finally:
        await engine.dispose()

    assert [listing.therapist.full_name for listing in grief.listings] == ["Anna"]
    assert away.found == 0  # midnight of the 25th in Tokyo
