"""/profile_changes: community managers approve or reject what therapists changed in their profiles.

A card shows the field as clients see it now and as proposed (a photo is sent
as the photo). Approving applies it to the live profile at once; rejecting
asks for a note for the therapist first (bot/flows/change_rejection.py).
Either way the therapist is told and the audit log keeps who decided and when.
"""
from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import StaffRouter
from bot.editing import answer_turn, replace_message
from bot.keyboards.cabinet import ChangeApprove, ChangeList, ChangeOpen, change_card_keyboard, change_list_keyboard
from bot.keyboards.paging import PROFILE_CHANGES, ListPage, page_turns
from bot.middlewares.callback_answer import alert
from bot.views.cabinet import field_name, shown_value
from bot.views.presenting import local_moment
from core.clock import Clock
from core.paging import Page, page_of
from core.ports import UnitOfWork
from core.profile_changes import ChangeRefused, ChangeStatus, ProfileChange, ProfileField
from core.staff import Authority, Permission
from core.usecases.profile_changes import ChangeNotFound, ChangeUnderReview, approve, pending_changes, under_review
from core.users import User

CHANGES_PER_PAGE = 20


def commands() -> Router:
    router = StaffRouter(name="profile-changes-commands", permission=Permission.MANAGE_THERAPISTS)
    router.message.register(show_list, Command("profile_changes"))
    return router


def router() -> Router:
    router = StaffRouter(name="profile-changes", permission=Permission.MANAGE_THERAPISTS)
    router.callback_query.register(list_again, ChangeList.filter())
    router.callback_query.register(turn_list_page, ListPage.filter(F.list == PROFILE_CHANGES))
    router.callback_query.register(open_change, ChangeOpen.filter())
    router.callback_query.register(approve_change, ChangeApprove.filter())
    return router


async def show_list(message: Message, uow: UnitOfWork) -> None:
    await send_list(message, uow)


async def list_again(query: CallbackQuery, message: Message, uow: UnitOfWork) -> None:
    if message.text is None:  # a photo's card: a list can't take its place
        await send_list(message, uow)
        return
    await replace_message(message, *await _list(uow, 0))


async def turn_list_page(query: CallbackQuery, message: Message, callback_data: ListPage, uow: UnitOfWork, callback_answer: CallbackAnswer) -> None:
    page = await _page(uow, callback_data.page)
    answer_turn(callback_answer, callback_data, page)
    await replace_message(message, *_shown(page))


async def send_list(message: Message, uow: UnitOfWork) -> None:
    text, markup = await _list(uow, 0)
    await message.answer(text, reply_markup=markup)


async def _list(uow: UnitOfWork, number: int) -> tuple[str, InlineKeyboardMarkup]:
    return _shown(await _page(uow, number))


async def _page(uow: UnitOfWork, number: int) -> Page[tuple[ProfileChange, str]]:
    return page_of(await pending_changes(uow), number, CHANGES_PER_PAGE, key=lambda waiting: waiting[0].id)


def _shown(page: Page[tuple[ProfileChange, str]]) -> tuple[str, InlineKeyboardMarkup]:
    if not page.items:
        return _("No profile changes are waiting for approval."), change_list_keyboard([], [])
    text = _("✏️ Profile changes waiting for approval: {count}. The oldest first; open one to decide.").format(
        count=page.found
    )
    changes = [
        (change.id, _("{name} · {field}").format(name=name, field=field_name(change.field))) for change, name in page.items
    ]
    return text, change_list_keyboard(changes, page_turns(PROFILE_CHANGES, page))


async def open_change(query: CallbackQuery, message: Message, callback_data: ChangeOpen, uow: UnitOfWork, user: User, callback_answer: CallbackAnswer) -> None:
    try:
        review = await under_review(uow, callback_data.id)
    except ChangeNotFound:
        alert(callback_answer, _("There is no such change."))
        return
    if not review.change.pending:
        alert(callback_answer, _decided_already(review))
        return
    await send_card(message, review, user, in_place=True)


async def send_card(message: Message, review: ChangeUnderReview, user: User, *, in_place: bool = False) -> None:
    change = review.change
    markup = change_card_keyboard(change.id)
    if change.field is ProfileField.PHOTO:
        await message.answer_photo(change.value, caption=card_text(review, user), reply_markup=markup)
    elif in_place and message.text is not None:
        await replace_message(message, card_text(review, user), markup)
    else:
        await message.answer(card_text(review, user), reply_markup=markup)


def card_text(review: ChangeUnderReview, user: User) -> str:
    change = review.change
    head = _("✏️ {name} ({id}) proposes a change to «{field}». Sent {moment}.").format(
        name=review.therapist.full_name,
        id=change.therapist_id,
        field=field_name(change.field),
        moment=local_moment(change.proposed_at, user.timezone),
    )
    if change.field is ProfileField.PHOTO:
        return head + "\n\n" + _("Above: the proposed photo. Now the profile has {current}.").format(
            current=shown_value(change.field, review.current)
        )
    return "\n\n".join(
        [
            head,
            _("Now:") + "\n" + shown_value(change.field, review.current),
            _("Proposed:") + "\n" + shown_value(change.field, change.value),
        ]
    )


async def approve_change(
    query: CallbackQuery, message: Message, callback_data: ChangeApprove, uow: UnitOfWork, authority: Authority, clock: Clock, callback_answer: CallbackAnswer
) -> None:
    try:
        await approve(uow, clock, actor=authority, change_id=callback_data.id)
    except ChangeNotFound:
        alert(callback_answer, _("There is no such change."))
        return
    except ChangeRefused as refused:
        await refusal(uow, callback_data.id, refused, callback_answer=callback_answer)
        return
    callback_answer.text = _("Approved: clients see it now. The therapist is told.")
    await close_card(message, "✅ " + _("Approved by you."))
    await next_waiting(message, uow)


async def refusal(uow: UnitOfWork, change_id: int, refused: ChangeRefused, callback_answer: CallbackAnswer) -> None:
    if refused.reason == "own_change":
        alert(callback_answer, _("This is your own profile: another admin decides on it."))
        return
    alert(callback_answer, _decided_already(await under_review(uow, change_id)))


async def close_card(message: Message, verdict: str) -> None:
    """The card keeps what was decided on it, without its buttons."""
    if message.text is not None:
        await replace_message(message, f"{message.text}\n\n{verdict}")
    else:
        await message.edit_caption(caption=f"{message.caption or ''}\n\n{verdict}", reply_markup=None)


async def next_waiting(message: Message, uow: UnitOfWork) -> None:
    if await pending_changes(uow):
        await send_list(message, uow)


def _decided_already(review: ChangeUnderReview) -> str:
    return {
        ChangeStatus.APPROVED: _("This change has been approved already."),
        ChangeStatus.REJECTED: _("This change has been rejected already."),
        ChangeStatus.WITHDRAWN: _("The therapist has replaced or taken back this change; open /profile_changes for the current ones."),
    }.get(review.change.status, _("This change is still waiting."))
