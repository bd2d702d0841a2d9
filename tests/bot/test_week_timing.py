"""A week on the clock: nothing early, nothing late that lies, no two messages that contradict each other.

Olena (New York, English) books Iryna (Kyiv, Ukrainian), who takes bookings at two hours' notice here,
36, 20 and 3 hours ahead; the clock moves by hand. Times in the comments are UTC.
"""
from __future__ import annotations

from datetime import date, timedelta

from core.bookings import BookingStatus
from core.schedule import Vacation
from core.usecases.booking import accept_request
from tests.bot import booking_support
from tests.bot.booking_support import IRYNA, OLENA, add_person, add_therapist, booked, deliver, sent_to, stored, utc
from tests.bot.cabinet_support import profile_of

app = booking_support.app
sleeper = booking_support.sleeper

H = timedelta(hours=1)


async def _scene(app) -> None:
    await add_therapist(app, min_notice=2 * H)
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")


async def _accept(app, booking_id: int) -> None:
    async with app.unit_of_work() as uow:
        await accept_request(
            uow, app.clock, therapist_id=IRYNA, booking_id=booking_id, version=1, policy=app.settings.booking_policy()
        )


def _reminders(texts: list[str]) -> list[str]:
    return [text for text in texts if text.startswith(("💳 A reminder", "ℹ️"))]


async def test_booked_36_hours_ahead_the_answer_comes_before_the_payment_deadline_and_the_reminder_after_the_invoice(
    app, session, clock
):
    await _scene(app)
    clock.set(utc(2026, 11, 24, 20))  # Tuesday evening, for Thursday 10:00 in Kyiv
    request = await booked(app, OLENA, utc(2026, 11, 26, 8), accepted=False)
    mark = len(session.calls)
    await deliver(app)
    # the window ends 25 hours before the start, so confirmed within it the payment is due 24 hours before
    assert (await stored(app, request.id)).lapses_at == utc(2026, 11, 25, 7)
    assert sent_to(session, IRYNA, mark)[0].startswith(
        "📨 Новий запит на сесію чт, 26 листопада, 10:00 (Київ, UTC+2): Olena. Візьмете? "
        "Якщо не відповісти, запит скасується ср, 25 листопада, 09:00 (Київ, UTC+2)."
    )

    clock.set(utc(2026, 11, 25, 6, 59))  # the last minute of the window
    await _accept(app, request.id)
    mark = len(session.calls)
    await deliver(app)
    confirmed = await stored(app, request.id)
    assert confirmed.payment_due_at == utc(2026, 11, 26, 8) - 24 * H
    olena = sent_to(session, OLENA, mark)
    assert olena[0] == (
        "✅ Your session with Iryna Kovalenko on Thu 26 November, 03:00 (New York, UTC-5) is confirmed. Please pay "
        "₴1,200 by Wed 25 November, 03:00 (New York, UTC-5): an unpaid session is cancelled then and the time released."
    )
    assert _reminders(olena) == [] and _reminders(sent_to(session, IRYNA, mark)) == []  # the invoice is the ask

    clock.set(utc(2026, 11, 25, 8))
    await deliver(app)
    assert _reminders(sent_to(session, OLENA, mark)) == []  # an hour is no time for a reminder


async def test_a_reminder_comes_hours_after_the_invoice_never_with_it(app, session, clock):
    await _scene(app)
    clock.set(utc(2026, 11, 24, 20))  # accepted at once: a returning client
    booking = await booked(app, OLENA, utc(2026, 11, 26, 8))
    mark = len(session.calls)
    await deliver(app)
    assert _reminders(sent_to(session, OLENA, mark)) == []
    assert booking.payment_due_at == utc(2026, 11, 25, 8)

    clock.set(utc(2026, 11, 25, 5) - timedelta(seconds=1))
    await deliver(app)
    assert _reminders(sent_to(session, OLENA, mark)) == []
    clock.set(utc(2026, 11, 25, 5))  # three hours before the deadline, nine after the invoice
    await deliver(app)
    assert _reminders(sent_to(session, OLENA, mark)) == [
        "💳 A reminder: your session with Iryna Kovalenko on Thu 26 November, 03:00 (New York, UTC-5) is not paid yet. "
        "Please pay ₴1,200 by Wed 25 November, 03:00 (New York, UTC-5), or the session is cancelled and the time "
        "released."
    ]


async def test_booked_20_and_3_hours_ahead_the_request_lapses_halfway_and_no_reminder_follows_the_invoice(
    app, session, clock
):
    await _scene(app)
    await add_person(app, 1003, "Petro", locale="uk", zone="Europe/Kyiv")
    for client, now, start, lapses in (  # two new clients: each first booking is a request
        (OLENA, utc(2026, 11, 25, 12), utc(2026, 11, 26, 8), utc(2026, 11, 25, 22)),  # 20 hours ahead
        (1003, utc(2026, 11, 27, 8), utc(2026, 11, 27, 11), utc(2026, 11, 27, 9, 30)),  # 3 hours ahead
    ):
        clock.set(now)
        request = await booked(app, client, start, accepted=False)
        assert request.lapses_at == lapses and lapses < start
        clock.set(lapses - timedelta(minutes=1))
        await _accept(app, request.id)
        confirmed = await stored(app, request.id)
        assert confirmed.payment_due_at is not None
        assert lapses <= confirmed.payment_due_at <= start  # the grace hour, never past the start
        mark = len(session.calls)
        clock.set(confirmed.payment_due_at - timedelta(seconds=1))
        await deliver(app)
        assert _reminders(sent_to(session, client, mark)) == []
        assert [text for text in sent_to(session, IRYNA, mark) if "нагадування" in text] == []


async def test_a_session_reminder_that_goes_out_late_says_how_long_is_left(app, session, clock):
    await _scene(app)
    await add_person(app, 1003, "Petro", locale="uk", zone="Europe/Kyiv")
    await booked(app, OLENA, utc(2026, 11, 27, 8), paid=True)
    await booked(app, 1003, utc(2026, 11, 27, 10), paid=True)
    await deliver(app)
    mark = len(session.calls)

    clock.set(utc(2026, 11, 27, 6))  # the day-before reminders were not sent in time (the bot was down)
    await deliver(app)
    olena = [text.splitlines()[0] for text in sent_to(session, OLENA, mark)]
    assert olena == ["⏰ In 2 hours: your session with Iryna Kovalenko, Fri 27 November, 03:00 (New York, UTC-5)."]
    petro = [text.splitlines()[0] for text in sent_to(session, 1003, mark)]
    assert petro == ["⏰ Сьогодні о 12:00 — ваша сесія: Iryna Kovalenko, пт, 27 листопада, 12:00 (Київ, UTC+2)."]

    mark = len(session.calls)
    clock.set(utc(2026, 11, 27, 9, 40))  # later still: the hour's reminder says how long is really left
    await deliver(app)
    assert [text.splitlines()[0] for text in sent_to(session, 1003, mark)] == [
        "⏰ Через 20 хвилин — ваша сесія: Iryna Kovalenko, пт, 27 листопада, 12:00 (Київ, UTC+2)."
    ]


async def test_a_reminder_on_time_says_tomorrow_at_the_readers_hour(app, session, clock):
    await _scene(app)
    await booked(app, OLENA, utc(2026, 11, 27, 9), paid=True)
    await deliver(app)
    mark = len(session.calls)
    clock.set(utc(2026, 11, 26, 9))
    await deliver(app)
    assert [text.splitlines()[0] for text in sent_to(session, OLENA, mark)] == [
        "⏰ Tomorrow at 04:00: your session with Iryna Kovalenko, Fri 27 November, 04:00 (New York, UTC-5)."
    ]
    assert [text.splitlines()[0] for text in sent_to(session, IRYNA, mark)] == [
        "⏰ Завтра об 11:00 — ваша сесія: Olena, пт, 27 листопада, 11:00 (Київ, UTC+2)."
    ]


async def test_the_same_time_next_week_on_the_therapists_vacation_is_not_called_taken(app, session, clock):
    await _scene(app)
    held = await booked(app, OLENA, utc(2026, 11, 26, 10), paid=True)
    await deliver(app)
    therapist = await profile_of(app)
    therapist.vacations = [Vacation(date(2026, 11, 30), date(2026, 12, 6))]
    async with app.unit_of_work() as uow:
        await uow.therapists.save(therapist)
        await uow.commit()
    mark = len(session.calls)
    clock.set(held.ends_at)
    await deliver(app)
    (offer,) = sent_to(session, OLENA, mark)
    assert offer.splitlines()[1] == (
        "🔁 Iryna Kovalenko is on vacation until 6 December 2026, so Thu 3 December, 05:00 (New York, UTC-5) cannot "
        "be booked. The free times nearest to it:"
    )
    assert "taken" not in offer
    assert (await stored(app, held.id)).status is BookingStatus.HELD
