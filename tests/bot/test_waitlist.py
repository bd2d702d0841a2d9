"""Waitlists through the production dispatcher and storage: joining, being told, booking from the notice.

Iryna (Kyiv) works one hour a week, Thursdays 18:00–19:00 Kyiv time, and both of the coming two Thursdays
are booked. Olena (New York, English) can meet on weekday mornings: 18:00 in Kyiv is 11:00 in New York.
Petro (Kyiv, Ukrainian) can meet on weekday evenings.
"""
from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from sqlalchemy import select

from core.bookings import Booking, BookingStatus
from core.matching import KeptAnswers
from core.rules.matching import Answers, Window
from core.schedule import WorkingHours
from core.usecases.booking import cancel_booking
from storage.tables import TimedMessageRow, WaitlistEntryRow
from tests.bot import booking_support
from tests.bot.booking_support import (
    IRYNA,
    OLENA,
    PETRO,
    add_person,
    add_therapist,
    booked,
    bookings,
    deliver,
    sent_to,
    utc,
)
from tests.conftest import START
from tests.support.bot_client import BotClient

app = booking_support.app
sleeper = booking_support.sleeper

THIS_THURSDAY = utc(2026, 11, 26, 16)  # 18:00 in Kyiv, 11:00 in New York
NEXT_THURSDAY = utc(2026, 12, 3, 16)
OLENAS_TIME = "Thu 3 Dec, 11:00 (New York, UTC-5)"
HOLDER, OTHER_HOLDER = 1003, 1004


async def full_week(app: Any, **therapist: Any) -> tuple[Booking, Booking]:
    """Iryna's two Thursdays in the coming two weeks, booked and paid by two other clients."""
    await add_therapist(app, hours=[WorkingHours(3, time(18), time(19))], **therapist)
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    await add_person(app, HOLDER, "Hanna", locale="uk", zone="Europe/Kyiv")
    await add_person(app, OTHER_HOLDER, "Ostap", locale="uk", zone="Europe/Kyiv")
    first = await booked(app, HOLDER, THIS_THURSDAY, paid=True)
    second = await booked(app, OTHER_HOLDER, NEXT_THURSDAY, paid=True)
    await keep_windows(app, OLENA, Window.MORNINGS)
    await keep_windows(app, PETRO, Window.EVENINGS)
    return first, second


async def keep_windows(app: Any, client: int, *windows: Window) -> None:
    async with app.unit_of_work() as uow:
        await uow.matching.keep_answers(client, KeptAnswers(Answers(windows=windows), START))
        await uow.commit()


JOIN = {"en": "🔔 Tell me when a time opens", "uk": "🔔 Повідомте, коли з'явиться час"}
BOOK = {"en": f"✅ Book {OLENAS_TIME}", "uk": "✅ Записатися: Чт, 3 груд., 18:00 (Київ, UTC+2)"}


async def join(client: BotClient, language: str = "en") -> list[Any]:
    """From the therapist's profile, as a client finds it."""
    await client.press(f"tp:{IRYNA}")
    return await client.click(JOIN[language])


async def cancel(app: Any, booking: Booking) -> None:
    async with app.unit_of_work() as uow:
        await cancel_booking(
            uow, app.clock, person_id=booking.client_id, booking_id=booking.id, version=booking.version, expected_free=True
        )


async def test_a_waiting_client_is_told_at_once_when_a_cancellation_frees_a_time_inside_their_windows_and_only_once(
    app, make_client, session
):
    _first, second = await full_week(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    joined = await join(olena)
    assert BotClient.texts_of(joined) == [
        "🔔 Done: as soon as a time opens with Iryna Kovalenko that suits you (weekday mornings), I will write.\n"
        "You stay on the waitlist until Thu 24 December, 03:00 (New York, UTC-5); join again to wait longer."
    ]
    await deliver(app)
    mark = len(session.calls)

    await cancel(app, second)
    await deliver(app)

    told = sent_to(session, OLENA, mark)
    assert told == [
        "🔔 Iryna Kovalenko: 1 time has opened that suits you.\n"
        "Nothing is held for anyone: whoever books first takes the time. One tap on it books it."
    ]
    assert olena.last_with_button("🔕 Stop waiting").buttons == [f"✅ Book {OLENAS_TIME}", "📅 Other times", "🔕 Stop waiting"]
    mark = len(session.calls)
    await deliver(app)
    assert sent_to(session, OLENA, mark) == []  # once


async def test_the_notice_reads_in_the_clients_language_and_zone(app, make_client, session):
    _first, second = await full_week(app)
    petro = make_client(PETRO, "Petro", language_code="uk")
    await join(petro, "uk")
    mark = len(session.calls)
    await cancel(app, second)
    await deliver(app)
    assert sent_to(session, PETRO, mark) == [
        "🔔 Iryna Kovalenko: з'явилося 1 вільне віконце, що вам підходить.\n"
        "Час ні за ким не тримається: його отримає той, хто запишеться першим. Один дотик — і ви записані."
    ]
    assert petro.last_with_button("🔕 Більше не чекати").buttons[0] == "✅ Записатися: Чт, 3 груд., 18:00 (Київ, UTC+2)"


async def test_two_waiting_clients_pressing_the_same_time_make_one_booking_and_the_other_hears_the_nearest_free_times(
    app, make_client, session
):
    _first, second = await full_week(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    petro = make_client(PETRO, "Petro", language_code="uk")
    await join(olena)
    await join(petro, "uk")
    await cancel(app, second)
    await deliver(app)
    petros_notice = petro.last_with_button(BOOK["uk"])

    await olena.click(BOOK["en"])
    await olena.click("Anxiety")
    await olena.click("✔️ Done")
    booked_now = await olena.click("Skip")
    assert BotClient.texts_of(booked_now)[-1] == "You chose Thu 3 December, 11:00 (New York, UTC-5) with Iryna Kovalenko."
    late = await petro.click(BOOK["uk"], in_reply=petros_notice)
    assert BotClient.texts_of(late) == ["Цей час уже зайнятий. Найближчий вільний час терапевта (Iryna Kovalenko):"]
    [times] = [reply.buttons for reply in late if reply.buttons]
    assert times[0] == "Чт, 10 груд., 18:00 (Київ, UTC+2)"  # the next Thursday, in his zone

    held = [row for row in await bookings(app) if row.starts_at == NEXT_THURSDAY and row.status != BookingStatus.CANCELLED_IN_TIME]
    assert [(row.client_id, row.status) for row in held] == [(OLENA, BookingStatus.REQUESTED.value)]
    async with app.sessions() as db:
        entry = await db.scalar(select(WaitlistEntryRow).where(WaitlistEntryRow.client_id == OLENA))
    assert entry is not None and entry.status == "booked"  # her wait has done its work


async def test_nothing_is_sent_once_the_client_left_the_waitlist(app, make_client, session):
    _first, second = await full_week(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await join(olena)
    left = await olena.click("🔕 Stop waiting")
    assert BotClient.alerts(left) == ["🔕 You left the waitlist: Iryna Kovalenko."]
    assert BotClient.texts_of(left)[0].startswith("🔔 You are not waiting for anyone.")
    mark = len(session.calls)
    await cancel(app, second)
    await deliver(app)
    assert sent_to(session, OLENA, mark) == []


async def test_nothing_is_sent_once_the_entry_lapsed(app, make_client, session, clock):
    await add_therapist(app, hours=[WorkingHours(3, time(18), time(19))])
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    holders = []
    for week in range(7):
        client = 3000 + week
        await add_person(app, client, f"Client{week}", locale="uk", zone="Europe/Kyiv")
        holders.append(await booked(app, client, THIS_THURSDAY + timedelta(weeks=week), paid=True))
    await keep_windows(app, OLENA, Window.MORNINGS)
    await join(make_client(OLENA, "Olena", language_code="en"))
    clock.advance(timedelta(days=30, hours=1))
    mark = len(session.calls)
    await cancel(app, holders[6])  # a Thursday inside the coming two weeks, now
    await deliver(app)
    assert sent_to(session, OLENA, mark) == []


async def test_a_notice_whose_time_was_taken_before_it_went_out_is_dropped(app, make_client, session):
    _first, second = await full_week(app)
    await join(make_client(OLENA, "Olena", language_code="en"))
    mark = len(session.calls)
    await cancel(app, second)
    await booked(app, PETRO, NEXT_THURSDAY)  # before delivery ran
    await deliver(app)
    assert sent_to(session, OLENA, mark) == []
    async with app.sessions() as db:
        kinds = list(await db.scalars(select(TimedMessageRow.status).where(TimedMessageRow.kind == "waitlist.time_opened")))
    assert kinds == ["dropped"]


async def test_an_unpaid_booking_expiring_tells_those_waiting(app, make_client, session, clock):
    # A therapist who takes bookings two hours ahead: the time an expired booking lets go is still bookable.
    await add_therapist(app, hours=[WorkingHours(3, time(18), time(19))], min_notice=timedelta(hours=2))
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    await add_person(app, HOLDER, "Hanna", locale="uk", zone="Europe/Kyiv")
    await add_person(app, OTHER_HOLDER, "Ostap", locale="uk", zone="Europe/Kyiv")
    await booked(app, HOLDER, THIS_THURSDAY, paid=True)
    unpaid = await booked(app, OTHER_HOLDER, NEXT_THURSDAY)
    await keep_windows(app, OLENA, Window.MORNINGS)
    await join(make_client(OLENA, "Olena", language_code="en"))
    await deliver(app)
    assert unpaid.payment_due_at is not None
    clock.set(unpaid.payment_due_at)
    mark = len(session.calls)
    await deliver(app)
    assert "🔔 Iryna Kovalenko: 1 time has opened that suits you." in "\n".join(sent_to(session, OLENA, mark))


async def test_the_therapist_sees_how_many_wait_and_never_who(app, make_client, session):
    await full_week(app)
    await join(make_client(OLENA, "Olena", language_code="en"))
    await join(make_client(PETRO, "Petro", language_code="uk"), "uk")
    iryna = make_client(IRYNA, "Iryna", language_code="uk")
    cabinet = BotClient.texts_of(await iryna.send("/cabinet"))[0]
    assert "🔔 На вільний час у вас чекають 2 клієнти: кожен дізнається одразу, щойно час з'явиться." in cabinet
    assert "Olena" not in cabinet and "Petro" not in cabinet


async def test_my_waitlists_lists_and_leaves_them(app, make_client):
    await full_week(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await join(olena)
    listed = await olena.send("/waitlists")
    assert BotClient.texts_of(listed) == [
        "🔔 You wait for a time with 1 therapist:\n• Iryna Kovalenko: weekday mornings, until Thu 24 December"
    ]
    assert listed[-1].buttons == ["📅 Iryna Kovalenko", "🔕 Leave"]
    left = await olena.click("🔕 Leave", in_reply=listed[-1])
    assert BotClient.texts_of(left)[0].startswith("🔔 You are not waiting for anyone.")
    again = await olena.click("🔕 Leave", in_reply=listed[-1])  # the old list's button
    assert BotClient.alerts(again) == ["You are no longer on this waitlist."]


async def test_where_a_time_that_suits_is_free_there_is_nothing_to_wait_for(app, make_client):
    await add_therapist(app, hours=[WorkingHours(3, time(18), time(19))])
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    olena = make_client(OLENA, "Olena", language_code="en")
    profile = await olena.press(f"tp:{IRYNA}")
    assert [reply.buttons for reply in profile if reply.buttons] == [["📅 Choose a time", "🔎 Other therapists"]]
    forged = await olena.press(f"wj:{IRYNA}")
    assert BotClient.texts_of(forged) == [
        "No need to wait: Iryna Kovalenko has a free time that suits you, Thu 26 November, 11:00 (New York, UTC-5)."
    ]
    assert [reply.buttons for reply in forged if reply.buttons] == [
        ["✅ Book Thu 26 Nov, 11:00 (New York, UTC-5)", "📅 Other times"]
    ]


async def test_a_second_time_the_same_day_waits_for_the_next_day_and_the_first_is_not_told_again(
    app, make_client, session, clock
):
    await add_therapist(app, hours=[WorkingHours(3, time(18), time(19)), WorkingHours(4, time(18), time(19))])
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    thursdays_and_fridays = [utc(2026, 11, 26, 16), utc(2026, 11, 27, 16), utc(2026, 12, 3, 16), utc(2026, 12, 4, 16)]
    held = []
    for n, start in enumerate(thursdays_and_fridays):
        await add_person(app, 3000 + n, f"Client{n}", locale="uk", zone="Europe/Kyiv")
        held.append(await booked(app, 3000 + n, start, paid=True))
    await keep_windows(app, OLENA, Window.MORNINGS)
    await join(make_client(OLENA, "Olena", language_code="en"))
    await cancel(app, held[2])  # Thursday 3 December
    await deliver(app)
    clock.advance(timedelta(hours=2))
    mark = len(session.calls)
    await cancel(app, held[3])  # Friday 4 December, the same day
    await deliver(app)
    assert sent_to(session, OLENA, mark) == []  # one a day

    clock.advance(timedelta(hours=22))
    await deliver(app)
    [next_day] = [text for text in sent_to(session, OLENA, mark) if text.startswith("🔔")]
    assert next_day.startswith("🔔 Iryna Kovalenko: 1 time has opened that suits you.")
    olena = make_client(OLENA, "Olena", language_code="en")
    assert olena.last_with_button("🔕 Stop waiting").buttons[0] == "✅ Book Fri 4 Dec, 11:00 (New York, UTC-5)"
