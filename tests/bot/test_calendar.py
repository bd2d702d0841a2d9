"""Calendar files of a paid session: both sides get one, a move updates it, a cancellation removes it.

Olena (New York, English) pays for her session with Iryna (Kyiv, Ukrainian) on Thursday 26 Nov,
12:00 Kyiv (05:00 New York); each file is read back with `icalendar`.
"""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram.methods import SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from icalendar import Calendar

from core.usecases.booking import cancel_booking, move_booking
from tests.bot import booking_support, payment_support
from tests.bot.booking_support import IRYNA, OLENA, deliver, scene, stored, utc
from tests.bot.payment_support import confirmed_booking, pay_for
from tests.support.bot_client import BotClient
from tests.support.recording_session import RecordingSession

app = booking_support.app
sleeper = booking_support.sleeper
settings = payment_support.settings
payment_env = payment_support.payment_env

PHRASE = "Оплата пройшла успішно"
FRIDAY_NOON_KYIV = utc(2026, 11, 27, 10)


def files(session: RecordingSession, chat_id: int, since: int = 0) -> list[SendDocument]:
    return [call for call in session.calls[since:] if isinstance(call, SendDocument) and call.chat_id == chat_id]


def event_of(call: SendDocument):
    assert isinstance(call.document, BufferedInputFile)  # the bot sends the .ics it wrote
    calendar = Calendar.from_ical(call.document.data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


async def test_paying_sends_both_sides_the_event_after_the_phrase_in_their_own_zone(app, session, make_client):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    booking = await confirmed_booking(app)
    await deliver(app)
    assert files(session, OLENA) == files(session, IRYNA) == []  # unpaid: nothing for the calendar

    mark = len(session.calls)
    await pay_for(app, session, olena, booking)
    room = f"https://meet.jit.si/{(await stored(app, booking.id)).meeting_room}"

    # the order in Olena's chat: the phrase, the room, then the file
    olena_calls = [call for call in session.calls[mark:] if isinstance(call, SendMessage | SendDocument) and call.chat_id == OLENA]
    assert [type(call).__name__ for call in olena_calls] == ["SendMessage", "SendMessage", "SendDocument"]
    assert olena_calls[0].text.startswith(PHRASE)

    (for_olena,) = files(session, OLENA, mark)
    (for_iryna,) = files(session, IRYNA, mark)
    assert for_olena.document.filename == f"session-{booking.id}.ics"
    assert for_olena.caption == "📅 The session for your calendar: open the file to add it."
    assert for_iryna.caption == "📅 Сесія для вашого календаря: відкрийте файл, щоб додати її."

    calendar, event = event_of(for_olena)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"booking-{booking.id}@therapy-bot"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == booking.starts_at and event.decoded("DTEND") == booking.ends_at
    assert event.decoded("DTSTART").tzinfo == ZoneInfo("America/New_York")  # her zone, with its VTIMEZONE
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/New_York"
    assert (str(event["LOCATION"]), str(event["URL"])) == (room, room)
    assert str(event["SUMMARY"]) == "Session · Iryna Kovalenko"  # neutral: nothing of what it is about

    calendar, event = event_of(for_iryna)
    assert str(event["UID"]) == f"booking-{booking.id}@therapy-bot"
    assert event.decoded("DTSTART").tzinfo == ZoneInfo("Europe/Kyiv")
    assert str(event["SUMMARY"]) == "Сесія · Olena"
    assert str(event["DESCRIPTION"]) == f"Відеокімната: {room}"


async def test_a_move_updates_the_same_event_and_a_cancellation_removes_it(app, session, make_client, clock):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    booking = await confirmed_booking(app)
    await pay_for(app, session, olena, booking)
    (first,) = files(session, OLENA)
    uid = str(event_of(first)[1]["UID"])

    mark = len(session.calls)
    async with app.unit_of_work() as uow:
        moved = await move_booking(
            uow, clock, client_id=OLENA, booking_id=booking.id, version=booking.version, new_start=FRIDAY_NOON_KYIV,
            policy=app.settings.booking_policy(),
        )
    await deliver(app)
    (update,) = files(session, OLENA, mark)
    assert len(files(session, IRYNA, mark)) == 1
    calendar, event = event_of(update)
    assert (str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])) == ("REQUEST", uid, 1)
    assert event.decoded("DTSTART") == FRIDAY_NOON_KYIV and event.decoded("DTEND") == FRIDAY_NOON_KYIV + timedelta(minutes=50)
    assert update.caption == "📅 The session's new time: open the file to update it in your calendar."

    mark = len(session.calls)
    async with app.unit_of_work() as uow:
        await cancel_booking(uow, clock, person_id=OLENA, booking_id=booking.id, version=moved.version, expected_free=True)
    await deliver(app)
    (cancellation,) = files(session, OLENA, mark)
    (for_iryna,) = files(session, IRYNA, mark)
    for call in (cancellation, for_iryna):
        calendar, event = event_of(call)
        assert (str(calendar["METHOD"]), str(event["UID"]), str(event["STATUS"])) == ("CANCEL", uid, "CANCELLED")
        assert int(event["SEQUENCE"]) == 2  # above the update it cancels
        assert "LOCATION" not in event
    assert cancellation.caption == "📅 The session is cancelled: open the file to take it out of your calendar."


async def test_add_to_calendar_in_my_sessions_sends_the_file_again_and_only_for_a_paid_session(app, session, make_client):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    booking = await confirmed_booking(app)
    await deliver(app)
    unpaid = await olena.press(f"so:{booking.id}")
    assert "📅 Add to calendar" not in unpaid[-1].buttons
    assert BotClient.alerts(await olena.press(f"sc:{booking.id}")) == ["Only a paid session ahead goes into the calendar."]

    await pay_for(app, session, olena, booking)
    card = await olena.press(f"so:{booking.id}")
    assert "📅 Add to calendar" in card[-2].buttons
    mark = len(session.calls)
    await olena.click("📅 Add to calendar", in_reply=card[-2])
    (again,) = files(session, OLENA, mark)
    assert str(event_of(again)[1]["UID"]) == f"booking-{booking.id}@therapy-bot"

    # someone else's booking: not found, nothing sent
    petro_like = make_client(IRYNA + 1000, "Stranger")
    assert BotClient.alerts(await petro_like.press(f"sc:{booking.id}")) == ["Серед ваших сесій такої немає."]
