""""My sessions": what each side sees and may do, and buttons that are stale, forged or someone else's."""
from __future__ import annotations

from datetime import timedelta

from core.bookings import BookingStatus
from tests.bot import booking_support
from tests.bot.booking_support import (
    IRYNA,
    MAKSYM,
    OLENA,
    PETRO,
    add_therapist,
    booked,
    deliver,
    scene,
    sent_to,
    stored,
    utc,
)
from tests.support.bot_client import BotClient

app = booking_support.app
sleeper = booking_support.sleeper

THURSDAY_NOON_KYIV = utc(2026, 11, 26, 10)
FRIDAY_NOON_KYIV = utc(2026, 11, 27, 10)


async def test_each_side_sees_its_sessions_in_its_own_zone_with_status(app, make_client):
    await scene(app)
    await booked(app, OLENA, THURSDAY_NOON_KYIV, paid=True)
    await booked(app, PETRO, FRIDAY_NOON_KYIV, accepted=False)

    olena = await make_client(OLENA, "Olena", language_code="en").send("📅 My sessions")
    iryna = await make_client(IRYNA, "Iryna").send("📅 Мої сесії")

    assert BotClient.texts_of(olena) == [
        "📅 Your sessions\n\nUpcoming:\nThu 26 Nov, 05:00 (New York, UTC-5) · Iryna Kovalenko\n✅ paid\n\n"
        "Open a session for details and what you can do now:"
    ]
    assert BotClient.texts_of(iryna) == [
        "📅 Ваші сесії\n\nМайбутні:\nЧт, 26 лист., 12:00 (Київ, UTC+2) · Olena\n✅ оплачено\n\n"
        "Пт, 27 лист., 12:00 (Київ, UTC+2) · Petro\n⏳ чекає на відповідь терапевта\n\n"
        "Відкрийте сесію, щоб побачити подробиці та що можна зробити зараз:"
    ]
    assert iryna[0].buttons == ["Чт, 26 лист., 12:00 (Київ, UTC+2) · Olena", "Пт, 27 лист., 12:00 (Київ, UTC+2) · Petro"]


async def test_nobody_with_no_sessions_is_pointed_to_the_directory_and_to_help_me_choose(app, make_client):
    await scene(app)
    replies = await make_client(PETRO, "Petro").send("/sessions")
    assert BotClient.texts_of(replies) == ["У вас поки що немає сесій."]
    assert replies[0].buttons == ["🔎 Знайти терапевта", "🧭 Допоможіть обрати"]


async def test_a_therapist_answers_a_request_from_the_card_and_a_declined_client_is_offered_more(app, make_client, session):
    await scene(app)
    await booked(app, OLENA, THURSDAY_NOON_KYIV, accepted=False)
    iryna = make_client(IRYNA, "Iryna")
    await iryna.send("/sessions")

    card = await iryna.click("Чт, 26 лист., 12:00 (Київ, UTC+2) · Olena")
    assert BotClient.texts_of(card) == [
        "🗓 Чт, 26 лист., 12:00 (Київ, UTC+2)\n👤 Клієнт: Olena\n💰 1 200 ₴\nСтатус: ⏳ чекає на відповідь терапевта"
    ]
    assert card[-2].buttons[:2] == ["✅ Прийняти", "✖️ Відхилити"]
    mark = len(session.calls)
    declined = await iryna.click("✖️ Відхилити")
    await deliver(app)

    assert BotClient.alerts(declined) == ["Відхилено. Клієнт отримав повідомлення і пропозицію обрати інший час."]
    assert "Статус: ✖️ запит відхилено терапевтом" in BotClient.texts_of(declined)[0]
    assert sent_to(session, OLENA, mark) == [
        "😔 Iryna Kovalenko cannot take the session on Thu 26 November, 05:00 (New York, UTC-5). "
        "Another time or another therapist may suit you:"
    ]
    olena = make_client(OLENA, "Olena", language_code="en")
    assert olena.last_with_button("📅 Other times").buttons == ["📅 Other times", "🔎 Other therapists"]


async def test_someone_elses_booking_cannot_be_seen_or_touched(app, make_client):
    await scene(app)
    await add_therapist(app, MAKSYM, "Maksym Hnatyuk")
    request = await booked(app, OLENA, THURSDAY_NOON_KYIV, accepted=False)
    petro, maksym = make_client(PETRO, "Petro"), make_client(MAKSYM, "Maksym")
    not_found = ["Серед ваших сесій такої немає."]

    assert BotClient.alerts(await petro.press(f"so:{request.id}")) == not_found
    assert BotClient.alerts(await petro.press(f"sq:{request.id}:1:cancel")) == not_found
    assert BotClient.alerts(await petro.press(f"sd:{request.id}:1:cancel:1")) == not_found
    assert BotClient.alerts(await maksym.press(f"sd:{request.id}:1:accept:0")) == not_found
    assert BotClient.alerts(await petro.press(f"bd:{IRYNA}:{request.id}:1:0:1")) == not_found
    assert (await stored(app, request.id)).status is BookingStatus.REQUESTED


async def test_a_client_cannot_accept_their_own_request_nor_mark_a_no_show(app, make_client):
    await scene(app)
    request = await booked(app, OLENA, THURSDAY_NOON_KYIV, accepted=False)
    olena = make_client(OLENA, "Olena", language_code="en")

    accepted = await olena.press(f"sd:{request.id}:1:accept:0")
    no_show = await olena.press(f"sq:{request.id}:1:no_show")

    refusal = "This can no longer be done with this session. Here is how it stands now."
    assert BotClient.alerts(accepted) == [refusal]
    assert BotClient.alerts(no_show) == [refusal]
    assert (await stored(app, request.id)).status is BookingStatus.REQUESTED


async def test_buttons_made_before_a_move_no_longer_act(app, make_client):
    await scene(app)
    booking = await booked(app, OLENA, THURSDAY_NOON_KYIV)
    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send("/sessions")
    card = await olena.click("Thu 26 Nov, 05:00 (New York, UTC-5) · Iryna Kovalenko")
    await olena.click("🔁 Move to another time")
    await olena.click("Fri 27 Nov")
    await olena.click("05:00")
    await olena.click("✅ Move here")

    stale = await olena.click("✖️ Cancel the session", in_reply=card[-2])

    assert BotClient.alerts(stale) == ["This session has changed since this button was made. Here is how it stands now."]
    assert BotClient.texts_of(stale)[0].startswith("🗓 Fri 27 Nov, 05:00 (New York, UTC-5)")
    moved = await stored(app, booking.id)
    assert (moved.status, moved.version) == (BookingStatus.AWAITING_PAYMENT, 2)


async def test_a_therapist_cancelling_late_is_still_free_for_the_client(app, make_client, clock, session):
    await scene(app)
    booking = await booked(app, OLENA, THURSDAY_NOON_KYIV, paid=True)
    clock.set(THURSDAY_NOON_KYIV - timedelta(hours=3))
    iryna = make_client(IRYNA, "Iryna")
    await iryna.send("/sessions")
    await iryna.click("Чт, 26 лист., 12:00 (Київ, UTC+2) · Olena")

    question = await iryna.click("✖️ Скасувати сесію")
    assert BotClient.texts_of(question) == [
        "Скасувати сесію чт, 26 листопада, 12:00 (Київ, UTC+2)? Для клієнта це безкоштовно. "
        "Клієнт отримає повне повернення: 1 200 ₴."
    ]
    mark = len(session.calls)
    await iryna.click("Так, скасувати")
    await deliver(app)

    cancelled = await stored(app, booking.id)
    assert (cancelled.status, cancelled.refund_due_minor) == (BookingStatus.CANCELLED_IN_TIME, 120_000)
    assert sent_to(session, OLENA, mark)[0] == (
        "✖️ Iryna Kovalenko had to cancel the session on Thu 26 November, 05:00 (New York, UTC-5). "
        "It costs you nothing. ₴1,200 will be refunded to you in full."
    )


async def test_a_cancellation_read_as_free_is_asked_again_once_the_24_hours_have_passed(app, make_client, clock):
    await scene(app)
    booking = await booked(app, OLENA, THURSDAY_NOON_KYIV, paid=True)
    clock.set(THURSDAY_NOON_KYIV - timedelta(hours=24, minutes=1))
    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send("/sessions")
    await olena.click("Thu 26 Nov, 05:00 (New York, UTC-5) · Iryna Kovalenko")
    await olena.click("✖️ Cancel the session")

    clock.advance(timedelta(minutes=2))
    replies = await olena.click("Yes, cancel")

    assert BotClient.alerts(replies) == ["What cancelling means has just changed. Please read again."]
    assert BotClient.texts_of(replies)[0].startswith("Less than 24 hours are left before the session")
    assert replies[-2].buttons[0] == "Cancel anyway"
    assert (await stored(app, booking.id)).status is BookingStatus.PAID


async def test_a_client_withdraws_a_request_for_free(app, make_client, session):
    await scene(app)
    request = await booked(app, PETRO, THURSDAY_NOON_KYIV, accepted=False)
    petro = make_client(PETRO, "Petro")
    await petro.send("/sessions")
    await petro.click("Чт, 26 лист., 12:00 (Київ, UTC+2) · Iryna Kovalenko")
    question = await petro.click("✖️ Скасувати сесію")
    assert BotClient.texts_of(question) == ["Відкликати ваш запит на чт, 26 листопада, 12:00 (Київ, UTC+2)? Це нічого не коштує."]
    mark = len(session.calls)
    await petro.click("Так, скасувати")
    await deliver(app)

    assert (await stored(app, request.id)).status is BookingStatus.CANCELLED_IN_TIME
    assert sent_to(session, IRYNA, mark) == ["✖️ Petro: запит на чт, 26 листопада, 12:00 (Київ, UTC+2) відкликано."]


async def test_past_sessions_are_listed_after_the_upcoming_ones(app, make_client, clock):
    await scene(app)
    await booked(app, OLENA, THURSDAY_NOON_KYIV, paid=True)
    clock.set(THURSDAY_NOON_KYIV + timedelta(hours=2))
    await booked(app, OLENA, utc(2026, 12, 3, 10))

    replies = await make_client(OLENA, "Olena", language_code="en").send("/sessions")

    assert BotClient.texts_of(replies)[0] == (
        "📅 Your sessions\n\nUpcoming:\nThu 3 Dec, 05:00 (New York, UTC-5) · Iryna Kovalenko\n💳 confirmed, to be paid\n\n"
        "Past:\nThu 26 Nov, 05:00 (New York, UTC-5) · Iryna Kovalenko\n☑️ held\n\n"
        "Open a session for details and what you can do now:"
    )


async def test_many_sessions_are_listed_a_page_at_a_time(app, make_client):
    await scene(app)
    for day in range(10):
        await booked(app, PETRO, utc(2026, 12, 1, 8 + day % 7) + timedelta(days=day // 7 * 7), accepted=False)
    iryna = make_client(IRYNA, "Iryna")

    first = await iryna.send("/sessions")
    second = await iryna.click("Пізніше ›")

    assert first[0].buttons[-1] == "Пізніше ›" and len(first[0].buttons) == 9
    assert second[-2].buttons[-1] == "‹ Раніше" and len(second[-2].buttons) == 3
    assert all(len(reply.text or "") <= 4096 for reply in first + second)
