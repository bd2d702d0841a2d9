"""Vacations in the cabinet: typed dates checked step by step, sessions already booked inside kept or
cancelled one by one, visibility meanwhile, changing, ending and removing, and past vacations kept.

START is Tuesday 24 November 2026, 10:00 in Kyiv.
"""
from __future__ import annotations

from datetime import date, timedelta

from core.bookings import BookingStatus
from core.schedule import Vacation
from core.usecases.booking import request_booking
from tests.bot import booking_support, payment_support
from tests.bot.booking_support import (
    IRYNA,
    MAKSYM,
    OLENA,
    PETRO,
    add_person,
    add_therapist,
    deliver,
    sent_to,
    stored,
    utc,
)
from tests.bot.cabinet_support import MENU_VACATION, answers, iryna_in_cabinet, profile_of, vacation_rows
from tests.bot.payment_support import confirmed_booking, pay_for
from tests.support.bot_client import BotClient

app, sleeper = booking_support.app, booking_support.sleeper
settings, payment_env = payment_support.settings, payment_support.payment_env

DAY = timedelta(days=1)


async def clients(app) -> None:
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")


async def test_a_vacation_is_typed_step_by_step_and_a_wrong_date_keeps_its_step(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    empty = await iryna.send(MENU_VACATION)
    await iryna.click("➕ Додати відпустку")
    sticker = await iryna.send_sticker()
    nonsense = await iryna.send("після Різдва")
    past = await iryna.send("23.11.2026")
    impossible = await iryna.send("31.11.2026")
    asked_last = await iryna.send("20.12")  # the day and month are enough, as for an interview's «10.12 15:00»
    before_first = await iryna.send("19.12.2026")
    too_long = await iryna.send("01.01.2028")
    asked_note = await iryna.send("5.1")  # the next 5 January from the first day on
    photo_note = await iryna.send_sticker()
    saved = await iryna.send("Зимові свята")

    # the examples lie a week ahead of today (24 November) and of the first day: never in the past
    first_prompt = "Перший день відпустки? Напишіть дату, наприклад 01.12 / 01.12.2026. /cancel — зупинити."
    last_prompt = "Початок — 20 грудня 2026. Останній день відпустки (включно)? Напишіть дату, наприклад 27.12 / 27.12.2026."
    note_prompt = "Нотатка для себе, наприклад «Зимові свята» (клієнти її не бачать), або натисніть «Пропустити»."
    assert empty[0].text.startswith("🏖 Ваші відпустки\n\nВідпустку не заплановано.")
    assert answers(sticker) == ["Будь ласка, напишіть дату текстом.\n\n" + first_prompt]
    assert answers(nonsense) == [
        "Не можу прочитати це як дату. Будь ласка, напишіть її так: 01.12 / 01.12.2026.\n\n" + first_prompt
    ]
    assert answers(past) == ["Цей день уже минув. Відпустка може початися сьогодні, 24 листопада 2026, або пізніше.\n\n" + first_prompt]
    assert answers(impossible)[0].startswith("Не можу прочитати це як дату.")
    assert answers(asked_last) == [last_prompt]
    assert answers(before_first) == ["Останній день не може бути раніше за перший — 20 грудня 2026.\n\n" + last_prompt]
    assert answers(too_long)[0].startswith("Це довше, ніж можна: щонайбільше 366 дн.")
    assert answers(asked_note) == [note_prompt]
    assert answers(photo_note)[0].startswith("Будь ласка, напишіть нотатку текстом або натисніть «Пропустити».")
    assert saved[0].text == (
        "✅ Відпустку збережено: 20 грудня 2026 – 5 січня 2027. На ці дні до вас ніхто не зможе записатися.\n\n"
        "Під час відпустки до вас ніхто не може записатися, а ваш профіль приховано з каталогу."
    )
    assert len(saved) == 1  # nothing was booked inside it
    assert [row[1:] for row in await vacation_rows(app)] == [("2026-12-20", "2027-01-05", "Зимові свята")]

    listed = await iryna.send("/vacation")
    assert "Зараз і попереду:\n• 20 грудня 2026 – 5 січня 2027 · Зимові свята" in listed[0].text
    assert listed[0].buttons[0] == "✏️ 20 грудня 2026 – 5 січня 2027"
    # another vacation may not overlap this one
    await iryna.click("➕ Додати відпустку")
    overlap = await iryna.send("04.01.2027")
    assert answers(overlap)[0].startswith(
        "Це накладається на вашу відпустку 20 грудня 2026 – 5 січня 2027. Змініть ту відпустку або оберіть інші дні."
    )


async def test_sessions_inside_a_new_vacation_are_kept_or_cancelled_free_one_by_one(app, session, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await clients(app)
    olena_paid = await confirmed_booking(app, OLENA, utc(2026, 11, 26, 10))  # Thu 12:00 Kyiv
    await pay_for(app, session, make_client(OLENA, "Olena", language_code="en"), olena_paid)
    petro_unpaid = await confirmed_booking(app, PETRO, utc(2026, 11, 27, 9))  # Fri 11:00 Kyiv
    async with app.unit_of_work() as uow:  # a returning client's booking is confirmed at once
        petro_later = await request_booking(
            uow, app.clock, client_id=PETRO, therapist_id=IRYNA, starts_at=utc(2026, 12, 1, 9), policy=app.settings.booking_policy()
        )  # after the vacation
    await deliver(app)

    await iryna.send("/vacation")
    await iryna.click("➕ Додати відпустку")
    await iryna.send("26.11.2026")
    await iryna.send("29.11.2026")
    saved = await iryna.click("Пропустити")

    listing = saved[-2]
    assert listing.text == (
        "Ці сесії забронювали раніше, і вони припадають на вашу відпустку 26 листопада 2026 – 29 листопада 2026. Для кожної "
        "оберіть: залишити чи скасувати. Скасування нічого не коштує клієнтові: йому повідомимо й запропонуємо інший "
        "час, а оплачену сесію повернемо повністю.\n\n"
        "• Чт, 26 лист., 12:00 · Olena — ✅ оплачено\n"
        "• Пт, 27 лист., 11:00 · Petro — 💳 підтверджено, очікує оплати"
    )
    assert listing.buttons == [
        "✖️ Скасувати Чт, 26 лист., 12:00 · Olena", "✅ Залишити Чт, 26 лист., 12:00 · Olena",
        "✖️ Скасувати Пт, 27 лист., 11:00 · Petro", "✅ Залишити Пт, 27 лист., 11:00 · Petro",
    ]

    mark = len(session.calls)
    cancelled = await iryna.click("✖️ Скасувати Чт, 26 лист., 12:00 · Olena")
    await deliver(app)
    kept = await iryna.click("✅ Залишити Пт, 27 лист., 11:00 · Petro")

    assert BotClient.alerts(cancelled) == ["Скасовано. Клієнтові повідомлено й запропоновано інший час."]
    assert cancelled[-2].text.endswith("\n✖️ Скасовано: Чт, 26 лист., 12:00 · Olena")
    assert cancelled[-2].buttons == ["✖️ Скасувати Пт, 27 лист., 11:00 · Petro", "✅ Залишити Пт, 27 лист., 11:00 · Petro"]
    assert BotClient.alerts(kept) == ["Залишено."]
    assert kept[-2].text.endswith("\n✅ Залишено: Пт, 27 лист., 11:00 · Petro\n\nУсе вирішено.")
    assert kept[-2].buttons == []

    olena_now = await stored(app, olena_paid.id)
    assert (olena_now.status, olena_now.refund_due_minor) == (BookingStatus.CANCELLED_IN_TIME, 120_000)
    told = sent_to(session, OLENA, mark)
    assert told[0].startswith("✖️ Iryna Kovalenko had to cancel the session on Thu 26 November, 05:00 (New York, UTC-5). It costs you nothing.")
    assert "₴1,200 will be refunded to you in full." in told[0]
    assert len(await payment_support.refunds(app)) == 1
    assert (await stored(app, petro_unpaid.id)).status is BookingStatus.AWAITING_PAYMENT
    assert (await stored(app, petro_later.id)).status is BookingStatus.AWAITING_PAYMENT

    # The stale buttons of a decided session do nothing more.
    again = await iryna.click("✖️ Скасувати Чт, 26 лист., 12:00 · Olena", in_reply=listing)
    assert BotClient.alerts(again) == [
        "Тим часом ця сесія змінилася (її перенесли, скасували або на неї вже відповіли), тож нічого не зроблено. "
        "Як вона зараз — /sessions."
    ]
    assert (await stored(app, olena_paid.id)).refund_due_minor == 120_000

    # Clients can't book the vacation's days; the days after it are open.
    petro = make_client(PETRO, "Petro")
    await petro.send("/start t_iryna")
    days = await petro.click("📅 Обрати час")
    assert days[-2].buttons[:3] == ["Ср, 25 лист.", "Пн, 30 лист.", "Вт, 1 груд."]


async def test_a_request_inside_a_vacation_is_declined_and_the_client_offered_other_times(app, session, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await clients(app)
    async with app.unit_of_work() as uow:
        request = await request_booking(
            uow, app.clock, client_id=PETRO, therapist_id=IRYNA, starts_at=utc(2026, 12, 2, 9), policy=app.settings.booking_policy()
        )
    await deliver(app)
    await iryna.send("/vacation")
    await iryna.click("➕ Додати відпустку")
    await iryna.send("2.12.2026")
    await iryna.send("2.12.2026")
    saved = await iryna.click("Пропустити")
    assert "• Ср, 2 груд., 11:00 · Petro — ⏳ чекає на відповідь терапевта" in saved[-2].text

    mark = len(session.calls)
    await iryna.click("✖️ Скасувати Ср, 2 груд., 11:00 · Petro")
    await deliver(app)

    assert (await stored(app, request.id)).status is BookingStatus.DECLINED
    [told] = sent_to(session, PETRO, mark)
    assert told.startswith("😔 Iryna Kovalenko не може провести сесію ср, 2 грудня, 11:00 (Київ, UTC+2).")


async def test_whether_the_profile_shows_during_a_vacation_is_her_choice(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await clients(app)
    petro = make_client(PETRO, "Petro")
    await iryna.send("/vacation")
    await iryna.click("➕ Додати відпустку")
    await iryna.send("24.11.2026")
    await iryna.send("30.11.2026")
    saved = await iryna.click("Пропустити")
    hidden = await petro.send("/find")

    shown = await iryna.click("👁 Показувати профіль під час відпусток", in_reply=saved[0])
    listed = await petro.send("/find")
    days = await petro.click("Iryna Kovalenko · 1 200 ₴")
    slots = await petro.click("📅 Обрати час")

    assert saved[0].buttons[0] == "👁 Показувати профіль під час відпусток"
    assert "Iryna" not in hidden[0].text
    assert BotClient.alerts(shown) == ["Збережено."]
    assert "але ваш профіль лишається в каталозі" in shown[-2].text
    assert (await profile_of(app)).hide_during_vacation is False
    assert "Знайдено: 1" in listed[0].text
    assert "Найближчий вільний час: вт, 1 грудня, 10:00 (Київ, UTC+2)" in BotClient.texts_of(days)[0]
    assert slots[-2].buttons[0] == "Вт, 1 груд."


async def test_dates_and_note_change_an_ongoing_vacation_ends_and_past_ones_are_kept(app, make_client, clock):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send("/vacation")
    await iryna.click("➕ Додати відпустку")
    await iryna.send("24.11.2026")
    await iryna.send("27.11.2026")
    await iryna.click("Пропустити")
    [(vacation_id, *_rest)] = await vacation_rows(app)

    await iryna.send("/vacation")
    card = await iryna.click("✏️ 24 листопада 2026 – 27 листопада 2026")
    await iryna.click("📝 Змінити нотатку")
    noted = await iryna.send("Конференція у Львові")
    clock.advance(DAY)  # Wednesday: the vacation is under way
    await iryna.click("📅 Змінити дати", in_reply=card[-2])
    kept_start = await iryna.send("24.11.2026")
    longer = await iryna.send("29.11.2026")
    assert card[-2].buttons == ["📅 Змінити дати", "📝 Змінити нотатку", "🗑 Видалити", "« Відпустки"]
    assert noted[0].text == "✅ Нотатку збережено.\n\n🏖 Відпустка: 24 листопада 2026 – 27 листопада 2026\nНотатка: Конференція у Львові"
    assert answers(kept_start)[0].startswith("Початок — 24 листопада 2026.")  # an ongoing vacation keeps its start
    assert longer[0].text.startswith("✅ Тепер відпустка триває 24 листопада 2026 – 29 листопада 2026.")
    assert await vacation_rows(app) == [(vacation_id, "2026-11-24", "2026-11-29", "Конференція у Львові")]

    await iryna.send("/vacation")
    await iryna.click("✏️ 24 листопада 2026 – 29 листопада 2026")
    asked = await iryna.click("🗑 Видалити")
    ended = await iryna.click("Так, видалити")
    assert asked[-2].text.startswith("Завершити цю відпустку зараз?")
    assert BotClient.alerts(ended) == ["Відпустку завершено."]
    assert await vacation_rows(app) == [(vacation_id, "2026-11-24", "2026-11-24", "Конференція у Львові")]
    assert "Минулі (зберігаються як були):\n• 24 листопада 2026 · Конференція у Львові" in ended[-2].text

    # a past vacation can be read, not changed: its old buttons are refused
    stale = await iryna.click("📝 Змінити нотатку", in_reply=card[-2])
    assert BotClient.alerts(stale) == ["Ця відпустка вже минула; минулі відпустки зберігаються як були."]

    # an upcoming one is removed outright
    await iryna.click("➕ Додати відпустку")
    await iryna.send("10.12.2026")
    await iryna.send("11.12.2026")
    await iryna.click("Пропустити")
    await iryna.send("/vacation")
    await iryna.click("✏️ 10 грудня 2026 – 11 грудня 2026")
    await iryna.click("🗑 Видалити")
    removed = await iryna.click("Так, видалити")
    assert BotClient.alerts(removed) == ["Відпустку видалено."]
    assert [row[1:3] for row in await vacation_rows(app)] == [("2026-11-24", "2026-11-24")]


async def test_someone_elses_vacation_or_session_cannot_be_touched(app, session, make_client):
    from bot.keyboards.cabinet import InsideVacation, VacationOpen, VacationRemove

    await add_therapist(app, MAKSYM, "Maksym Bondar", vacations=[Vacation(date(2026, 12, 10), date(2026, 12, 12))])
    iryna = await iryna_in_cabinet(app, make_client)
    await clients(app)
    async with app.unit_of_work() as uow:
        theirs = await request_booking(
            uow, app.clock, client_id=PETRO, therapist_id=MAKSYM, starts_at=utc(2026, 11, 26, 9), policy=app.settings.booking_policy()
        )
    [(maksym_vacation, *_rest)] = await vacation_rows(app, MAKSYM)

    opened = await iryna.press(VacationOpen(id=maksym_vacation).pack())
    removed = await iryna.press(VacationRemove(id=maksym_vacation, confirmed=True).pack())
    cancelled = await iryna.press(InsideVacation(booking_id=theirs.id, version=1, keep=False).pack())
    kept = await iryna.press(InsideVacation(booking_id=theirs.id, version=1, keep=True).pack())

    assert BotClient.alerts(opened) == ["Цієї відпустки вже немає. Ваші відпустки — /vacation."]
    assert BotClient.alerts(removed) == ["Цієї відпустки вже немає. Ваші відпустки — /vacation."]
    assert BotClient.alerts(cancelled) == BotClient.alerts(kept) == ["Серед ваших сесій такої немає."]
    assert [row[1:3] for row in await vacation_rows(app, MAKSYM)] == [("2026-12-10", "2026-12-12")]
    assert (await stored(app, theirs.id)).status is BookingStatus.REQUESTED


async def test_a_vacation_years_ahead_is_refused_and_the_step_kept(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send(MENU_VACATION)
    await iryna.click("➕ Додати відпустку")
    typo = await iryna.send("31.12.9999")  # once saved, and every later step crashed into the apology
    farthest = await iryna.send("24.11.2028")  # a day past two years of 365 days from 24 November 2026

    first_prompt = "Перший день відпустки? Напишіть дату, наприклад 01.12 / 01.12.2026. /cancel — зупинити."
    too_far = "Це надто далеко наперед. Відпустка може початися щонайпізніше 23 листопада 2028."
    assert answers(typo) == answers(farthest) == [too_far + "\n\n" + first_prompt]
    accepted = await iryna.send("23.11.2028")
    assert answers(accepted)[0].startswith("Початок — 23 листопада 2028. Останній день відпустки (включно)?")
    assert await vacation_rows(app) == []
