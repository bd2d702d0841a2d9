"""Paying, refunds and payouts end to end: the real bot process against the local Bot API server.

How time is handled: the bot process runs on the real clock and a test cannot
move it. So each test seeds its database before the bot starts, through the
same repositories and use cases the bot uses (`accept_request` confirms the
booking and writes its invoice and timers, with the real clock). Where a
scenario needs time to pass (a session reminder a day ahead, a payment
deadline), the test moves the moment instead of the clock: it rewrites the due
time of the waiting timed message (and, for a deadline, the booking's deadline)
to now, exactly as if that time had come. The bot looks for due messages every
second here (DELIVERY_SAFETY_SECONDS=1), so it notices as a restarted replica would.

Olena (English, Kyiv time) books Iryna (Ukrainian); the admin from ADMIN_IDS
is the whole staff unless a test grants the ethics role.
"""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import select, update

from core.bookings import Booking, BookingStatus
from core.clock import SystemClock
from core.rules.business_days import payout_due_date
from core.staff import StaffGrant, StaffRole
from core.therapists import TherapistProfile
from core.usecases.booking import BookingPolicy, accept_request
from core.users import Role, User
from playground.bot_api import FakeTelegram, FakeUser
from storage.db import create_engine, rows_changed, session_factory
from storage.tables import BookingRow, PaymentRow, PayoutRow, RefundRow, TimedMessageRow
from storage.uow import SqlUnitOfWork
from tests.support.keys import TEST_RING
from tests.support.present import present

OLENA = 1001
IRYNA = 2001
ADMIN = 900
ETHICS = 3102
PRICE = 120_000
PHRASE = "Оплата пройшла успішно"
PROVIDER = {"PAYMENT_PROVIDER_TOKEN": "284685063:TEST:NjQ1ZGYyZjYzNWNm"}
STARS = {"PAYMENT_CURRENCY": "XTR"}
MANUAL = {"MANUAL_PAYMENT_INSTRUCTIONS": "IBAN UA21 3223 1300 0002 6007 2335 6600 1"}
KYIV = ZoneInfo("Europe/Kyiv")
WAIT = 20.0  # seconds a real process gets to react


# -- seeding the bot's database ---------------------------------------------------


class Seed:
    """The bot process's database, written to before (or beside) the running bot."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, keys=TEST_RING)
        self.sessions = session_factory(self.engine)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions)

    async def people(self, *, ethics: bool = False) -> None:
        now = datetime.now(UTC)
        async with self.uow() as uow:
            await uow.users.add(User(OLENA, "Olena", "en", "Europe/Kyiv", now, display_name="Olena", roles={Role.CLIENT}, timezone_chosen=True))
            await uow.users.add(User(IRYNA, "Iryna", "uk", "Europe/Kyiv", now, roles={Role.CLIENT, Role.THERAPIST}, timezone_chosen=True))
            await uow.users.add(User(ADMIN, "Admin", "uk", "Europe/Kyiv", now, roles={Role.CLIENT}, timezone_chosen=True))
            await uow.therapists.add(
                TherapistProfile(
                    telegram_id=IRYNA, full_name="Iryna Kovalenko", about="Anxiety and grief.", education="KNU, MA",
                    experience_years=8, price_minor=PRICE, timezone="Europe/Kyiv", share_code="iryna", verified=True,
                )
            )
            if ethics:
                await uow.users.add(User(ETHICS, "Oksana", "en", "Europe/Kyiv", now, roles={Role.ADMIN}, timezone_chosen=True))
                await uow.staff.add(StaffGrant(ETHICS, StaffRole.ETHICS, ADMIN, now))
            await uow.commit()

    async def confirmed_booking(self, starts_in: timedelta) -> Booking:
        """Olena's request, accepted by Iryna now: its invoice is due at once, its timers wait."""
        now = datetime.now(UTC)
        start = (now + starts_in).replace(minute=0, second=0, microsecond=0)
        async with self.uow() as uow:
            booking = Booking(
                client_id=OLENA, therapist_id=IRYNA, starts_at=start, ends_at=start + timedelta(minutes=50),
                price_minor=PRICE, status=BookingStatus.REQUESTED, created_at=now, lapses_at=now + timedelta(hours=12),
            )
            await uow.bookings.add(booking)
            await uow.commit()
        async with self.uow() as uow:
            return await accept_request(
                uow, SystemClock(), therapist_id=IRYNA, booking_id=booking.id, version=1, policy=BookingPolicy()
            )

    async def session_took_place(self, booking: Booking) -> Booking:
        """The session's hour has come and gone: it ended ten minutes ago."""
        ends = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=10)
        async with self.sessions() as db:
            await db.execute(
                update(BookingRow)
                .where(BookingRow.id == booking.id)
                .values(starts_at=ends - booking.length, ends_at=ends)
            )
            await db.commit()
        booking.starts_at, booking.ends_at = ends - booking.length, ends
        return booking

    async def come_due(self, key_part: str) -> int:
        """The waiting timed messages whose key contains `key_part` are due now."""
        async with self.sessions() as db:
            changed = await rows_changed(
                db,
                update(TimedMessageRow)
                .where(TimedMessageRow.dedup_key.contains(key_part), TimedMessageRow.status == "pending")
                .values(due_at=datetime.now(UTC) - timedelta(seconds=1)),
            )
            await db.commit()
            return changed

    async def deadline_passes(self, booking_id: int) -> None:
        """The payment deadline comes: the booking's and its expiry messages' both."""
        async with self.sessions() as db:
            await db.execute(
                update(BookingRow)
                .where(BookingRow.id == booking_id)
                .values(payment_due_at=datetime.now(UTC) - timedelta(seconds=1))
            )
            await db.commit()
        await self.come_due(f"booking:{booking_id}:timer:expiry")

    async def rows(self, table: type[Any]) -> list[Any]:
        async with self.sessions() as db:
            return list(await db.scalars(select(table).order_by(table.id)))

    async def close(self) -> None:
        await self.engine.dispose()


async def start_bot(bot_process_factory, env: dict[str, str]):
    # Pacing messages a second apart per chat is delivery's own tested concern; here it would only slow the walk.
    bot = bot_process_factory(
        {"ADMIN_IDS": str(ADMIN), "DELIVERY_SAFETY_SECONDS": "1", "DELIVERY_RATE_PER_CHAT_SECONDS": "0", **env}
    )
    await bot.start(timeout=60)
    return bot


# -- waiting for the bot ------------------------------------------------------------


async def said(fake: FakeTelegram, chat_id: int, text: str, *, exact: bool = False, count: int = 1) -> list[str]:
    """Wait until the bot has written `text` (or a message containing it) to a chat."""

    def matches(call: Any) -> bool:
        shown = call.text or ""
        return call.ok and call.chat_id == chat_id and (shown == text if exact else text in shown)

    matches.__name__ = f"{text!r} to {chat_id}"
    found = await fake.wait_for(matches, timeout=WAIT, count=count)
    return [present(call.text) for call in found]


async def invoice_for(fake: FakeTelegram, booking: Booking) -> Any:
    (call,) = await fake.wait_for(
        lambda c: c.method == "sendInvoice" and c.params.get("payload") == f"b{booking.id}v{booking.version}", timeout=WAIT
    )
    return call


def card_label(booking: Booking) -> str:
    local = booking.starts_at.astimezone(KYIV)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} (Kyiv, UTC+2) · Iryna Kovalenko"


async def cancel_from_the_card(olena: FakeUser, booking: Booking, confirm: str) -> None:
    olena.send_command("sessions")
    await olena.wait_message("Your sessions")
    olena.click(card_label(booking))
    await olena.wait_message("Iryna Kovalenko")
    olena.click("✖️ Cancel the session")
    await olena.wait_message("Cancel")
    olena.click(confirm)


# -- the walks ----------------------------------------------------------------------


async def test_invoice_pre_checkout_payment_phrase_on_both_sides_once_then_reminders(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url: str
):
    seed = Seed(e2e_database_url)
    await seed.people()
    booking = await seed.confirmed_booking(timedelta(days=3))
    await start_bot(bot_process_factory, PROVIDER)
    olena = fake_telegram.user(OLENA, "Olena", language_code="en")
    assert "pre_checkout_query" in (fake_telegram.allowed_updates or [])

    invoice = await invoice_for(fake_telegram, booking)
    assert invoice.params["title"] == "Session with Iryna Kovalenko"
    assert (invoice.params["currency"], invoice.params["provider_token"]) == ("UAH", PROVIDER["PAYMENT_PROVIDER_TOKEN"])
    assert not any("https://" in text for text in fake_telegram.sent_texts(OLENA))  # unpaid: no room yet
    payment = await olena.pay(invoice)
    assert payment.ok, payment.error_message

    await said(fake_telegram, OLENA, PHRASE + "\nPayment successful — the time is held for you.", exact=True)
    await said(fake_telegram, IRYNA, PHRASE, exact=True)
    # right after the phrase, the session's own room on the default video service, the same for both
    (booking_row,) = await seed.rows(BookingRow)
    room = f"https://meet.jit.si/{booking_row.meeting_room}"
    await said(fake_telegram, OLENA, f"🎥 The session's video room: {room}", exact=True)
    (context,) = await said(fake_telegram, IRYNA, f"\n🎥 Відеокімната сесії: {room}")
    assert context.startswith("Olena: сесія ")
    # and the session for the calendar: read back with icalendar, the booking's own event in her zone
    (sent,) = await fake_telegram.wait_for(
        lambda c: c.ok and c.method == "sendDocument" and c.chat_id == OLENA, timeout=WAIT
    )
    (event,) = Calendar.from_ical(sent.params["document"].content).walk("VEVENT")
    assert str(event["UID"]) == f"booking-{booking.id}@therapy-bot" and str(event["LOCATION"]) == room
    assert event.decoded("DTSTART") == booking_row.starts_at and event.decoded("DTEND") == booking_row.ends_at

    # Telegram repeats the update, and the same charge comes again in a new update: recorded once, said once
    fake_telegram.redeliver()
    fake_telegram.duplicate_last(same_update_id=False)
    olena.send_command("sessions")
    await olena.wait_message("Your sessions")
    await asyncio.sleep(1.5)  # real process, real clock: anything said twice would have gone out by now
    assert fake_telegram.sent_texts(OLENA).count(PHRASE + "\nPayment successful — the time is held for you.") == 1
    assert fake_telegram.sent_texts(IRYNA).count(PHRASE) == 1
    (row,) = await seed.rows(PaymentRow)
    assert (row.telegram_payment_charge_id, row.amount_minor, row.use) == (payment.telegram_payment_charge_id, PRICE, "applied")
    (payout,) = await seed.rows(PayoutRow)
    assert (payout.amount_minor, payout.due_on) == (96_000, payout_due_date(row.recorded_at))

    # a day before the session: its reminders were scheduled by the payment
    assert await seed.come_due(f"booking:{booking.id}:timer:reminder-24h") == 2
    (reminder,) = await said(fake_telegram, OLENA, ": your session with Iryna Kovalenko")
    assert reminder.endswith(f"\n🎥 The session's video room: {room}")
    await said(fake_telegram, IRYNA, " — ваша сесія: Olena")
    await seed.close()


async def test_unpaid_booking_expires_and_a_payment_after_it_is_refunded_in_stars(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url: str
):
    seed = Seed(e2e_database_url)
    await seed.people()
    booking = await seed.confirmed_booking(timedelta(days=3))
    await start_bot(bot_process_factory, STARS)
    olena = fake_telegram.user(OLENA, "Olena", language_code="en")
    invoice = await invoice_for(fake_telegram, booking)
    assert (invoice.params["currency"], invoice.params.get("provider_token")) == ("XTR", None)
    opened = await olena.pre_checkout(invoice)  # the payment form is open...
    assert opened.ok

    await seed.deadline_passes(booking.id)  # ...and the deadline comes before the payment does
    await said(fake_telegram, OLENA, "was not paid in time, so it is cancelled")
    await said(fake_telegram, IRYNA, "НЕ оплачено")
    refused = await olena.pre_checkout(invoice)
    assert (refused.ok, refused.error_message) == (False, "This session can no longer be paid: it was cancelled or has expired.")

    olena.complete_payment(opened, telegram_payment_charge_id="stx-late")  # Telegram charged it anyway
    await said(fake_telegram, OLENA, "It is not lost: it is being refunded to you in full")
    await said(fake_telegram, OLENA, "went back to your Telegram Stars balance")
    await said(fake_telegram, ADMIN, "повернено автоматично")
    assert fake_telegram.refunds == [{"user_id": OLENA, "telegram_payment_charge_id": "stx-late", "total_amount": 1_800}]
    (payment,) = await seed.rows(PaymentRow)
    assert payment.use == "stray"
    (booking_row,) = await seed.rows(BookingRow)
    assert booking_row.status == "expired"
    await seed.close()


async def test_cancelled_in_time_stars_come_back_at_once(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url: str
):
    seed = Seed(e2e_database_url)
    await seed.people()
    booking = await seed.confirmed_booking(timedelta(days=3))
    await start_bot(bot_process_factory, STARS)
    olena = fake_telegram.user(OLENA, "Olena", language_code="en")
    payment = await olena.pay(await invoice_for(fake_telegram, booking))
    await said(fake_telegram, IRYNA, PHRASE, exact=True)

    await cancel_from_the_card(olena, booking, "Yes, cancel")
    await said(fake_telegram, OLENA, "went back to your Telegram Stars balance")
    assert fake_telegram.refunds == [
        {"user_id": OLENA, "telegram_payment_charge_id": payment.telegram_payment_charge_id, "total_amount": 1_800}
    ]
    assert payment.telegram_payment_charge_id is not None
    charge = fake_telegram.charge(payment.telegram_payment_charge_id)
    assert charge is not None and charge["refunded"] is True
    (refund,) = await seed.rows(RefundRow)
    assert (refund.reason, refund.status) == ("cancelled_in_time", "carried_out")
    # the event the payment put in both calendars is taken out again: the same UID, METHOD:CANCEL
    for person in (OLENA, IRYNA):
        sent = await fake_telegram.wait_for("sendDocument", chat_id=person, count=2, timeout=WAIT)
        issued, taken_back = (Calendar.from_ical(call.params["document"].content) for call in sent[:2])
        assert (str(issued["METHOD"]), str(taken_back["METHOD"])) == ("REQUEST", "CANCEL")
        (event,) = taken_back.walk("VEVENT")
        assert str(event["UID"]) == f"booking-{booking.id}@therapy-bot"
        assert event.decoded("SEQUENCE") > issued.walk("VEVENT")[0].decoded("SEQUENCE")
    await seed.close()


async def test_cancelled_in_time_a_card_refund_is_carried_out_by_an_admin_and_late_is_not_refunded(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url: str
):
    seed = Seed(e2e_database_url)
    await seed.people()
    in_time = await seed.confirmed_booking(timedelta(days=3))
    late = await seed.confirmed_booking(timedelta(hours=3))  # less than 24 hours ahead
    await start_bot(bot_process_factory, PROVIDER)
    olena = fake_telegram.user(OLENA, "Olena", language_code="en")
    admin = fake_telegram.user(ADMIN, "Admin", language_code="uk")
    assert (await olena.pay(await invoice_for(fake_telegram, in_time))).ok
    assert (await olena.pay(await invoice_for(fake_telegram, late))).ok
    await said(fake_telegram, IRYNA, PHRASE, exact=True, count=2)

    await cancel_from_the_card(olena, in_time, "Yes, cancel")
    await said(fake_telegram, OLENA, "↩️ A refund of ₴1,200")
    await said(fake_telegram, ADMIN, "↩️ Повернення, яке треба зробити вручну: 1 200 ₴, клієнт — Olena")
    assert fake_telegram.refunds == []  # the Bot API cannot refund a card
    admin.send_command("refunds")
    await admin.wait_message("Повернення, що чекають")
    admin.click("Повернення #1")
    await admin.wait_message("Системні повідомлення бронювання")
    admin.click("✅ Позначити як повернене")
    await admin.wait_message("напишіть примітку для клієнта")
    admin.send("Provider refund RF-88123")
    await said(fake_telegram, OLENA, "has been refunded to you.\nThe platform's note: Provider refund RF-88123")

    await cancel_from_the_card(olena, late, "Cancel anyway")
    await said(fake_telegram, OLENA, "The payment is not refunded.")
    await said(fake_telegram, OLENA, "If you had to cancel because of something beyond your control")
    refunds = await seed.rows(RefundRow)
    assert [(r.booking_id, r.status) for r in refunds] == [(in_time.id, "carried_out")]
    await seed.close()


async def test_a_refund_asked_after_the_session_is_decided_by_the_ethics_commission(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url: str
):
    seed = Seed(e2e_database_url)
    await seed.people(ethics=True)
    booking = await seed.confirmed_booking(timedelta(days=3))
    await start_bot(bot_process_factory, PROVIDER)
    olena = fake_telegram.user(OLENA, "Olena", language_code="en")
    oksana = fake_telegram.user(ETHICS, "Oksana", language_code="en")
    assert (await olena.pay(await invoice_for(fake_telegram, booking))).ok
    await said(fake_telegram, IRYNA, PHRASE, exact=True)
    held = await seed.session_took_place(booking)

    olena.send_command("sessions")
    await olena.wait_message("Your sessions")
    olena.click(card_label(held))
    await olena.wait_message("Iryna Kovalenko")
    olena.click("↩️ Ask for a refund")
    await olena.wait_message("Tell why you are asking for the money back")
    olena.send("We spent the session on paperwork, not on therapy.")
    await olena.wait_message("Sent to support and the ethics commission")

    await said(fake_telegram, ETHICS, "⚖️ A refund request to decide (asked after the session): Olena")
    oksana.click("Open the refund")
    card = (await oksana.wait_message("«We spent the session on paperwork, not on therapy.»"))["text"]
    for line in ("— confirmed → client", "— invoice → client", "— «Оплата пройшла успішно» → therapist"):
        assert line in card
    oksana.click("✅ Approve")
    await oksana.wait_message("Type the reason both sides will read")
    oksana.send("The session did not serve the client; full refund.")
    await oksana.wait_message("Decided.")

    await said(fake_telegram, OLENA, "is approved: ₴1,200 will be returned to you. The platform's reason: «The session did not serve the client; full refund.»")
    await said(fake_telegram, IRYNA, "схвалено, клієнту повернуть 1 200 ₴")
    await said(fake_telegram, OLENA, "↩️ A refund of ₴1,200")
    (refund,) = await seed.rows(RefundRow)
    assert (refund.reason, refund.status, refund.decided_by) == ("after_session", "approved", ETHICS)
    await seed.close()


async def test_manual_mode_the_client_reads_how_to_pay_and_an_admin_confirms(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url: str
):
    seed = Seed(e2e_database_url)
    await seed.people()
    booking = await seed.confirmed_booking(timedelta(days=3))
    await start_bot(bot_process_factory, MANUAL)
    admin = fake_telegram.user(ADMIN, "Admin", language_code="uk")

    how = await said(fake_telegram, OLENA, "💳 How to pay for your session with Iryna Kovalenko")
    assert "IBAN UA21 3223 1300 0002 6007 2335 6600 1" in how[0]
    assert fake_telegram.calls("sendInvoice") == []
    admin.send_command("confirm_payment", f"{booking.id} PR-2026-000451")
    await admin.wait_message(f"Записано: бронювання #{booking.id} оплачено.")
    await said(fake_telegram, OLENA, PHRASE + "\nPayment successful — the time is held for you.", exact=True)
    await said(fake_telegram, IRYNA, PHRASE, exact=True)
    (payment,) = await seed.rows(PaymentRow)
    assert (payment.method, payment.reference, payment.recorded_by) == ("manual", "PR-2026-000451", ADMIN)
    await seed.close()
