"""Waitlists: "Tell me when a time opens" on a therapist who has nothing that suits, leaving one, and /waitlists.

The telling itself is a timed message (bot/notices/waitlist.py); its time buttons are the booking's own.
"""
from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter
from bot.editing import replace_message
from bot.keyboards.waitlist import (
    WaitlistJoin,
    WaitlistJoinAny,
    WaitlistLeave,
    WaitlistList,
    book_keyboard,
    joined_keyboard,
    waitlists_keyboard,
)
from bot.middlewares.callback_answer import alert, out_of_date
from bot.settings import Settings
from bot.views.presenting import local_moment
from bot.views.therapist_labels import therapist_name
from bot.views.waitlist import joined_several_text, joined_text, time_free_text, waitlists_text
from core.clock import Clock
from core.ports import UnitOfWork
from core.therapists import TherapistProfile
from core.usecases.directory import TherapistUnavailable
from core.usecases.waitlist import (
    EntryGone,
    TimeIsFree,
    join_any_of,
    join_waitlist,
    leave_waitlist,
    my_waitlists,
)
from core.users import User
from core.waitlist import WaitlistEntry


def commands() -> Router:
    router = OpenRouter(name="waitlist-commands")
    router.message.register(show_waitlists, Command("waitlists"))
    return router


def router() -> Router:
    router = OpenRouter(name="waitlist")
    router.callback_query.register(join, WaitlistJoin.filter())
    router.callback_query.register(join_any, WaitlistJoinAny.filter())
    router.callback_query.register(leave, WaitlistLeave.filter())
    router.callback_query.register(list_waitlists, WaitlistList.filter())
    return router


async def show_waitlists(message: Message, uow: UnitOfWork, clock: Clock, user: User) -> None:
    entries = await my_waitlists(uow, clock, user.telegram_id)
    await message.answer(waitlists_text(entries, user.timezone), reply_markup=waitlists_keyboard(entries))


async def list_waitlists(query: CallbackQuery, message: Message, uow: UnitOfWork, clock: Clock, user: User) -> None:
    """«🔔 My waitlists»: the same list as /waitlists, below the message it was pressed on."""
    await show_waitlists(message, uow, clock, user)


async def join(
    query: CallbackQuery,
    message: Message,
    callback_data: WaitlistJoin,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        entry = await join_waitlist(
            uow, clock, client_id=user.telegram_id, therapist_id=callback_data.therapist_id, zone=user.timezone,
            policy=settings.booking_policy(),
        )
    except TherapistUnavailable:
        alert(callback_answer, _("This therapist is not taking new clients right now."))
        return
    except TimeIsFree as free:
        await _time_is_free(message, uow, user, callback_data.therapist_id, free.nearest)
        return
    therapist = await uow.therapists.get(entry.therapist_id)
    assert therapist is not None
    callback_answer.text = _("🔔 You are on the waitlist.")
    await message.answer(joined_text(entry, therapist, user.timezone), reply_markup=joined_keyboard([entry]))


async def join_any(
    query: CallbackQuery,
    message: Message,
    callback_data: WaitlistJoinAny,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        entries = await join_any_of(
            uow, clock, client_id=user.telegram_id, match_id=callback_data.match_id, zone=user.timezone,
            policy=settings.booking_policy(),
        )
    except EntryGone:
        out_of_date(callback_answer)
        return
    except TherapistUnavailable:
        alert(callback_answer, _("These therapists are not taking new clients right now."))
        return
    except TimeIsFree:
        alert(callback_answer, _("No need to wait: each of them has a free time that suits you now. Tap a time above."))
        return
    joined = await _with_therapists(uow, entries)
    callback_answer.text = _("🔔 You are on the waitlist.")
    if len(joined) == 1:
        entry, therapist = joined[0]
        await message.answer(joined_text(entry, therapist, user.timezone), reply_markup=joined_keyboard(entries))
        return
    await message.answer(joined_several_text(joined, user.timezone), reply_markup=joined_keyboard(entries))


async def leave(
    query: CallbackQuery,
    message: Message,
    callback_data: WaitlistLeave,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        entry = await leave_waitlist(uow, clock, client_id=user.telegram_id, entry_id=callback_data.entry_id)
    except EntryGone:
        alert(callback_answer, _("You are no longer on this waitlist."))
        return
    therapist = await uow.therapists.get(entry.therapist_id)
    callback_answer.text = _("🔕 You left the waitlist: {name}.").format(name=therapist_name(therapist))
    entries = await my_waitlists(uow, clock, user.telegram_id)
    await replace_message(message, waitlists_text(entries, user.timezone), waitlists_keyboard(entries))


async def _time_is_free(message: Message, uow: UnitOfWork, user: User, therapist_id: int, nearest: datetime) -> None:
    therapist = await uow.therapists.get(therapist_id)
    assert therapist is not None
    await message.answer(
        time_free_text(therapist, local_moment(nearest, user.timezone)),
        reply_markup=book_keyboard(therapist.telegram_id, [nearest], user.timezone),
    )


async def _with_therapists(uow: UnitOfWork, entries: list[WaitlistEntry]) -> list[tuple[WaitlistEntry, TherapistProfile]]:
    found = []
    for entry in entries:
        therapist = await uow.therapists.get(entry.therapist_id)
        if therapist is not None:
            found.append((entry, therapist))
    return found

