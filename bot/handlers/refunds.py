"""Refunds: the therapist's answer about force majeure, and the staff's queue.

/refunds (support and the ethics commission) lists the refunds waiting for the
therapist, a decision, or carrying out. A refund's card shows the booking,
the payment, the client's reason, the therapist's answer and the booking's
system messages with their times. The commission approves or declines with a
written reason; a card or transfer refund is marked done with a note once it
was given back in the provider's dashboard; a Stars refund that failed can be
sent again from here.
"""
from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import HasPermission, OpenRouter, StaffRouter
from bot.editing import answer_turn, replace_message
from bot.flows.money_notes import ask_for_note
from bot.keyboards.paging import REFUNDS, ListPage, page_turns
from bot.keyboards.payments import (
    RefundAct,
    RefundAction,
    RefundList,
    RefundOpen,
    TherapistAnswer,
    refund_actions,
    refund_list,
)
from bot.middlewares.callback_answer import alert
from bot.routing import layer
from bot.settings import Settings
from bot.views.payments import refund_card, refund_line
from core.clock import Clock
from core.paging import Page
from core.payments import RefundRefused, RefundStatus
from core.ports import UnitOfWork
from core.staff import Authority, Permission
from core.usecases.refunds import (
    ALREADY_REFUNDED,
    RefundCase,
    RefundNotFound,
    refund_case,
    refund_queue,
    stars_sent_by_staff,
    stars_to_retry,
    therapist_answers,
)
from core.users import User

# A page of the queue: each refund takes a few lines, so ten stay within a message's 4,096 characters.
REFUNDS_PER_PAGE = 10


def commands() -> Router:
    router = StaffRouter(name="refunds-commands", permission=Permission.SEE_REFUNDS)
    router.message.register(show_queue, Command("refunds"))
    return router


def router() -> Router:
    therapists = OpenRouter(name="refund-answers")  # the therapist of the session says what happened
    therapists.callback_query.register(therapist_answer, TherapistAnswer.filter())
    staff = StaffRouter(name="refunds", permission=Permission.SEE_REFUNDS)
    staff.callback_query.register(queue_again, RefundList.filter())
    staff.callback_query.register(turn_queue_page, ListPage.filter(F.list == REFUNDS))
    staff.callback_query.register(open_refund, RefundOpen.filter())
    decide = HasPermission(Permission.DECIDE_REFUNDS)
    staff.callback_query.register(send_stars_back, RefundAct.filter(F.act == RefundAction.RETRY), decide)
    staff.callback_query.register(
        ask_for_reason, RefundAct.filter(F.act.in_({RefundAction.APPROVE, RefundAction.DECLINE, RefundAction.DONE})), decide
    )
    return layer("refund-buttons", therapists, staff)


async def therapist_answer(
    query: CallbackQuery, message: Message, callback_data: TherapistAnswer, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    try:
        await therapist_answers(
            uow,
            clock,
            therapist_id=user.telegram_id,
            refund_id=callback_data.refund_id,
            agrees=callback_data.agrees,
            full_admins=settings.admin_ids,
        )
    except RefundNotFound:
        alert(callback_answer, _("This request was not found among your clients'."))
        return
    except RefundRefused:
        alert(callback_answer, _("You have already answered this request."))
        return
    callback_answer.text = _("Thank you. The platform will decide and tell you both.")
    answer = _("You agreed to the refund.") if callback_data.agrees else _("You did not agree to the refund.")
    await replace_message(message, (message.text or "") + "\n\n" + answer)


async def show_queue(message: Message, uow: UnitOfWork, user: User) -> None:
    text, markup = _queue(await refund_queue(uow, 0, REFUNDS_PER_PAGE), user)
    await message.answer(text, reply_markup=markup)


async def queue_again(query: CallbackQuery, message: Message, uow: UnitOfWork, user: User) -> None:
    text, markup = _queue(await refund_queue(uow, 0, REFUNDS_PER_PAGE), user)
    await replace_message(message, text, markup)


async def turn_queue_page(query: CallbackQuery, message: Message, callback_data: ListPage, uow: UnitOfWork, user: User, callback_answer: CallbackAnswer) -> None:
    page = await refund_queue(uow, callback_data.page, REFUNDS_PER_PAGE)
    answer_turn(callback_answer, callback_data, page)
    await replace_message(message, *_queue(page, user))


async def open_refund(
    query: CallbackQuery, message: Message, callback_data: RefundOpen, uow: UnitOfWork, authority: Authority, user: User, callback_answer: CallbackAnswer
) -> None:
    try:
        case = await refund_case(uow, callback_data.refund_id)
    except RefundNotFound:
        alert(callback_answer, _("There is no such refund."))
        return
    may_decide = authority.may(Permission.DECIDE_REFUNDS)
    await replace_message(message, refund_card(case, user.timezone), refund_actions(case.refund.id, _acts(case, may_decide)))


async def ask_for_reason(
    query: CallbackQuery, message: Message, callback_data: RefundAct, state: FSMContext, uow: UnitOfWork, user: User, callback_answer: CallbackAnswer
) -> None:
    """Approving, declining or marking as refunded takes a note, typed next."""
    case = await _still_open(message, callback_data, uow, user, callback_answer=callback_answer)
    if case is None:
        return
    prompts = {
        RefundAction.APPROVE: _("Approving refund #{number}. Type the reason both sides will read:"),
        RefundAction.DECLINE: _("Declining refund #{number}. Type the reason both sides will read:"),
        RefundAction.DONE: _(
            "Refund #{number}: once the money is returned in the provider's dashboard, type a note for the client "
            "(e.g. the provider's refund reference):"
        ),
    }
    await ask_for_note(
        message, state, callback_data.act, case.refund.id, prompts[callback_data.act].format(number=case.refund.id)
    )


async def send_stars_back(
    query: CallbackQuery,
    message: Message,
    callback_data: RefundAct,
    uow: UnitOfWork,
    authority: Authority,
    clock: Clock,
    user: User,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    case = await _still_open(message, callback_data, uow, user, callback_answer=callback_answer)
    if case is not None:
        await _send_stars_back(message, uow, authority, clock, user, bot, case, callback_answer=callback_answer)


async def _still_open(message: Message, callback_data: RefundAct, uow: UnitOfWork, user: User, callback_answer: CallbackAnswer) -> RefundCase | None:
    """The refund, if the pressed act is still one to do; otherwise the press is answered and None comes back."""
    try:
        case = await refund_case(uow, callback_data.refund_id)
    except RefundNotFound:
        alert(callback_answer, _("There is no such refund."))
        return None
    if callback_data.act not in _acts(case, may_decide=True):
        alert(callback_answer, _("This refund has moved on since; here is how it stands now."))
        await replace_message(message, refund_card(case, user.timezone), refund_actions(case.refund.id, _acts(case, True)))
        return None
    return case


async def _send_stars_back(
    message: Message, uow: UnitOfWork, authority: Authority, clock: Clock, user: User, bot: Bot, case: RefundCase, callback_answer: CallbackAnswer
) -> None:
    refund, payment = await stars_to_retry(uow, actor=authority, refund_id=case.refund.id)
    try:
        await bot.refund_star_payment(payment.payer_id, payment.telegram_payment_charge_id)
    except TelegramBadRequest as error:
        if ALREADY_REFUNDED not in error.message:
            alert(callback_answer, _("Telegram refused: {error}").format(error=error.message)[:200])
            return
    await stars_sent_by_staff(uow, clock, actor=authority, refund_id=refund.id)
    alert(callback_answer, _("The stars are back with the client, who is told."))
    case = await refund_case(uow, refund.id)
    await replace_message(message, refund_card(case, user.timezone), refund_actions(refund.id, []))


def _queue(page: Page[RefundCase], user: User) -> tuple[str, InlineKeyboardMarkup | None]:
    if not page.items:
        return _("↩️ No refunds are waiting."), None
    text = _("↩️ Refunds waiting for the therapist, a decision or carrying out:") + "\n\n"
    text += "\n\n".join(refund_line(case, user.timezone) for case in page.items)
    return text[:4000], refund_list([case.refund.id for case in page.items], page_turns(REFUNDS, page))


def _acts(case: RefundCase, may_decide: bool) -> list[RefundAction]:
    refund = case.refund
    if not may_decide:
        return []
    if refund.status is RefundStatus.AWAITING_DECISION:
        return [RefundAction.APPROVE, RefundAction.DECLINE]
    if refund.status is RefundStatus.APPROVED and not refund.automatic:
        return [RefundAction.DONE]
    if refund.status is RefundStatus.APPROVED and refund.failure:
        return [RefundAction.RETRY]
    return []
