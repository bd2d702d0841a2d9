"""Paying inside Telegram: invoice, pre-checkout, payment, and everything that must not happen twice.

Olena (New York, English) pays for her session with Iryna (Kyiv, Ukrainian);
Petro (Kyiv, Ukrainian) is another client. Provider mode unless a test says otherwise.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from aiogram.methods import SendInvoice

from core.bookings import BookingStatus
from core.staff import StaffRole
from core.usecases.booking import move_booking
from tests.bot import booking_support, payment_support
from tests.bot.booking_support import IRYNA, OLENA, PETRO, add_person, deliver, scene, stored, utc
from tests.bot.payment_support import (
    FINANCE,
    MANUAL,
    PROVIDER_TOKEN,
    STARS,
    add_staff,
    alerts,
    confirmed_booking,
    invoices,
    paid,
    payments,
    payouts,
    pending_kinds,
    pre_checkout,
    refunds,
    star_refunds,
    texts,
)
from tests.conftest import ADMIN_ID

# The app whose delivery waits by moving the test's clock, with the payment settings a test chooses.
app = booking_support.app
sleeper = booking_support.sleeper
settings = payment_support.settings
payment_env = payment_support.payment_env

H = timedelta(hours=1)
PHRASE = "Оплата пройшла успішно"


async def test_the_bot_asks_telegram_for_pre_checkout_queries(app):
    assert "pre_checkout_query" in app.dispatcher.resolve_used_update_types()


async def test_invoice_pre_checkout_payment_then_both_sides_read_the_phrase_and_reminders_follow(
    app, session, make_client, clock
):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    booking = await confirmed_booking(app)
    await deliver(app)

    # the invoice: the therapist's name, the time and deadline in Olena's zone, the price
    (invoice,) = invoices(session, OLENA)
    assert invoice.title == "Session with Iryna Kovalenko"
    assert invoice.description == (
        "Session on Thu 26 November, 05:00 (New York, UTC-5). Please pay by Wed 25 November, 05:00 (New York, UTC-5): "
        "unpaid, the session is cancelled then and the time released."
    )
    assert (invoice.payload, invoice.currency, invoice.provider_token) == (f"b{booking.id}v1", "UAH", PROVIDER_TOKEN)
    assert [(price.label, price.amount) for price in invoice.prices] == [("Session", 120_000)]

    answer = await pre_checkout(olena, invoice)
    assert (answer.ok, answer.error_message) == (True, None)

    mark = len(session.calls)
    replies = await paid(olena, invoice)
    assert replies == []  # nothing is said in answer: both sides hear it as the booking's system message
    await deliver(app)
    paid_booking = await stored(app, booking.id)
    assert (paid_booking.status, paid_booking.paid_minor) == (BookingStatus.PAID, 120_000)
    # right after the phrase, where the session happens: the same fresh room for both
    room = f"https://meet.jit.si/{paid_booking.meeting_room}"
    assert texts(session, OLENA, mark) == [
        PHRASE + "\nPayment successful — the time is held for you.", f"🎥 The session's video room: {room}"
    ]
    assert texts(session, IRYNA, mark) == [  # the phrase alone, then which session it is
        PHRASE,
        "Olena: сесія чт, 26 листопада, 12:00 (Київ, UTC+2).\n"
        f"🎥 Відеокімната сесії: {room}",
    ]
    (payment,) = await payments(app)
    assert (payment.amount_minor, payment.currency, payment.method, payment.use) == (120_000, "UAH", "provider", "applied")
    assert payment.provider_payment_charge_id == "prov-tg-charge-1"
    (payout,) = await payouts(app)
    # paid on Tuesday 24 Nov: Wed, Thu, Fri are the 3 business days
    assert (payout.therapist_id, payout.amount_minor, payout.due_on, payout.status) == (
        IRYNA, 96_000, date(2026, 11, 27), "due"
    )
    # the payment reminder and the expiry are dropped; the session's reminders wait
    assert await pending_kinds(app, booking.id) == ["booking.session_reminder"] * 4 + ["booking.ended", "booking.come_back"]

    clock.set(booking.starts_at - 24 * H)
    mark = len(session.calls)
    await deliver(app)
    assert texts(session, OLENA, mark) == [
        "⏰ Tomorrow at 05:00: your session with Iryna Kovalenko, Thu 26 November, 05:00 (New York, UTC-5).\n"
        f"🎥 The session's video room: {room}"
    ]
    assert len(texts(session, IRYNA, mark)) == 1


async def test_a_repeated_payment_update_records_once_and_tells_nobody_twice(app, session, make_client):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await confirmed_booking(app)
    await deliver(app)
    (invoice,) = invoices(session, OLENA)
    await paid(olena, invoice, charge_id="tg-once")
    await deliver(app)
    first = olena.last_update

    mark = len(session.calls)
    await olena.feed({k: v for k, v in first.items() if k != "update_id"}, update_id=first["update_id"])  # the same update
    await paid(olena, invoice, charge_id="tg-once")  # the same charge in a new update
    await deliver(app)

    assert len(await payments(app)) == 1
    assert len(await payouts(app)) == 1
    assert await refunds(app) == []
    assert texts(session, OLENA, mark) == [] and texts(session, IRYNA, mark) == []


@pytest.mark.parametrize("payment_env", [STARS])
async def test_a_second_payment_for_a_paid_session_is_recorded_and_its_stars_go_back(app, session, make_client):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    booking = await confirmed_booking(app)
    await deliver(app)
    (invoice,) = invoices(session, OLENA)
    assert (invoice.currency, invoice.provider_token, [p.amount for p in invoice.prices]) == ("XTR", None, [1_800])
    await paid(olena, invoice, charge_id="stx-first")
    await deliver(app)

    mark = len(session.calls)
    await paid(olena, invoice, charge_id="stx-second")  # paid again from the same invoice, a new charge
    await deliver(app)

    first, second = await payments(app)
    assert (first.use, second.use) == ("applied", "stray")
    (refund,) = await refunds(app)
    assert (refund.payment_id, refund.amount_minor, refund.currency, refund.status) == (second.id, 1_800, "XTR", "carried_out")
    (call,) = star_refunds(session, mark)
    assert (call.user_id, call.telegram_payment_charge_id) == (OLENA, "stx-second")
    assert texts(session, OLENA, mark) == [
        "⚠️ Your payment of 1,800 ⭐ for the session with Iryna Kovalenko on Thu 26 November, 05:00 (New York, UTC-5) "
        "arrived when the session could not be paid: it was already paid. It is not lost: it is being refunded to you "
        "in full, and I will write when it is done.",
        "✅ 1,800 ⭐ for the session with Iryna Kovalenko on Thu 26 November, 05:00 (New York, UTC-5) went back to your "
        "Telegram Stars balance.",
    ]
    assert texts(session, IRYNA, mark) == [
        "ℹ️ Olena: за сесію чт, 26 листопада, 12:00 (Київ, UTC+2) надійшла друга оплата; зайву оплату повертаємо. "
        "Сесія лишається оплаченою."
    ]
    assert (await stored(app, booking.id)).status is BookingStatus.PAID
    assert len(await payouts(app)) == 1


async def test_pre_checkout_refuses_with_a_reason_in_the_payers_language(app, session, make_client, clock):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    petro = make_client(PETRO, "Petro")
    booking = await confirmed_booking(app)
    await deliver(app)
    (invoice,) = invoices(session, OLENA)

    forged = await pre_checkout(olena, invoice, invoice_payload="b999v1")
    assert (forged.ok, forged.error_message) == (False, "This invoice is not one of ours. Open the session in 📅 My sessions to pay.")
    garbage = await pre_checkout(olena, invoice, invoice_payload="anything")
    assert not garbage.ok
    cheaper = await pre_checkout(olena, invoice, total_amount=100)
    assert (cheaper.ok, cheaper.error_message) == (
        False, "The amount does not match the session's price. Please pay the newest invoice in the chat."
    )
    stars = await pre_checkout(olena, invoice, currency="XTR")
    assert not stars.ok
    someone_else = await pre_checkout(petro, invoice)
    assert (someone_else.ok, someone_else.error_message) == (
        False, "Цей рахунок — за чужу сесію, тож оплатити його з вашого акаунта не можна."
    )

    # moved: the old invoice is stale, the new one is good
    async with app.unit_of_work() as uow:
        await move_booking(
            uow, clock, client_id=OLENA, booking_id=booking.id, version=1, new_start=utc(2026, 11, 27, 10),
            policy=app.settings.booking_policy(),
        )
    await deliver(app)
    stale = await pre_checkout(olena, invoice)
    assert (stale.ok, stale.error_message) == (
        False, "This session has been moved since this invoice was made. Please pay the newest invoice in the chat."
    )
    _old, new = invoices(session, OLENA)
    assert new.payload == f"b{booking.id}v2"
    assert (await pre_checkout(olena, new)).ok

    # past the deadline: refused, whether or not the expiry has gone out yet
    clock.set(utc(2026, 11, 26, 10, 1))
    late = await pre_checkout(olena, new)
    assert (late.ok, late.error_message) == (False, "The time to pay for this session has passed, so it cannot be paid any more.")
    assert await payments(app) == []


async def test_a_payment_arriving_after_expiry_is_recorded_refunded_and_everyone_told(app, session, make_client, clock):
    await scene(app)
    await add_person_admin(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    booking = await confirmed_booking(app)
    await deliver(app)
    (invoice,) = invoices(session, OLENA)
    assert (await pre_checkout(olena, invoice)).ok

    clock.set(booking.payment_due_at + H)  # the payment form stayed open past the deadline
    await deliver(app)  # the expiry goes out
    assert (await stored(app, booking.id)).status is BookingStatus.EXPIRED
    mark = len(session.calls)
    await paid(olena, invoice, charge_id="tg-late")
    await deliver(app)

    (payment,) = await payments(app)
    assert (payment.use, payment.booking_id) == ("stray", booking.id)
    (refund,) = await refunds(app)
    assert (refund.reason, refund.status, refund.amount_minor) == ("stray_payment", "approved", 120_000)
    assert await payouts(app) == []
    olena_texts = texts(session, OLENA, mark)
    assert olena_texts[0].startswith("⚠️ Your payment of ₴1,200 for the session with Iryna Kovalenko")
    assert "it had been cancelled, or the time to pay had passed" in olena_texts[0]
    assert olena_texts[1].startswith("↩️ A refund of ₴1,200 for the session with Iryna Kovalenko")
    assert texts(session, IRYNA, mark)[0].startswith("ℹ️ Olena: оплата за сесію чт, 26 листопада, 12:00")
    (desk,) = texts(session, ADMIN_ID, mark)
    assert desk.startswith("↩️ Повернення, яке треба зробити вручну: 1 200 ₴, клієнт — Olena")
    assert (await stored(app, booking.id)).status is BookingStatus.EXPIRED


async def test_the_pay_button_on_a_session_card_sends_a_fresh_invoice_and_refuses_once_paid(app, session, make_client):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    booking = await confirmed_booking(app)
    await deliver(app)
    await olena.send("/sessions")
    await olena.click("Thu 26 Nov, 05:00 (New York, UTC-5) · Iryna Kovalenko")
    mark = len(session.calls)
    await olena.click("💳 Pay")
    (again,) = invoices(session, OLENA, mark)
    assert again.payload == f"b{booking.id}v1"
    await paid(olena, again)

    replies = await olena.press(f"pay:{booking.id}")  # the old card's button, pressed after paying
    assert alerts(replies) == ["This session is already paid. Nothing more is needed."]
    forged = await make_client(PETRO, "Petro").press(f"pay:{booking.id}")
    assert alerts(forged) == ["Цей рахунок — за чужу сесію, тож оплатити його з вашого акаунта не можна."]
    assert not [r for r in forged if isinstance(r.method, SendInvoice)]


@pytest.mark.parametrize("payment_env", [MANUAL])
async def test_manual_mode_shows_how_to_pay_and_finance_confirms_once(app, session, make_client):
    await scene(app)
    await add_staff(app, FINANCE, StaffRole.FINANCE, "Marta", locale="en")
    olena = make_client(OLENA, "Olena", language_code="en")
    marta = make_client(FINANCE, "Marta", language_code="en")
    booking = await confirmed_booking(app)
    await deliver(app)

    assert invoices(session, OLENA) == []
    how = texts(session, OLENA)[-1]
    assert how.startswith("💳 How to pay for your session with Iryna Kovalenko on Thu 26 November, 05:00 (New York, UTC-5): "
                          "₴1,200, by Wed 25 November, 05:00 (New York, UTC-5).")
    assert "IBAN UA21 3223 1300 0002 6007 2335 6600 1, FOP Koval" in how
    assert f"mention booking number {booking.id}" in how

    listed = await marta.send("/pending_payments")
    assert f"#{booking.id} · Olena → Iryna Kovalenko · ₴1,200 · pay by Wed 25 November, 12:00 (Kyiv, UTC+2)" in listed[0].text
    await marta.click(f"✅ Paid: #{booking.id}")
    mark = len(session.calls)
    done = await marta.send("PR-2026-000451")
    assert done[0].text == f"Recorded: booking #{booking.id} is paid. Both sides read «Оплата пройшла успішно»."
    await deliver(app)
    room = f"https://meet.jit.si/{(await stored(app, booking.id)).meeting_room}"
    assert texts(session, OLENA, mark) == [
        PHRASE + "\nPayment successful — the time is held for you.", f"🎥 The session's video room: {room}"
    ]
    assert texts(session, IRYNA, mark) == [  # the phrase alone, then which session it is
        PHRASE,
        "Olena: сесія чт, 26 листопада, 12:00 (Київ, UTC+2).\n"
        f"🎥 Відеокімната сесії: {room}",
    ]
    (payment,) = await payments(app)
    assert (payment.method, payment.reference, payment.recorded_by) == ("manual", "PR-2026-000451", FINANCE)

    again = await marta.send(f"/confirm_payment {booking.id} PR-2026-000451")
    assert again[0].text == f"The payment for booking #{booking.id} was confirmed before; nothing changed."
    typo = await marta.send("/confirm_payment twelve")
    assert typo[0].text.startswith("Write it as /confirm_payment <booking number> <bank reference>")
    superscript = await marta.send("/confirm_payment ² ref")  # a digit to Python's isdigit, not to int()
    assert superscript[0].text.startswith("Write it as /confirm_payment <booking number> <bank reference>")
    # Beyond any id a table holds: once an OverflowError into the database, and the apology.
    for huge in ("99999999999999999999", "9223372036854775808", "9" * 4000):
        overflow = await marta.send(f"/confirm_payment {huge} ref")
        assert overflow[0].text == (
            "A booking number is a whole number such as 12 (see /pending_payments); that one is far too large."
        )
    largest = await marta.send("/confirm_payment 9223372036854775807 ref")
    assert largest[0].text == "There is no booking #9223372036854775807."
    assert len(await payments(app)) == 1

    outsider = await olena.send(f"/confirm_payment {booking.id} FAKE")
    assert outsider[0].text == "This is for the platform's staff."
    assert len(await payments(app)) == 1


async def add_person_admin(app) -> None:
    """The full admin from the settings, known to the bot (they have started it)."""
    await add_person(app, ADMIN_ID, "Admin", locale="uk", zone="Europe/Kyiv")


async def test_a_payment_for_someone_elses_invoice_is_refunded_to_the_payer_alone(app, session, make_client):
    await scene(app)
    petro = make_client(PETRO, "Petro")
    booking = await confirmed_booking(app)
    await deliver(app)
    (invoice,) = invoices(session, OLENA)

    mark = len(session.calls)
    await paid(petro, invoice, charge_id="tg-petro")  # however it came to be paid, the money is Petro's
    await deliver(app)

    (payment,) = await payments(app)
    assert (payment.payer_id, payment.use) == (PETRO, "stray")
    (refund,) = await refunds(app)
    assert (refund.payment_id, refund.status) == (payment.id, "approved")
    assert texts(session, PETRO, mark)[0].startswith("⚠️ Вашу оплату 1 200 ₴ не вдалося пов'язати з жодною вашою сесією.")
    assert texts(session, OLENA, mark) == [] and texts(session, IRYNA, mark) == []
    assert (await stored(app, booking.id)).status is BookingStatus.AWAITING_PAYMENT
