"""Payouts for finance, earnings for therapists.

/payouts lists, per therapist, every payout not yet made (overdue ones
marked) and every clawback still open; a payout is marked made with the
transfer's reference, and its therapist is told. Therapists see their month
with /earnings or the 💰 Earnings button.
"""
from __future__ import annotations

from dataclasses import replace

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter, StaffRouter
from bot.editing import answer_turn, replace_message
from bot.flows.money_notes import CLAWBACK, PAYOUT, ask_for_note
from bot.keyboards.paging import PAYOUTS, ListPage, page_turns
from bot.keyboards.payments import ClawbackSettle, PayoutMark, payout_buttons
from bot.menus import BUTTON_EARNINGS
from bot.middlewares.callback_answer import alert
from bot.routing import layer
from bot.settings import Settings
from bot.views.payments import clawback_button, earnings_text, payout_board_text, payout_button
from bot.views.presenting import money
from core.clock import Clock
from core.paging import Page, page_of
from core.payments import PayoutStatus
from core.ports import UnitOfWork
from core.staff import Permission
from core.usecases.payouts import PayoutBoard, PayoutNotFound, TherapistDue, due_payout, earnings, payout_board
from core.users import Role, User

# A page of the board: five therapists, each with everything they are due (what one person is owed
# is not split across pages).
THERAPISTS_PER_PAGE = 5


def commands() -> Router:
    finance = StaffRouter(name="payouts-board-commands", permission=Permission.MARK_PAYOUTS)
    finance.message.register(show_board, Command("payouts"))
    therapists = OpenRouter(name="earnings-commands")  # a therapist's own figures
    therapists.message.register(show_earnings, Command("earnings"))
    therapists.message.register(show_earnings, F.text == BUTTON_EARNINGS)
    return layer("payouts-commands", finance, therapists)


def router() -> Router:
    router = StaffRouter(name="payouts", permission=Permission.MARK_PAYOUTS)
    router.callback_query.register(mark_paid, PayoutMark.filter())
    router.callback_query.register(settle, ClawbackSettle.filter())
    router.callback_query.register(turn_board_page, ListPage.filter(F.list == PAYOUTS))
    return router


async def show_board(message: Message, uow: UnitOfWork, clock: Clock) -> None:
    text, markup = _board(*await _board_page(uow, clock, 0))
    await message.answer(text, reply_markup=markup)


async def turn_board_page(query: CallbackQuery, message: Message, callback_data: ListPage, uow: UnitOfWork, clock: Clock, callback_answer: CallbackAnswer) -> None:
    board, page = await _board_page(uow, clock, callback_data.page)
    answer_turn(callback_answer, callback_data, page)
    await replace_message(message, *_board(board, page))


async def mark_paid(query: CallbackQuery, message: Message, callback_data: PayoutMark, state: FSMContext, uow: UnitOfWork, callback_answer: CallbackAnswer) -> None:
    try:
        item = await due_payout(uow, callback_data.payout_id)
    except PayoutNotFound:
        alert(callback_answer, _("There is no such payout."))
        return
    if item.payout.status is not PayoutStatus.DUE:
        alert(callback_answer, _("This payout is no longer due (it was paid or withdrawn)."))
        return
    await ask_for_note(
        message,
        state,
        PAYOUT,
        item.payout.id,
        _("Payout #{number}: {amount}. Once it is sent, type the transfer's reference:").format(
            number=item.payout.id, amount=money(item.payout.amount_minor)
        ),
    )


async def settle(query: CallbackQuery, message: Message, callback_data: ClawbackSettle, state: FSMContext) -> None:
    await ask_for_note(
        message,
        state,
        CLAWBACK,
        callback_data.clawback_id,
        _("Clawback #{number}: how was it settled? (e.g. returned by transfer, set off against the next payout)").format(
            number=callback_data.clawback_id
        ),
    )


async def show_earnings(message: Message, uow: UnitOfWork, clock: Clock, user: User, settings: Settings) -> None:
    if Role.THERAPIST not in user.roles:
        await message.answer(_("Earnings are for therapists of the platform."))
        return
    figures = await earnings(uow, clock, therapist_id=user.telegram_id, zone=user.timezone)
    fee = format(settings.platform_fee_percent.normalize(), "f")
    await message.answer(earnings_text(figures, fee))


async def _board_page(uow: UnitOfWork, clock: Clock, number: int) -> tuple[PayoutBoard, Page[TherapistDue]]:
    """A page of therapists, each with all they are due; a payout or clawback settled changes the version."""
    board = await payout_board(uow, clock)
    page = page_of(board.therapists, number, THERAPISTS_PER_PAGE, key=_owed)
    return replace(board, therapists=page.items), page


def _owed(therapist: TherapistDue) -> tuple[object, ...]:
    return therapist.therapist_id, *(item.payout.id for item in therapist.payouts), *(c.id for c in therapist.clawbacks)


def _board(board: PayoutBoard, page: Page[TherapistDue]) -> tuple[str, InlineKeyboardMarkup | None]:
    payouts = [
        (item.payout.id, payout_button(therapist.name, item.payout))
        for therapist in board.therapists
        for item in therapist.payouts
    ]
    clawbacks = [
        (clawback.id, clawback_button(therapist.name, clawback.id))
        for therapist in board.therapists
        for clawback in therapist.clawbacks
    ]
    return payout_board_text(board), payout_buttons(payouts, clawbacks, page_turns(PAYOUTS, page))
