"""Booking through the bot: the whole walk, and the timed messages of a booking's life.

Olena is in New York and reads English; Iryna, her therapist, is in Kyiv and
reads Ukrainian. Each sees every system message in their own language and zone.
"""
from __future__ import annotations

from datetime import timedelta

from core.bookings import BookingStatus
from core.usecases.booking import booking_paid, cancel_booking
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
    scene,
    sent_to,
    stored,
    utc,
)
from tests.support.bot_client import BotClient

# The app whose delivery waits by moving the test's clock.
app = booking_support.app
sleeper = booking_support.sleeper

H = timedelta(hours=1)


async def pay(app, booking_id: int) -> None:
    """What the payments engineer's successful-payment handler does with the booking."""
    async with app.unit_of_work() as uow:
        await booking_paid(uow, app.clock, booking_id)
        await uow.commit()


async def test_the_whole_walk_find_request_accept_move_cancel_late_cancel_no_show(app, session, make_client, clock):
    await add_therapist(app)
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York", display_name=None)
    olena = make_client(OLENA, "Olena", language_code="en")
    iryna = make_client(IRYNA, "Iryna")

    # find → profile: the nearest free time is in Olena's zone, the share link is shown
    await olena.send("/find")
    profile = await olena.click("Iryna Kovalenko · ₴1,200")
    text = BotClient.texts_of(profile)[0]
    assert "Nearest free time: Wed 25 November, 04:00 (New York, UTC-5)" in text
    assert "https://t.me/therapy_test_bot?start=t_iryna" in text

    # a day, then a time, in Olena's zone; the confirmation also says what time it is for Iryna
    days = await olena.click("📅 Choose a time")
    assert "Times are shown in your time zone, New York, UTC-5." in BotClient.texts_of(days)[0]
    times = await olena.click("Thu 26 Nov")
    assert olena.last_with_button("05:00").buttons[:3] == ["03:00", "04:00", "05:00"]
    confirm = await olena.click("05:00")
    confirm_text = BotClient.texts_of(confirm)[0]
    assert "Thu 26 Nov, 05:00 (New York, UTC-5)" in confirm_text
    assert "For Iryna Kovalenko it is 12:00 (Kyiv, UTC+2)." in confirm_text
    assert "this is your first session with iryna kovalenko, so it is a request" in confirm_text.lower()
    assert times  # the day view was shown
    topics = await olena.click("✅ Book")
    assert BotClient.texts_of(topics)[0].startswith(
        "📨 Your request. What would you like to work on? These are the topics Iryna Kovalenko works with"
    )
    assert olena.last_with_button("Anxiety").buttons == ["Anxiety", "Grief and loss", "✔️ Done"]
    await olena.click("Anxiety")
    assert olena.last_with_button("✔️ Done").buttons[0] == "✅ Anxiety"
    note = await olena.click("✔️ Done")
    assert "Only this therapist reads it." in BotClient.texts_of(note)[0]
    assert await bookings(app) == []  # nothing has gone out yet
    named = await olena.send("I can't sleep before exams.")
    # no name chosen yet: asked now, nothing pre-filled; the Telegram name only as a button to press
    assert BotClient.texts_of(named)[0].startswith("Before it goes out: which name should the therapist see?")
    mark = len(session.calls)
    await olena.click("Show my Telegram name: Olena")
    (row,) = await bookings(app)
    assert (row.request_topics, row.request_note) == (["anxiety"], "I can't sleep before exams.")
    assert (row.status, row.starts_at) == ("requested", utc(2026, 11, 26, 10))

    # the request on both sides, each in their own language and zone
    await deliver(app)
    assert sent_to(session, OLENA, mark)[0].startswith(
        "📨 Your request for Thu 26 November, 05:00 (New York, UTC-5) with Iryna Kovalenko is sent."
    )
    request = sent_to(session, IRYNA, mark)[0]
    assert request.startswith("📨 Новий запит на сесію чт, 26 листопада, 12:00 (Київ, UTC+2): Olena.")
    assert request.endswith("💬 Теми запиту: Тривога\n\n📝 Нотатка клієнта, лише для вас:\nI can't sleep before exams.")
    assert iryna.last_with_button("✅ Прийняти").buttons == ["✅ Прийняти", "✖️ Відхилити"]

    # the therapist accepts with one tap: confirmed on both sides
    mark = len(session.calls)
    await iryna.click("✅ Прийняти")
    await deliver(app)
    assert sent_to(session, OLENA, mark)[0] == (
        "✅ Your session with Iryna Kovalenko on Thu 26 November, 05:00 (New York, UTC-5) is confirmed. Please pay "
        "₴1,200 by Wed 25 November, 05:00 (New York, UTC-5): an unpaid session is cancelled then and the time released."
    )
    assert sent_to(session, IRYNA, mark)[0].startswith(
        "✅ Olena: сесію чт, 26 листопада, 12:00 (Київ, UTC+2) підтверджено. Тримайте цей час для клієнта, "
        "щойно в цьому чаті з'явиться «Оплата пройшла успішно»."
    )
    assert (await stored(app, row.id)).status is BookingStatus.AWAITING_PAYMENT

    # the client moves it to Friday, 06:00 New York (13:00 Kyiv)
    await olena.send("/sessions")
    await olena.click("Thu 26 Nov, 05:00 (New York, UTC-5) · Iryna Kovalenko")
    await olena.click("🔁 Move to another time")
    await olena.click("Fri 27 Nov")
    await olena.click("06:00")
    mark = len(session.calls)
    await olena.click("✅ Move here")
    await deliver(app)
    moved = await stored(app, row.id)
    assert (moved.starts_at, moved.version) == (utc(2026, 11, 27, 11), 2)
    assert sent_to(session, OLENA, mark)[0].startswith(
        "🔁 Your session with Iryna Kovalenko is moved from Thu 26 November, 05:00 (New York, UTC-5) "
        "to Fri 27 November, 06:00 (New York, UTC-5)."
    )
    assert sent_to(session, IRYNA, mark) == [
        "🔁 Olena: сесію перенесено з чт, 26 листопада, 12:00 (Київ, UTC+2) на пт, 27 листопада, 13:00 (Київ, UTC+2)."
    ]

    # paid, then cancelled in time: free, a full refund is due, both sides told
    await pay(app, row.id)
    await olena.send("/sessions")
    await olena.click("Fri 27 Nov, 06:00 (New York, UTC-5) · Iryna Kovalenko")
    question = await olena.click("✖️ Cancel the session")
    assert BotClient.texts_of(question) == [
        "Cancel the session on Fri 27 November, 06:00 (New York, UTC-5)? It is 24 hours or more away, so it costs you "
        "nothing. You will get a full refund of ₴1,200."
    ]
    mark = len(session.calls)
    await olena.click("Yes, cancel")
    await deliver(app)
    cancelled = await stored(app, row.id)
    assert (cancelled.status, cancelled.refund_due_minor) == (BookingStatus.CANCELLED_IN_TIME, 120_000)
    assert "₴1,200 will be refunded to you in full." in sent_to(session, OLENA, mark)[0]
    assert sent_to(session, IRYNA, mark) == [
        "✖️ Olena: сесію пт, 27 листопада, 13:00 (Київ, UTC+2) скасовано. Цей час знову вільний. "
        "Клієнт отримає повне повернення коштів."
    ]

    # a returning client is confirmed at once; a late cancellation is explained before it is confirmed
    await olena.send("/find")
    await olena.click("Iryna Kovalenko · ₴1,200")
    await olena.click("📅 Choose a time")
    await olena.click("Mon 30 Nov")
    await olena.click("04:00")
    await olena.click("✅ Book")
    second = (await bookings(app))[-1]
    assert second.status == "awaiting_payment"
    await pay(app, second.id)
    clock.set(second.starts_at - 10 * H)
    await olena.send("/sessions")
    await olena.click("Mon 30 Nov, 04:00 (New York, UTC-5) · Iryna Kovalenko")
    warning = await olena.click("✖️ Cancel the session")
    assert BotClient.texts_of(warning) == [
        "Less than 24 hours are left before the session on Mon 30 November, 04:00 (New York, UTC-5). If you cancel now, "
        "the session counts as held: the payment is not refunded. Cancel anyway?"
    ]
    assert (await stored(app, second.id)).status is BookingStatus.PAID  # told first, nothing done yet
    mark = len(session.calls)
    await olena.click("Cancel anyway")
    await deliver(app)
    late = await stored(app, second.id)
    assert (late.status, late.refund_due_minor, late.counts_as_held) == (BookingStatus.CANCELLED_LATE, None, True)
    assert sent_to(session, IRYNA, mark) == [
        "✖️ Olena: сесію пн, 30 листопада, 11:00 (Київ, UTC+2) скасовано менш ніж за 24 години, "
        "тож вона зараховується як проведена."
    ]

    # a no-show, marked by the therapist after the start
    await olena.send("/find")
    await olena.click("Iryna Kovalenko · ₴1,200")
    await olena.click("📅 Choose a time")
    await olena.click("Thu 3 Dec")
    await olena.click("04:00")
    await olena.click("✅ Book")
    third = (await bookings(app))[-1]
    await pay(app, third.id)
    clock.set(third.starts_at + 10 * timedelta(minutes=1))
    await iryna.send("/sessions")
    await iryna.click("Чт, 3 груд., 11:00 (Київ, UTC+2) · Olena")
    ask = await iryna.click("🚫 Клієнт не прийшов")
    assert BotClient.texts_of(ask) == [
        "Позначити, що клієнта (Olena) не було на сесії чт, 3 грудня, 11:00 (Київ, UTC+2)? Вона зарахується як проведена."
    ]
    mark = len(session.calls)
    await iryna.click("Так, клієнт не прийшов")
    await deliver(app)
    assert (await stored(app, third.id)).status is BookingStatus.NO_SHOW
    assert sent_to(session, OLENA, mark)[0].startswith(
        "🚫 Iryna Kovalenko marked that you did not come to the session on Thu 3 December, 04:00 (New York, UTC-5). "
        "It counts as held."
    )


async def test_an_unanswered_request_lapses_frees_the_slot_and_offers_other_times(app, session, clock, make_client):
    await scene(app)
    request = await booked(app, OLENA, utc(2026, 11, 27, 10), accepted=False)
    await deliver(app)
    mark = len(session.calls)

    clock.advance(12 * H - timedelta(seconds=1))
    await deliver(app)
    assert sent_to(session, OLENA, mark) == []
    clock.advance(timedelta(seconds=1))
    await deliver(app)

    assert (await stored(app, request.id)).status is BookingStatus.LAPSED
    assert sent_to(session, OLENA, mark) == [
        "⌛ Iryna Kovalenko did not answer your request for Fri 27 November, 05:00 (New York, UTC-5) in time, "
        "so it has lapsed. Choose another time or another therapist:"
    ]
    assert make_client(OLENA, "Olena", language_code="en").last_with_button("📅 Other times")
    assert sent_to(session, IRYNA, mark) == [
        "⌛ Olena: запит на пт, 27 листопада, 12:00 (Київ, UTC+2) залишився без відповіді й скасувався; цей час знову вільний."
    ]
    late_answer = await make_client(IRYNA, "Iryna").click("✅ Прийняти")
    assert BotClient.alerts(late_answer) == ["З цією сесією цього вже не можна зробити. Ось як вона виглядає зараз."]
    assert "Статус: ⌛ запит залишився без відповіді" in BotClient.texts_of(late_answer)[0]
    again = await booked(app, PETRO, utc(2026, 11, 27, 10), accepted=False)
    assert again.status is BookingStatus.REQUESTED


async def test_unpaid_the_client_is_reminded_the_day_before_and_at_the_deadline_the_booking_expires(app, session, clock):
    await scene(app)
    booking = await booked(app, OLENA, utc(2026, 11, 27, 10))  # payment due Thursday 10:00 UTC
    await deliver(app)
    mark = len(session.calls)

    clock.set(utc(2026, 11, 25, 10))  # a day before the deadline
    await deliver(app)
    assert [text for text in sent_to(session, OLENA, mark) if text.startswith("💳 A reminder")] == [
        "💳 A reminder: your session with Iryna Kovalenko on Fri 27 November, 05:00 (New York, UTC-5) is not paid yet. "
        "Please pay ₴1,200 by Thu 26 November, 05:00 (New York, UTC-5), or the session is cancelled and the time released."
    ]
    # the shared chat shows it on both sides: the therapist reads that it went out, with no pay button
    assert sent_to(session, IRYNA, mark) == [
        "ℹ️ Olena: нагадування про оплату сесії пт, 27 листопада, 12:00 (Київ, UTC+2) надіслано; її ще не оплачено "
        "(термін — до чт, 26 листопада, 12:00 (Київ, UTC+2))."
    ]
    mark = len(session.calls)
    clock.set(utc(2026, 11, 27, 10) - 24 * H)
    await deliver(app)

    assert (await stored(app, booking.id)).status is BookingStatus.EXPIRED
    assert sent_to(session, OLENA, mark)[0].startswith(
        "⌛ The session on Fri 27 November, 05:00 (New York, UTC-5) with Iryna Kovalenko was not paid in time"
    )
    assert sent_to(session, IRYNA, mark) == [
        "⌛ Olena: сесію пт, 27 листопада, 12:00 (Київ, UTC+2) НЕ оплачено, тож її скасовано. Будь ласка, не чекайте "
        "клієнта в цей час: немає оплати — немає сесії."
    ]


async def test_a_paid_session_is_reminded_24_and_1_hours_before_and_recorded_as_held_after(app, session, clock):
    await scene(app)
    booking = await booked(app, OLENA, utc(2026, 11, 27, 10), paid=True)
    await deliver(app)
    mark = len(session.calls)

    clock.set(utc(2026, 11, 26, 10))
    await deliver(app)
    clock.set(utc(2026, 11, 27, 9))
    await deliver(app)
    # each reminder carries where the session happens, the same room for both
    room = f"https://meet.jit.si/{(await stored(app, booking.id)).meeting_room}"
    assert sent_to(session, OLENA, mark) == [
        f"⏰ Tomorrow at 05:00: your session with Iryna Kovalenko, Fri 27 November, 05:00 (New York, UTC-5).\n🎥 The session's video room: {room}",
        f"⏰ In 1 hour: your session with Iryna Kovalenko, Fri 27 November, 05:00 (New York, UTC-5).\n🎥 The session's video room: {room}",
    ]
    assert sent_to(session, IRYNA, mark) == [
        f"⏰ Завтра о 12:00 — ваша сесія: Olena, пт, 27 листопада, 12:00 (Київ, UTC+2).\n🎥 Відеокімната сесії: {room}",
        f"⏰ Через 1 годину — ваша сесія: Olena, пт, 27 листопада, 12:00 (Київ, UTC+2).\n🎥 Відеокімната сесії: {room}",
    ]

    mark = len(session.calls)
    clock.set(utc(2026, 11, 27, 10, 50))
    await deliver(app)
    assert (await stored(app, booking.id)).status is BookingStatus.HELD
    assert sent_to(session, IRYNA, mark) == [
        "☑️ Olena: сесія пт, 27 листопада, 12:00 (Київ, UTC+2) завершилася й записана як проведена. "
        "Якщо клієнт не прийшов, позначте це:"
    ]
    # the client is not asked about a no-show: she is offered the same time next week (test_coming_back.py)
    assert [text.splitlines()[0] for text in sent_to(session, OLENA, mark)] == [
        "☑️ Iryna Kovalenko: the session on Fri 27 November, 05:00 (New York, UTC-5) is over."
    ]


async def test_reminders_of_a_cancelled_session_are_never_sent(app, session, clock):
    await scene(app)
    booking = await booked(app, OLENA, utc(2026, 11, 27, 10), paid=True)
    async with app.unit_of_work() as uow:
        await cancel_booking(uow, clock, person_id=OLENA, booking_id=booking.id, version=1, expected_free=True)
    await deliver(app)
    mark = len(session.calls)

    clock.set(utc(2026, 11, 28, 10))
    await deliver(app)

    assert sent_to(session, OLENA, mark) == sent_to(session, IRYNA, mark) == []


async def test_text_or_a_sticker_mid_booking_keeps_the_step_and_shows_the_days_again(app, make_client):
    await scene(app)
    petro = make_client(PETRO, "Petro")
    await petro.send("/start t_iryna")
    await petro.click("📅 Обрати час")

    typed = await petro.send("у четвер о 12?")
    sticker = await petro.send_sticker()
    picked = await petro.click("Чт, 26 лист.", in_reply=sticker[0])

    for replies in (typed, sticker):
        text = BotClient.texts_of(replies)[0]
        assert text.startswith("Будь ласка, оберіть кнопками: спершу день, потім час.")
        assert "Чт, 26 лист." in replies[0].buttons
    assert BotClient.texts_of(picked)[0].startswith("Чт, 26 лист.: оберіть час.")
    assert await bookings(app) == []


async def test_a_time_taken_meanwhile_or_never_offered_is_refused_with_the_next_free_ones(app, make_client):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send("/start t_iryna")
    await olena.click("📅 Choose a time")
    await olena.click("Thu 26 Nov")
    await olena.click("05:00")
    await booked(app, PETRO, utc(2026, 11, 26, 10), accepted=False)  # Petro is quicker

    taken = await olena.click("✅ Book")
    invented = await olena.press(f"bc:{IRYNA}:{int(utc(2026, 11, 26, 10, 7).timestamp())}:0:0")

    for replies in (taken, invented):
        assert BotClient.texts_of(replies) == ["This time is no longer free. The next free times with Iryna Kovalenko:"]
        assert replies[-2].buttons[:2] == [
            "Thu 26 Nov, 06:00 (New York, UTC-5)",
            "Thu 26 Nov, 07:00 (New York, UTC-5)",
        ]
    assert [row.client_id for row in await bookings(app)] == [PETRO]


async def test_book_pressed_again_on_ones_own_request_says_the_time_is_already_theirs(app, make_client):
    await scene(app)
    olena, petro = make_client(OLENA, "Olena", language_code="en"), make_client(PETRO, "Petro")
    book_olena = f"bc:{IRYNA}:{int(utc(2026, 11, 26, 10).timestamp())}:0:0"
    book_petro = f"bc:{IRYNA}:{int(utc(2026, 11, 27, 10).timestamp())}:0:0"
    await booked(app, OLENA, utc(2026, 11, 26, 10), accepted=False)
    await booked(app, PETRO, utc(2026, 11, 27, 10), accepted=False)

    olena_again, petro_again = await olena.press(book_olena), await petro.press(book_petro)

    assert BotClient.texts_of(olena_again) == [
        "This time is already yours — Iryna Kovalenko, Thu 26 November, 05:00 (New York, UTC-5): your request waits for "
        "the therapist's answer. You will find it in 📅 My sessions."
    ]
    assert BotClient.texts_of(petro_again) == [
        "Цей час уже ваш — Iryna Kovalenko, пт, 27 листопада, 12:00 (Київ, UTC+2): ваш запит чекає на відповідь "
        "терапевта. Його видно в 📅 Мої сесії."
    ]
    assert sorted(row.client_id for row in await bookings(app)) == [OLENA, PETRO]


async def test_a_therapist_cannot_book_themselves(app, make_client):
    await scene(app)
    iryna = make_client(IRYNA, "Iryna")
    replies = await iryna.press(f"bc:{IRYNA}:{int(utc(2026, 11, 26, 10).timestamp())}:0:0")
    assert BotClient.alerts(replies) == ["Це ваш власний профіль: записатися на сесію до себе не можна."]
    assert await bookings(app) == []


async def test_a_command_or_menu_button_mid_booking_leaves_the_booking(app, make_client):
    await scene(app)
    petro = make_client(PETRO, "Petro")
    await petro.send("/start t_iryna")
    await petro.click("📅 Обрати час")

    sessions = await petro.send("📅 Мої сесії")
    later = await petro.send("Добрий день!")

    assert BotClient.texts_of(sessions) == ["У вас поки що немає сесій."]
    assert not any(text.startswith("Будь ласка, оберіть кнопками") for text in BotClient.texts_of(later))


async def test_a_therapist_opening_their_own_profile_cannot_start_booking_themselves(app, make_client):
    await scene(app)
    iryna = make_client(IRYNA, "Iryna")
    await iryna.send("/start t_iryna")
    replies = await iryna.click("📅 Обрати час")
    assert BotClient.alerts(replies) == ["Це ваш власний профіль: записатися на сесію до себе не можна."]


async def test_a_long_profile_still_fits_one_message(app, make_client):
    await add_therapist(app, 2009, "Verbose Therapist", about="Слово " * 2000, education="Диплом " * 1000, share_code="long")
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    replies = await make_client(PETRO, "Petro").send("/start t_long")
    profile = BotClient.texts_of(replies)[-1]
    assert len(profile) <= 4096
    assert profile.endswith("Посилання на цей профіль: https://t.me/therapy_test_bot?start=t_long")
