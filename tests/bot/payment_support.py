"""A confirmed booking, staff with money roles, and a client who pays, for the payments tests.

The scene is booking_support's: START is Tuesday 24 November 2026, 10:00 in Kyiv.
Olena (New York, English) books Iryna (Kyiv, Ukrainian) for Thursday 26 Nov,
12:00 Kyiv (05:00 New York); the payment deadline is 24 hours earlier. The
platform's fee is 20 %: Iryna is owed 960 ₴ of the 1 200 ₴ price.

`payment_env` chooses how the platform takes money; a test parametrizes it
to switch to Telegram Stars or manual mode.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, AnswerPreCheckoutQuery, RefundStarPayment, SendInvoice, SendMessage
from sqlalchemy import select

from bot.app import App
from bot.settings import Settings
from core.bookings import Booking
from core.staff import StaffGrant, StaffRole
from core.usecases.booking import accept_request, request_booking
from storage.tables import PaymentRow, PayoutRow, RefundRow, TimedMessageRow
from tests.bot.booking_support import IRYNA, OLENA, add_person, deliver, utc
from tests.conftest import START, make_settings
from tests.support.bot_client import BotClient, Reply
from tests.support.recording_session import RecordingSession

PROVIDER_TOKEN = "284685063:TEST:NjQ1ZGYyZjYzNWNm"
PROVIDER = {"payment_provider_token": PROVIDER_TOKEN}
STARS = {"payment_currency": "XTR"}
MANUAL: dict[str, object] = {"manual_payment_instructions": "IBAN UA21 3223 1300 0002 6007 2335 6600 1, FOP Koval"}

FINANCE = 3101
ETHICS = 3102
SUPPORT = 3103

THURSDAY_NOON_KYIV = utc(2026, 11, 26, 10)


@pytest.fixture
def payment_env() -> Mapping[str, object]:
    return PROVIDER


@pytest.fixture
def settings(database_url: str, payment_env: Mapping[str, object]) -> Settings:
    return make_settings(database_url, platform_fee_percent="20", **payment_env)


async def add_staff(app: App, telegram_id: int, role: StaffRole, first_name: str, locale: str = "uk") -> None:
    await add_person(app, telegram_id, first_name, locale=locale, zone="Europe/Kyiv")
    async with app.unit_of_work() as uow:
        await uow.staff.add(StaffGrant(telegram_id, role, 900, START))
        await uow.commit()


async def confirmed_booking(app: App, client_id: int = OLENA, starts_at=THURSDAY_NOON_KYIV) -> Booking:
    """A client's request, accepted by Iryna: it waits for payment and its invoice is written."""
    policy = app.settings.booking_policy()
    async with app.unit_of_work() as uow:
        booking = await request_booking(
            uow, app.clock, client_id=client_id, therapist_id=IRYNA, starts_at=starts_at, policy=policy
        )
    async with app.unit_of_work() as uow:
        return await accept_request(
            uow, app.clock, therapist_id=IRYNA, booking_id=booking.id, version=booking.version, policy=policy
        )


def calls(session: RecordingSession, kind: type, chat_id: int | None = None, since: int = 0) -> list[Any]:
    return [
        call for call in session.calls[since:]
        if isinstance(call, kind) and (chat_id is None or getattr(call, "chat_id", None) == chat_id)
    ]


def invoices(session: RecordingSession, chat_id: int, since: int = 0) -> list[SendInvoice]:
    return calls(session, SendInvoice, chat_id, since)


def texts(session: RecordingSession, chat_id: int, since: int = 0) -> list[str]:
    return [call.text for call in calls(session, SendMessage, chat_id, since)]


def star_refunds(session: RecordingSession, since: int = 0) -> list[RefundStarPayment]:
    return calls(session, RefundStarPayment, since=since)


async def pre_checkout(client: BotClient, invoice: SendInvoice, **changed: Any) -> AnswerPreCheckoutQuery:
    """The payer presses Pay: Telegram asks the bot first (Bot API: pre_checkout_query)."""
    query = {
        "id": f"pcq-{client.user_id}-{len(client.session.calls)}",
        "from": client._from(),
        "currency": invoice.currency,
        "total_amount": sum(price.amount for price in invoice.prices),
        "invoice_payload": invoice.payload,
    }
    query.update(changed)
    replies = await client.feed({"pre_checkout_query": query})
    # By its id: with clients paying at once, the replies fed meanwhile answer others' queries too.
    (answer,) = [
        reply.method for reply in replies
        if isinstance(reply.method, AnswerPreCheckoutQuery) and reply.method.pre_checkout_query_id == query["id"]
    ]
    return answer


async def paid(client: BotClient, invoice: SendInvoice, charge_id: str = "tg-charge-1", **changed: Any) -> list[Reply]:
    """Telegram reports the payment (a successful_payment message from the payer)."""
    payment = {
        "currency": invoice.currency,
        "total_amount": sum(price.amount for price in invoice.prices),
        "invoice_payload": invoice.payload,
        "telegram_payment_charge_id": charge_id,
        "provider_payment_charge_id": "" if invoice.currency == "XTR" else f"prov-{charge_id}",
    }
    payment.update(changed)
    return await client.feed({"message": client._message(successful_payment=payment)})


async def rows(app: App, table: type[Any]) -> list[Any]:
    async with app.sessions() as db:
        return list(await db.scalars(select(table).order_by(table.id)))


async def payments(app: App) -> list[PaymentRow]:
    return await rows(app, PaymentRow)


async def refunds(app: App) -> list[RefundRow]:
    return await rows(app, RefundRow)


async def payouts(app: App) -> list[PayoutRow]:
    return await rows(app, PayoutRow)


async def pending_kinds(app: App, booking_id: int) -> list[str]:
    """Kinds of the booking's timed messages still waiting to go out."""
    async with app.sessions() as db:
        found = await db.scalars(
            select(TimedMessageRow.kind)
            .where(TimedMessageRow.dedup_key.startswith(f"booking:{booking_id}:"), TimedMessageRow.status == "pending")
            .order_by(TimedMessageRow.due_at)
        )
        return list(found)


def alerts(replies: list[Reply]) -> list[str]:
    return [r.method.text for r in replies if isinstance(r.method, AnswerCallbackQuery) and r.method.text]


async def pay_for(app: App, session: RecordingSession, client: BotClient, booking: Booking, charge_id: str = "tg-1") -> None:
    """The client pays the booking's latest invoice the whole way (pre-checkout, then the payment), and it is delivered."""
    await deliver(app)
    invoice = [call for call in invoices(session, client.user_id) if call.payload.startswith(f"b{booking.id}v")][-1]
    assert (await pre_checkout(client, invoice)).ok
    await paid(client, invoice, charge_id=charge_id)
    await deliver(app)
