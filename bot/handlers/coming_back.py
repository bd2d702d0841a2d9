"""Coming back: "book again" opens the offer after a past session; one tap on a time books it.

The tap is the normal booking (core/usecases/coming_back.py: book_again): a taken
time or a stale button is answered with the free times nearest to it.
"""
from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter
from bot.editing import replace_message
from bot.flows.booking import already_yours_text
from bot.keyboards.booking import BookAgain, from_unix
from bot.keyboards.coming_back import BookAgainAt, offer_keyboard, times_keyboard
from bot.keyboards.directory import find_again_keyboard
from bot.middlewares.callback_answer import alert, out_of_date
from bot.settings import Settings
from bot.views.bookings import booking_moment
from bot.views.coming_back import away_text, offer_text
from bot.views.therapist_labels import therapist_name
from core.bookings import BookingRefused
from core.clock import Clock
from core.ports import UnitOfWork
from core.usecases.booking import AlreadyYours, BookingNotFound, SlotUnavailable
from core.usecases.coming_back import AwayReason, TherapistAway, book_again, return_offer
from core.users import User


def router() -> Router:
    router = OpenRouter(name="coming-back")
    router.callback_query.register(open_offer, BookAgain.filter())
    router.callback_query.register(book_at, BookAgainAt.filter())
    return router


async def open_offer(
    query: CallbackQuery, message: Message, callback_data: BookAgain, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    try:
        offer = await return_offer(
            uow, clock, client_id=user.telegram_id, booking_id=callback_data.booking_id, policy=settings.booking_policy()
        )
    except BookingNotFound:
        alert(callback_answer, _("This session was not found among yours."))
        return
    except TherapistAway as away:
        alert(callback_answer, away_text(away))
        return
    await replace_message(message, offer_text(offer, user.timezone), offer_keyboard(offer, user.timezone))


async def book_at(
    query: CallbackQuery, message: Message, callback_data: BookAgainAt, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    try:
        start = from_unix(callback_data.at)
    except (ValueError, OverflowError, OSError):
        out_of_date(callback_answer)
        return
    try:
        booking = await book_again(
            uow, clock, client_id=user.telegram_id, booking_id=callback_data.booking_id, starts_at=start,
            policy=settings.booking_policy(),
        )
    except BookingNotFound:
        alert(callback_answer, _("This session was not found among yours."))
        return
    except TherapistAway as away:
        markup = find_again_keyboard() if away.reason is AwayReason.UNLISTED else None
        await replace_message(message, away_text(away), markup)
        return
    except AlreadyYours as mine:
        therapist = await uow.therapists.get(mine.booking.therapist_id)
        await replace_message(message, already_yours_text(mine.booking, therapist, user))
        return
    except SlotUnavailable as taken:
        head = _("Sorry, someone has just booked this time.") if taken.lost_race else _("This time is no longer free.")
        if not taken.next_free:
            await replace_message(message, head + " " + _("No free time in the coming weeks."), find_again_keyboard())
            return
        session = await uow.bookings.get(callback_data.booking_id)
        assert session is not None
        await replace_message(
            message,
            head + " " + _("The free times nearest to it:"),
            times_keyboard(session.id, session.therapist_id, taken.next_free, user.timezone),
        )
        return
    except BookingRefused:
        out_of_date(callback_answer)
        return
    therapist = await uow.therapists.get(booking.therapist_id)
    await replace_message(
        message,
        _("You chose {moment} with {name}.").format(
            moment=booking_moment(booking, user.timezone), name=therapist_name(therapist)
        ),
    )
