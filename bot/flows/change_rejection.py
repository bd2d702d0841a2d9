"""Rejecting a therapist's profile change: a note for them first (or none), then the decision."""
from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import StaffRouter
from bot.conversation import Draft, Leave, Reply, Stay, Step, end
from bot.handlers.profile_changes_admin import close_card, next_waiting, refusal
from bot.keyboards.cabinet import ChangeReject, reject_plainly_keyboard
from bot.middlewares.callback_answer import alert
from bot.views.cabinet import field_name
from core.clock import Clock
from core.ports import UnitOfWork
from core.profile_changes import MAX_NOTE, ChangeRefused
from core.staff import Authority, Permission
from core.usecases.profile_changes import ChangeNotFound, check_decidable, reject, under_review


class ChangeRejection(StatesGroup):
    note = State()


class RejectionDraft(Draft):
    change: int


def commands() -> Router:
    router = StaffRouter(name="change-rejection-commands", permission=Permission.MANAGE_THERAPISTS)
    router.message.register(stop, StateFilter(ChangeRejection), Command("cancel"))
    return router


def router() -> Router:
    router = StaffRouter(name="change-rejection", permission=Permission.MANAGE_THERAPISTS)
    router.callback_query.register(ask_note, ChangeReject.filter(~F.plain))
    router.callback_query.register(reject_plainly, ChangeReject.filter(F.plain))
    # Other commands pass through to their own handlers; the step waits meanwhile.
    NOTE.register(router)
    return router


async def ask_note(
    query: CallbackQuery, message: Message, callback_data: ChangeReject, state: FSMContext, uow: UnitOfWork, authority: Authority, callback_answer: CallbackAnswer
) -> None:
    try:
        review = await under_review(uow, callback_data.id)
        check_decidable(authority, review.change)
    except ChangeNotFound:
        alert(callback_answer, _("There is no such change."))
        return
    except ChangeRefused as refused:
        await refusal(uow, callback_data.id, refused, callback_answer=callback_answer)
        return
    await NOTE.ask(
        Reply(message), state, RejectionDraft(change=review.change.id),
        _ask(review.therapist.full_name, field_name(review.change.field)), reject_plainly_keyboard(review.change.id),
    )


async def reject_plainly(
    query: CallbackQuery, message: Message, callback_data: ChangeReject, state: FSMContext, uow: UnitOfWork, authority: Authority, clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        await reject(uow, clock, actor=authority, change_id=callback_data.id, note=None)
    except ChangeNotFound:
        alert(callback_answer, _("There is no such change."))
        return
    except ChangeRefused as refused:
        await refusal(uow, callback_data.id, refused, callback_answer=callback_answer)
        return
    await end(state)
    callback_answer.text = _("Rejected. The therapist is told.")
    await close_card(message, "✖️ " + _("Rejected by you, without a note."))
    await next_waiting(message, uow)


async def _typed_note(
    message: Message, text: str, draft: RejectionDraft, state: FSMContext, uow: UnitOfWork, authority: Authority, clock: Clock
) -> None:
    if len(text.strip()) > MAX_NOTE:
        raise Stay(
            _("That is {length} characters; the limit is {limit}. Please make it shorter.").format(
                length=len(text.strip()), limit=MAX_NOTE
            )
        )
    try:
        review = await reject(uow, clock, actor=authority, change_id=draft.change, note=text)
    except ChangeNotFound:
        raise Leave(_("There is no such change.")) from None
    except ChangeRefused:
        raise Leave(_("This change was decided meanwhile; nothing was done. /profile_changes shows the current ones.")) from None
    await end(state)
    await message.answer(
        _("✖️ Rejected: the change of {name} to «{field}». They are told, with your note.").format(
            field=field_name(review.change.field), name=review.therapist.full_name
        )
    )
    await next_waiting(message, uow)


async def _expected(draft: RejectionDraft) -> tuple[str, InlineKeyboardMarkup]:
    return _("Please type the note as text, or press «Reject without a note»."), reject_plainly_keyboard(draft.change)


NOTE = Step(ChangeRejection.note, RejectionDraft, take=_typed_note, expected=_expected)


async def stop(message: Message, state: FSMContext) -> None:
    await end(state)
    await message.answer(_("Stopped; the change still waits. /profile_changes shows it."))


def _ask(name: str, field: str) -> str:
    return _(
        "Why not approve the change of {name} to «{field}»? Type a note: they will read it, so be kind and "
        "specific. /cancel to leave the change waiting."
    ).format(field=field, name=name)
