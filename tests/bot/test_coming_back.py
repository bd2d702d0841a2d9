"""Coming back: after a held session the client is offered the same time next week in one tap.

Olena (New York, English) and Petro (Kyiv, Ukrainian) see Iryna (Kyiv), who works weekdays 10:00–18:00.
"""
from __future__ import annotations

import asyncio
from datetime import date

from core.bookings import BookingStatus
from core.schedule import Vacation
from core.usecases.booking import cancel_booking, mark_no_show
from tests.bot import booking_support
from tests.bot.booking_support import IRYNA, OLENA, PETRO, booked, bookings, deliver, scene, sent_to, utc
from tests.bot.cabinet_support import profile_of
from tests.support.bot_client import BotClient

app = booking_support.app
sleeper = booking_support.sleeper

THURSDAY_NOON_KYIV = utc(2026, 11, 26, 10)
ITS_END = utc(2026, 11, 26, 10, 50)
NEXT_THURSDAY_NOON_KYIV = utc(2026, 12, 3, 10)


async def _held(app, clock, client=OLENA):
    session = await booked(app, client, THURSDAY_NOON_KYIV, paid=True)
    await deliver(app)
    clock.set(ITS_END)
    return session


async def test_after_a_held_session_the_client_is_offered_the_same_time_next_week_and_one_tap_books_it(
    app, make_client, clock, session
):
    await scene(app)
    held = await _held(app, clock)
    assert [text for text in sent_to(session, OLENA) if "🔁" in text] == []  # nothing before the end
    mark = len(session.calls)
    await deliver(app)

    offer = sent_to(session, OLENA, mark)
    assert offer == [
        "☑️ Iryna Kovalenko: the session on Thu 26 November, 05:00 (New York, UTC-5) is over.\n"
        "🔁 The same time next week is free: Thu 3 December, 05:00 (New York, UTC-5). One tap books it.\n"
        "Each session is booked on its own: ₴1,200, paid by 24 hours before it starts."
    ]
    olena = make_client(OLENA, "Olena", language_code="en")
    assert olena.last_with_button("📅 Other times").buttons == ["✅ Thu 3 Dec, 05:00 (New York, UTC-5)", "📅 Other times"]

    booked_again = await olena.click("✅ Thu 3 Dec, 05:00 (New York, UTC-5)")
    assert BotClient.texts_of(booked_again) == ["You chose Thu 3 December, 05:00 (New York, UTC-5) with Iryna Kovalenko."]
    rows = await bookings(app)
    assert [(row.id, row.status) for row in rows] == [(held.id, BookingStatus.HELD), (held.id + 1, BookingStatus.AWAITING_PAYMENT)]
    again = rows[1]
    assert (again.client_id, again.therapist_id, again.starts_at) == (OLENA, IRYNA, NEXT_THURSDAY_NOON_KYIV)
    assert again.payment_due_at == utc(2026, 12, 2, 10)  # its own booking, by the 24-hour rule

    mark = len(session.calls)
    await deliver(app)
    assert sent_to(session, OLENA, mark)[0].startswith(
        "✅ Your session with Iryna Kovalenko on Thu 3 December, 05:00 (New York, UTC-5) is confirmed. Please pay"
    )
    twice = await olena.click("✅ Thu 3 Dec, 05:00 (New York, UTC-5)", in_reply=olena.last_with_button("📅 Other times"))
    assert BotClient.texts_of(twice)[0].startswith("This time is already yours — Iryna Kovalenko")
    assert len(await bookings(app)) == 2


async def test_the_offer_reads_in_the_clients_language_and_zone(app, clock, session):
    await scene(app)
    await _held(app, clock, PETRO)
    mark = len(session.calls)
    await deliver(app)
    assert sent_to(session, PETRO, mark) == [
        "☑️ Iryna Kovalenko: сесію чт, 26 листопада, 12:00 (Київ, UTC+2) завершено.\n"
        "🔁 Наступного тижня той самий час вільний: чт, 3 грудня, 12:00 (Київ, UTC+2). Забронювати можна одним натисканням.\n"
        "Кожна сесія — окреме бронювання: 1 200 ₴, оплата — не пізніше ніж за 24 години до початку."
    ]


async def test_when_next_weeks_time_is_taken_the_nearest_free_times_are_offered(app, make_client, clock, session):
    await scene(app)
    await _held(app, clock)
    await booked(app, PETRO, NEXT_THURSDAY_NOON_KYIV)
    mark = len(session.calls)
    await deliver(app)

    offer = sent_to(session, OLENA, mark)
    assert offer[0].splitlines()[1] == (
        "🔁 The same time next week, Thu 3 December, 05:00 (New York, UTC-5), is taken. The free times nearest to it:"
    )
    olena = make_client(OLENA, "Olena", language_code="en")
    assert olena.last_with_button("📅 Other times").buttons == [
        "✅ Thu 3 Dec, 03:00 (New York, UTC-5)",
        "✅ Thu 3 Dec, 04:00 (New York, UTC-5)",
        "✅ Thu 3 Dec, 06:00 (New York, UTC-5)",
        "✅ Thu 3 Dec, 07:00 (New York, UTC-5)",
        "📅 Other times",
    ]


async def test_a_time_taken_before_the_tap_is_answered_with_the_nearest_ones(app, make_client, clock, session):
    await scene(app)
    await _held(app, clock)
    await deliver(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    offer = olena.last_with_button("📅 Other times")
    await booked(app, PETRO, NEXT_THURSDAY_NOON_KYIV)  # Petro was quicker

    taken = await olena.click("✅ Thu 3 Dec, 05:00 (New York, UTC-5)", in_reply=offer)
    assert BotClient.texts_of(taken) == ["This time is no longer free. The free times nearest to it:"]
    assert taken[-2].buttons[:4] == [
        "✅ Thu 3 Dec, 03:00 (New York, UTC-5)",
        "✅ Thu 3 Dec, 04:00 (New York, UTC-5)",
        "✅ Thu 3 Dec, 06:00 (New York, UTC-5)",
        "✅ Thu 3 Dec, 07:00 (New York, UTC-5)",
    ]
    await olena.click("✅ Thu 3 Dec, 06:00 (New York, UTC-5)", in_reply=taken[-2])
    assert [(row.client_id, row.starts_at) for row in (await bookings(app))[1:]] == [
        (PETRO, NEXT_THURSDAY_NOON_KYIV), (OLENA, utc(2026, 12, 3, 11))
    ]


async def test_forged_and_stale_offer_buttons_book_nothing(app, make_client, clock, session):
    await scene(app)
    held = await _held(app, clock)
    at = int(NEXT_THURSDAY_NOON_KYIV.timestamp())
    petro = make_client(PETRO, "Petro")

    not_his = await petro.press(f"rb:{held.id}:{at}")
    assert BotClient.alerts(not_his) == ["Серед ваших сесій такої немає."]
    assert BotClient.alerts(await petro.press(f"ra:{held.id}")) == ["Серед ваших сесій такої немає."]
    assert BotClient.alerts(await petro.press(f"rb:{held.id}:99999999999999999999")) == [
        "Ця кнопка більше не діє. Актуальне меню — /start."
    ]

    olena = make_client(OLENA, "Olena", language_code="en")
    clock.set(utc(2026, 12, 3, 9))  # the offered time is an hour away: too close to book
    stale = await olena.press(f"rb:{held.id}:{at}")
    assert BotClient.texts_of(stale) == ["This time is no longer free. The free times nearest to it:"]
    assert len(await bookings(app)) == 1


async def test_no_offer_after_a_cancelled_or_missed_session_or_once_the_next_is_booked(app, clock, session):
    await scene(app)
    cancelled = await booked(app, OLENA, THURSDAY_NOON_KYIV, paid=True)
    async with app.unit_of_work() as uow:
        await cancel_booking(uow, clock, person_id=OLENA, booking_id=cancelled.id, version=cancelled.version, expected_free=True)
    missed = await booked(app, PETRO, utc(2026, 11, 26, 12), paid=True)
    await deliver(app)
    clock.set(utc(2026, 11, 26, 12, 10))
    async with app.unit_of_work() as uow:
        await mark_no_show(uow, clock, therapist_id=IRYNA, booking_id=missed.id, version=missed.version)
    mark = len(session.calls)
    clock.set(utc(2026, 11, 26, 13))
    await deliver(app)
    assert [text for text in sent_to(session, OLENA, mark) + sent_to(session, PETRO, mark) if "🔁" in text] == []


async def test_a_paused_therapist_or_one_on_vacation_is_said_so_plainly(app, make_client, clock, session):
    await scene(app)
    await _held(app, clock)
    therapist = await profile_of(app)
    therapist.accepting_clients = False
    async with app.unit_of_work() as uow:
        await uow.therapists.save(therapist)
        await uow.commit()
    mark = len(session.calls)
    await deliver(app)
    assert sent_to(session, OLENA, mark) == [
        "☑️ Iryna Kovalenko: the session on Thu 26 November, 05:00 (New York, UTC-5) is over.\n"
        "Iryna Kovalenko: new bookings are paused for now, so the next session cannot be booked yet."
    ]

    therapist.accepting_clients = True
    therapist.vacations = [Vacation(date(2026, 11, 26), date(2026, 12, 6))]
    async with app.unit_of_work() as uow:
        await uow.therapists.save(therapist)
        await uow.commit()
    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send("/sessions")
    await olena.click("Thu 26 Nov, 05:00 (New York, UTC-5) · Iryna Kovalenko")
    away = await olena.click("🔁 Book again")
    assert BotClient.alerts(away) == [
        "Iryna Kovalenko: on vacation until 6 December 2026, so the next session can be booked after that."
    ]


async def test_my_sessions_has_book_again_on_a_held_session(app, make_client, clock):
    await scene(app)
    await _held(app, clock, PETRO)
    clock.set(utc(2026, 11, 30, 9))  # Monday: this week's Thursday is still ahead
    petro = make_client(PETRO, "Petro")
    await petro.send("/sessions")
    card = await petro.click("Чт, 26 лист., 12:00 (Київ, UTC+2) · Iryna Kovalenko")
    assert "🔁 Забронювати знову" in card[-2].buttons
    offer = await petro.click("🔁 Забронювати знову")
    assert BotClient.texts_of(offer) == [
        "🔁 Наступного тижня той самий час вільний: чт, 3 грудня, 12:00 (Київ, UTC+2). Забронювати можна одним натисканням.\n"
        "Кожна сесія — окреме бронювання: 1 200 ₴, оплата — не пізніше ніж за 24 години до початку."
    ]

    clock.set(utc(2026, 12, 3, 9))  # too late for this Thursday: the one after
    later = await petro.click("🔁 Забронювати знову", in_reply=card[-2])
    assert BotClient.texts_of(later)[0].startswith(
        "🔁 Той самий день тижня й час вільні: чт, 10 грудня, 12:00 (Київ, UTC+2)."
    )


async def test_my_sessions_lists_book_again_until_the_next_session_is_booked(app, make_client, clock):
    await scene(app)
    held = await _held(app, clock)
    olena = make_client(OLENA, "Olena", language_code="en")
    listed = await olena.send("/sessions")
    assert listed[-1].buttons == ["Thu 26 Nov, 05:00 (New York, UTC-5) · Iryna Kovalenko", "🔁 Book again: Iryna Kovalenko"]
    offer = await olena.click("🔁 Book again: Iryna Kovalenko")
    assert BotClient.texts_of(offer)[0].startswith("🔁 The same time next week is free: Thu 3 December, 05:00 (New York, UTC-5).")
    await olena.click("✅ Thu 3 Dec, 05:00 (New York, UTC-5)")

    listed = await olena.send("/sessions")
    assert "🔁 Book again: Iryna Kovalenko" not in listed[-1].buttons  # booked: nothing to come back to
    again = await olena.press(f"ra:{held.id}")  # from the old card: the week after the booked one
    assert BotClient.texts_of(again) == [
        "Iryna Kovalenko: your next session is already booked, Thu 3 December, 05:00 (New York, UTC-5).\n"
        "🔁 The same weekday and time is free: Thu 10 December, 05:00 (New York, UTC-5). One tap books it.\n"
        "Each session is booked on its own: ₴1,200, paid by 24 hours before it starts."
    ]


async def test_two_clients_tapping_one_time_at_once_make_one_booking_and_the_other_gets_the_nearest_times(
    app, make_client, clock
):
    await scene(app)
    olenas = await booked(app, OLENA, THURSDAY_NOON_KYIV, paid=True)
    petros = await booked(app, PETRO, utc(2026, 11, 26, 11), paid=True)
    clock.set(utc(2026, 11, 26, 12))
    at = int(NEXT_THURSDAY_NOON_KYIV.timestamp())
    olena, petro = make_client(OLENA, "Olena", language_code="en"), make_client(PETRO, "Petro")

    answers = await asyncio.gather(olena.press(f"rb:{olenas.id}:{at}"), petro.press(f"rb:{petros.id}:{at}"))

    (row,) = [row for row in await bookings(app) if row.starts_at == NEXT_THURSDAY_NOON_KYIV]
    loser_id = PETRO if row.client_id == OLENA else OLENA
    # the two presses ran at once: keep what went to the loser
    loser = [reply for reply in answers[0] + answers[1] if getattr(reply.method, "chat_id", None) == loser_id]
    (text,) = BotClient.texts_of(loser)
    assert text in (
        "На жаль, цей час щойно хтось забронював. Найближчий вільний час:",
        "Цей час уже зайнятий. Найближчий вільний час:",
        "Sorry, someone has just booked this time. The free times nearest to it:",
        "This time is no longer free. The free times nearest to it:",
    )
    assert len(loser[-1].buttons) == 5  # four times and the whole calendar
