"""Help me choose in the database: who can be matched, in which order, the figures and the person's data.

Against the real storage (SQLite, or PostgreSQL when DATABASE_URL names one), because that is where
the filtering and the order happen.
"""
from __future__ import annotations

import json
from datetime import date, time, timedelta
from typing import Any

from aiogram.methods import SendDocument

from core.clock import ManualClock
from core.rules.matching import Answers, Window
from core.schedule import Vacation, WorkingHours
from core.usecases.booking import BookingPolicy, cancel_booking
from core.usecases.matching import can_be_matched, find_matches
from core.usecases.waitlist import join_waitlist
from tests.bot import booking_support
from tests.bot.booking_support import OLENA, PETRO, add_person, add_therapist, booked, utc
from tests.conftest import ADMIN_ID, START
from tests.support.bot_client import BotClient

app = booking_support.app
sleeper = booking_support.sleeper
POLICY = BookingPolicy()


async def matching_ids(app: Any, answers: Answers, *, at: Any = START, seed: int = OLENA) -> list[tuple[int, int]]:
    async with app.unit_of_work() as uow:
        found = await uow.therapists.matching(answers, at, seed=seed, offset=0, limit=100)
    return [(profile.telegram_id, shared) for profile, shared in found]


async def test_only_those_who_can_be_matched_and_fit_the_profiles_answers_are_read(app):
    today = date(2026, 11, 24)
    await add_therapist(app, 3001, "A Listed", topics=["anxiety", "grief"], languages=["uk"], price_minor=120_000)
    await add_therapist(app, 3002, "B Paused", accepting_clients=False)
    await add_therapist(app, 3003, "C Hidden", hidden=True)
    await add_therapist(app, 3004, "D Unverified", verified=False)
    await add_therapist(app, 3005, "E Away, shown", vacations=[Vacation(today, today)], hide_during_vacation=False)
    await add_therapist(app, 3006, "F Away later", vacations=[Vacation(today + timedelta(days=3), today + timedelta(days=9))])
    await add_therapist(app, 3007, "G English", topics=["anxiety"], languages=["en"], price_minor=90_000)
    await add_therapist(app, 3008, "H Gestalt", topics=["burnout"], approaches=["gestalt"], price_minor=200_000)

    assert sorted(i for i, _ in await matching_ids(app, Answers())) == [3001, 3006, 3007, 3008]
    both_first = await matching_ids(app, Answers(topics=("grief", "anxiety")))
    assert {pair for pair in both_first[:2]} == {(3001, 2), (3006, 2)} and both_first[2:] == [(3007, 1)]
    assert sorted(i for i, _ in await matching_ids(app, Answers(language="en"))) == [3006, 3007, 3008]
    assert [i for i, _ in await matching_ids(app, Answers(price_band=0))] == [3007]
    assert [i for i, _ in await matching_ids(app, Answers(approach="gestalt"))] == [3008]
    async with app.unit_of_work() as uow:
        assert await uow.therapists.count_matching(Answers(topics=("anxiety",)), START) == 3
        assert await uow.therapists.count_matching(Answers(topics=("anxiety",), language="uk"), START) == 2


async def test_the_database_and_the_rule_agree_on_who_is_away_hour_by_hour_across_zones(app):
    day = date(2026, 11, 25)
    await add_therapist(app, 3001, "Tokyo", zone="Asia/Tokyo", vacations=[Vacation(day, day)])
    await add_therapist(app, 3002, "New York", zone="America/New_York", vacations=[Vacation(day, day)])
    await add_therapist(app, 3003, "Kyiv", zone="Europe/Kyiv", vacations=[Vacation(day, day)], hide_during_vacation=False)
    async with app.unit_of_work() as uow:
        profiles = [await uow.therapists.get(telegram_id) for telegram_id in (3001, 3002, 3003)]
    for hour in range(72):
        moment = utc(2026, 11, 24, 0) + timedelta(hours=hour, minutes=30 * (hour % 2))
        expected = sorted(p.telegram_id for p in profiles if p is not None and can_be_matched(p, moment))
        assert sorted(i for i, _ in await matching_ids(app, Answers(), at=moment)) == expected, moment


async def test_equals_come_in_an_order_of_the_clients_own_the_same_every_time(app):
    for n in range(12):
        await add_therapist(app, 3001 + n, f"Therapist {n:02}", share_code=f"t{n}")
    olenas = [i for i, _ in await matching_ids(app, Answers(), seed=OLENA)]
    assert olenas == [i for i, _ in await matching_ids(app, Answers(), seed=OLENA)]
    assert olenas != [i for i, _ in await matching_ids(app, Answers(), seed=PETRO)]
    assert sorted(olenas) == list(range(3001, 3013))


async def test_stats_count_matches_and_waitlist_joins_and_those_that_ended_in_a_paid_session(app, make_client):
    await add_therapist(app, hours=[WorkingHours(3, time(18), time(19))])  # Iryna: Thursdays 18:00 only
    await add_therapist(app, 2002, "Maksym Bondar", hours=[WorkingHours(day, time(10), time(18)) for day in range(5)])
    for client, name in ((OLENA, "Olena"), (PETRO, "Petro"), (1003, "Hanna"), (1004, "Ostap"), (1005, "Yulia")):
        await add_person(app, client, name, locale="en", zone="Europe/Kyiv")
    await booked(app, 1003, utc(2026, 11, 26, 16), paid=True)
    freed = await booked(app, 1004, utc(2026, 12, 3, 16), paid=True)
    clock = ManualClock(START)
    async with app.unit_of_work() as uow:
        result = await find_matches(uow, clock, client_id=OLENA, answers=Answers(), zone="Europe/Kyiv", policy=POLICY)
    async with app.unit_of_work() as uow:
        await find_matches(uow, clock, client_id=PETRO, answers=Answers(), zone="Europe/Kyiv", policy=POLICY)
    async with app.unit_of_work() as uow:
        await find_matches(uow, clock, client_id=1005, answers=Answers(), zone="Europe/Kyiv", policy=POLICY)
    first = result.matches[0]
    await booked(app, OLENA, first.nearest, therapist_id=first.therapist.telegram_id, paid=True)
    async with app.unit_of_work() as uow:
        await join_waitlist(uow, clock, client_id=PETRO, therapist_id=2001, zone="Europe/Kyiv", policy=POLICY)
    async with app.unit_of_work() as uow:
        await cancel_booking(uow, clock, person_id=1004, booking_id=freed.id, version=freed.version, expected_free=True)
    await booked(app, PETRO, freed.starts_at, paid=True)

    stats = BotClient.texts_of(await make_client(ADMIN_ID, "Admin", language_code="en").send("/stats"))[0]
    # Petro's match found Iryna full; he waited for her and paid: his match ended in a paid session too.
    assert "🧭 «Help me choose»: 3 matches made this month, 2 of them ended in a paid session." in stats
    assert "🔔 Waitlists: joined 1 time this month, 1 of those ended in a paid session." in stats


async def test_the_persons_answers_matches_and_waitlists_are_in_their_data_and_go_with_it(app, make_client, session):
    await add_therapist(app, hours=[WorkingHours(3, time(18), time(19))])
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    await booked(app, PETRO, utc(2026, 11, 26, 16), paid=True)
    await booked(app, PETRO, utc(2026, 12, 3, 16), paid=True)
    clock = ManualClock(START)
    answers = Answers(topics=("anxiety",), windows=(Window.MORNINGS,))
    async with app.unit_of_work() as uow:
        await find_matches(uow, clock, client_id=OLENA, answers=answers, zone="America/New_York", policy=POLICY)
    async with app.unit_of_work() as uow:
        await join_waitlist(uow, clock, client_id=OLENA, therapist_id=2001, zone="America/New_York", policy=POLICY)

    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send("/mydata")
    await olena.click("📄 Send me my data")
    [document] = [call for call in session.calls if isinstance(call, SendDocument)]
    exported = json.loads(document.document.data)
    part = exported["matching"]
    assert part["answers"]["topics"] == ["anxiety"] and part["answers"]["when_you_can_meet"] == ["mornings"]
    assert part["matches"][0]["full"] == ["Iryna Kovalenko"]
    assert part["waitlists"][0]["therapist"] == "Iryna Kovalenko" and part["waitlists"][0]["status"] == "waiting"
    assert "your answers to «Help me choose»" in (document.caption or "")

    await olena.click("🗑 Delete my data")
    await olena.click("Yes, delete everything")
    async with app.unit_of_work() as uow:
        assert await uow.matching.answers_of(OLENA) is None
        assert await uow.waitlist.of_pair(OLENA, 2001) is None


async def test_match_records_and_old_waitlist_entries_are_purged_but_kept_answers_stay(app, clock):
    await add_therapist(app, hours=[WorkingHours(3, time(18), time(19))])
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    await booked(app, PETRO, utc(2026, 11, 26, 16), paid=True)
    await booked(app, PETRO, utc(2026, 12, 3, 16), paid=True)
    async with app.unit_of_work() as uow:
        await find_matches(uow, clock, client_id=OLENA, answers=Answers(), zone="America/New_York", policy=POLICY)
    async with app.unit_of_work() as uow:
        await join_waitlist(uow, clock, client_id=OLENA, therapist_id=2001, zone="America/New_York", policy=POLICY)
    clock.advance(timedelta(days=99))
    purged = await app.sweeper.run_once()
    assert (purged.matches, purged.waitlist_entries) == (0, 0)  # this quarter's figures still count them
    clock.advance(timedelta(days=2))
    purged = await app.sweeper.run_once()
    assert (purged.matches, purged.waitlist_entries) == (1, 1)
    async with app.unit_of_work() as uow:
        assert await uow.matching.answers_of(OLENA) is not None  # the client's to keep or forget


async def test_reading_those_who_work_with_every_chosen_topic_first_keeps_the_order_of_reading_everyone(app):
    # Nine with both topics, eight with one of them: a page inside the first nine is read among those nine alone.
    for n in range(17):
        await add_therapist(app, 3001 + n, f"Therapist {n:02}", share_code=f"t{n}", topics=["anxiety", "grief"][: 1 + (n % 2 == 0)])
    answers = Answers(topics=("grief", "anxiety"))
    everyone = await matching_ids(app, answers)
    assert [shared for _, shared in everyone] == [2] * 9 + [1] * 8
    async with app.unit_of_work() as uow:
        for offset, limit in ((0, 3), (3, 6), (6, 3), (6, 6), (9, 4)):
            page = await uow.therapists.matching(answers, START, seed=OLENA, offset=offset, limit=limit)
            assert [(p.telegram_id, shared) for p, shared in page] == everyone[offset : offset + limit], (offset, limit)
