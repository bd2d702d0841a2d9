"""A time picked on a therapist's web page opens the bot at booking that very time (`/start b_<code>_<unix>`)."""
from __future__ import annotations

from core.bookings import BookingStatus
from tests.bot import booking_support
from tests.bot.booking_support import IRYNA, OLENA, PETRO, add_person, add_therapist, booked, bookings, scene, utc
from tests.support.bot_client import BotClient

app = booking_support.app
sleeper = booking_support.sleeper

FIRST_FREE = utc(2026, 11, 25, 9)  # Wednesday 11:00 Kyiv, 04:00 New York
LINK = f"/start b_iryna_{int(FIRST_FREE.timestamp())}"


async def test_a_time_from_the_page_opens_its_confirmation_and_books_it(app, make_client):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")

    offered = await olena.send(LINK)

    text = BotClient.texts_of(offered)[0]
    assert text.startswith("Session with Iryna Kovalenko")
    assert "🗓 Wed 25 Nov, 04:00 (New York, UTC-5)" in text  # in her own zone
    assert "✅ Book" in offered[0].buttons
    await olena.click("✅ Book")
    await olena.click("Anxiety")
    await olena.click("✔️ Done")
    await olena.click("Skip")
    [booking] = await bookings(app)
    assert (booking.client_id, booking.therapist_id, booking.starts_at) == (OLENA, IRYNA, FIRST_FREE)
    assert booking.status == BookingStatus.REQUESTED


async def test_a_time_taken_meanwhile_falls_back_to_the_profile_with_the_times_that_are_free(app, make_client):
    await scene(app)
    await booked(app, PETRO, FIRST_FREE)
    olena = make_client(OLENA, "Olena", language_code="en")

    replies = await olena.send(LINK)

    texts = BotClient.texts_of(replies)
    assert texts[0] == "This time is no longer free. Here is the profile, with the times that are:"
    assert texts[1].startswith("Iryna Kovalenko\n")
    assert "📅 Choose a time" in replies[-1].buttons
    assert len(await bookings(app)) == 1


async def test_ones_own_requested_time_from_the_page_is_said_to_be_theirs(app, make_client):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await booked(app, OLENA, FIRST_FREE, accepted=False)

    again = await olena.send(LINK)

    assert BotClient.texts_of(again) == [
        "This time is already yours — Iryna Kovalenko, Wed 25 November, 04:00 (New York, UTC-5): your request waits for "
        "the therapist's answer. You will find it in 📅 My sessions."
    ]
    assert len(await bookings(app)) == 1


async def test_a_forged_or_past_time_is_read_as_taken(app, make_client):
    await scene(app)
    petro = make_client(PETRO, "Petro")

    for forged in (FIRST_FREE.timestamp() + 60, 0, 99_999_999_999):
        replies = await petro.send(f"/start b_iryna_{int(forged)}")
        assert BotClient.texts_of(replies)[0] == "Цей час уже зайнятий. Ось профіль — з тими часами, що вільні:"
    assert await bookings(app) == []


async def test_a_paused_therapists_time_says_so_and_offers_the_directory(app, make_client):
    await add_therapist(app, accepting_clients=False)
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    olena = make_client(OLENA, "Olena", language_code="en")

    replies = await olena.send(LINK)

    assert BotClient.texts_of(replies) == [
        "This link leads to no therapist who is taking clients right now. Have a look at the others:"
    ]
    assert replies[-1].buttons == ["🔎 Find a therapist"]
    assert await bookings(app) == []


async def test_a_newcomer_from_the_page_is_greeted_and_gets_the_time(app, make_client):
    await scene(app)
    newcomer = make_client(1500, "Marta", language_code="uk")

    replies = await newcomer.send(LINK)

    texts = BotClient.texts_of(replies)
    assert len(texts) == 2
    assert "Iryna Kovalenko" in texts[1] and "11:00" in texts[1]  # a newcomer reads Kyiv time until they choose
    assert replies[-1].buttons[0].startswith("✅")


async def test_a_therapist_opening_their_own_time_cannot_book_themselves(app, make_client):
    await scene(app)
    iryna = make_client(IRYNA, "Iryna")

    replies = await iryna.send(LINK)

    assert len(BotClient.texts_of(replies)) == 1 and "✅" not in str(replies[0].buttons)
    assert await bookings(app) == []


async def test_typing_instead_of_pressing_keeps_the_booking_going(app, make_client):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send(LINK)

    replies = await olena.send("tomorrow please")

    assert BotClient.texts_of(replies)[0].startswith("Please choose with the buttons")
