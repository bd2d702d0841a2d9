"""Paying inside Telegram: the pre-checkout answer, the successful payment, the Pay button, manual payments.

The pre-checkout query is answered at once from one read of the booking
(Telegram waits 10 seconds at most); the successful payment is recorded once
per charge, and everything the two sides then read goes out as timed
messages. In manual mode finance confirms transfers with
`/confirm_payment <booking number> <reference>` or from /pending_payments.
"""
from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, PreCheckoutQuery
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter, StaffRouter
from bot.arguments import NotANumber, record_number
from bot.delivery.telegram import send_part
from bot.editing import answer_turn, replace_message
from bot.flows.money_notes import ask_for_note, confirm_manual
from bot.keyboards.paging import PENDING_PAYMENTS, ListPage, page_turns
from bot.keyboards.payments import PayNow, PendingConfirm, pending_list
from bot.middlewares.callback_answer import alert
from bot.notices.kinds import Text
from bot.routing import layer
from bot.settings import Settings
from bot.views.payments import invoice, manual_instructions, pending_line, refusal_text
from bot.views.therapist_labels import therapist_name
from core.clock import Clock
from core.paging import Page, page_of
from core.payments import STARS, PaymentMethod
from core.ports import UnitOfWork
from core.staff import Authority, Permission
from core.usecases.checkout import CheckoutRefused, checkout_refusal, payable_booking
from core.usecases.payments import PendingPayment, Receipt, pending_payments, record_payment
from core.users import User


def commands() -> Router:
    router = StaffRouter(name="payments-commands", permission=Permission.MARK_PAYOUTS)
    router.message.register(show_pending, Command("pending_payments"))
    router.message.register(confirm_payment, Command("confirm_payment"))
    return router


def received() -> Router:
    """Telegram's check before a payment, and the payment itself."""
    router = OpenRouter(name="payments-received")
    router.pre_checkout_query.register(pre_checkout)
    router.message.register(successful_payment, F.successful_payment)
    return router


def router() -> Router:
    clients = OpenRouter(name="payments")
    clients.callback_query.register(pay_now, PayNow.filter())
    finance = StaffRouter(name="payments-pending", permission=Permission.MARK_PAYOUTS)
    finance.callback_query.register(confirm_pending, PendingConfirm.filter())
    finance.callback_query.register(turn_pending_page, ListPage.filter(F.list == PENDING_PAYMENTS))
    return layer("payments-buttons", clients, finance)


async def pre_checkout(query: PreCheckoutQuery, uow: UnitOfWork, clock: Clock, settings: Settings) -> None:
    refusal = await checkout_refusal(
        uow,
        clock,
        payload=query.invoice_payload,
        payer_id=query.from_user.id,
        amount=query.total_amount,
        currency=query.currency,
        policy=settings.payment_policy(),
    )
    if refusal is None:
        await query.answer(ok=True)
    else:
        await query.answer(ok=False, error_message=refusal_text(refusal))


async def successful_payment(message: Message, uow: UnitOfWork, clock: Clock, settings: Settings) -> None:
    """Recorded once; both sides hear of it through timed messages, so a repeated update sends nothing."""
    paid = message.successful_payment
    assert paid is not None and message.from_user is not None
    await record_payment(
        uow,
        clock,
        Receipt(
            payload=paid.invoice_payload,
            payer_id=message.from_user.id,
            amount=paid.total_amount,
            currency=paid.currency,
            telegram_payment_charge_id=paid.telegram_payment_charge_id,
            method=PaymentMethod.STARS if paid.currency == STARS else PaymentMethod.PROVIDER,
            provider_payment_charge_id=paid.provider_payment_charge_id,
        ),
        policy=settings.payment_policy(),
        booking_policy=settings.booking_policy(),
    )


async def pay_now(
    query: CallbackQuery, callback_data: PayNow, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, bot: Bot, callback_answer: CallbackAnswer
) -> None:
    """The client asked to pay from the session's card: a fresh invoice (or how to pay), now."""
    policy = settings.payment_policy()
    try:
        payable = await payable_booking(
            uow, clock, client_id=user.telegram_id, booking_id=callback_data.booking_id, version=None, policy=policy
        )
    except CheckoutRefused as refused:
        alert(callback_answer, refusal_text(refused.refusal))
        return
    therapist = await uow.therapists.get(payable.booking.therapist_id)
    name = therapist_name(therapist)
    if policy.method is PaymentMethod.MANUAL:
        text = manual_instructions(payable.booking, name, user.timezone, settings.manual_payment_instructions)
        await send_part(bot, user.telegram_id, Text(text))
    else:
        await send_part(bot, user.telegram_id, invoice(payable, name, user.timezone, settings.payment_provider_token))


# -- finance: manual payments ----------------------------------------------------

# A page of waiting payments: ten lines and ten buttons, far below Telegram's 100 and 4,096 characters.
PENDING_PER_PAGE = 10


async def show_pending(message: Message, uow: UnitOfWork, clock: Clock, user: User) -> None:
    text, markup = _pending(await _pending_page(uow, clock, 0), user)
    await message.answer(text, reply_markup=markup)


async def turn_pending_page(query: CallbackQuery, message: Message, callback_data: ListPage, uow: UnitOfWork, clock: Clock, user: User, callback_answer: CallbackAnswer) -> None:
    page = await _pending_page(uow, clock, callback_data.page)
    answer_turn(callback_answer, callback_data, page)
    await replace_message(message, *_pending(page, user))


async def confirm_pending(
    query: CallbackQuery, message: Message, callback_data: PendingConfirm, state: FSMContext, uow: UnitOfWork, callback_answer: CallbackAnswer
) -> None:
    booking = await uow.bookings.get(callback_data.booking_id)
    if booking is None:
        alert(callback_answer, _("There is no booking #{number}.").format(number=callback_data.booking_id))
        return
    await ask_for_note(
        message,
        state,
        "manual",
        booking.id,
        _("Booking #{number}: type the transfer's bank reference (as it appears in the statement).").format(
            number=booking.id
        ),
    )


async def confirm_payment(
    message: Message, command: CommandObject, uow: UnitOfWork, authority: Authority, clock: Clock, settings: Settings
) -> None:
    """/confirm_payment <booking number> <reference>"""
    typed, _space, reference = (command.args or "").strip().partition(" ")
    number = record_number(typed)
    if number is NotANumber.TOO_LARGE:
        await message.answer(
            _("A booking number is a whole number such as 12 (see /pending_payments); that one is far too large.")
        )
        return
    if number is NotANumber.MISSING or not reference.strip():
        await message.answer(
            _(
                "Write it as /confirm_payment <booking number> <bank reference>, for example:\n"
                "/confirm_payment 12 PR-2026-000451"
            )
        )
        return
    await confirm_manual(message, uow, authority, clock, settings, number, reference)


async def _pending_page(uow: UnitOfWork, clock: Clock, number: int) -> Page[PendingPayment]:
    return page_of(await pending_payments(uow, clock), number, PENDING_PER_PAGE, key=lambda item: item.booking.id)


def _pending(page: Page[PendingPayment], user: User) -> tuple[str, InlineKeyboardMarkup | None]:
    if not page.items:
        return _("💳 No session is waiting for payment."), None
    lines = [pending_line(item.booking, item.client_name, item.therapist_name, user.timezone) for item in page.items]
    text = _("💳 Waiting for payment (confirm a transfer once it has arrived):") + "\n\n" + "\n".join(lines)
    buttons = [(item.booking.id, _("✅ Paid: #{number}").format(number=item.booking.id)) for item in page.items]
    return text, pending_list(buttons, page_turns(PENDING_PAYMENTS, page))
