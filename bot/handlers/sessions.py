""""My sessions" for clients and therapists: each booking with the actions allowed now.

A cancellation is confirmed after the person has read plainly what it means:
free (with the refund due) or, less than 24 hours ahead, counted as held.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.access import OpenRouter
from bot.editing import replace_message
from bot.keyboards.booking import (
    SessionAsk,
    SessionCalendar,
    SessionDo,
    SessionList,
    SessionOpen,
    confirm_action_keyboard,
    session_actions_keyboard,
    sessions_keyboard,
)
from bot.keyboards.directory import find_again_keyboard
from bot.keyboards.matching import start_button
from bot.keyboards.waitlist import list_button
from bot.menus import BUTTON_SESSIONS
from bot.middlewares.callback_answer import alert, out_of_date_button
from bot.settings import Settings
from bot.views.bookings import booking_moment, session_card, session_line
from bot.views.calendar_files import session_file
from bot.views.presenting import money
from core.bookings import Action, BookingRefused, BookingStatus, CancellationTerms
from core.clock import Clock
from core.conversations import Side
from core.platform_rules import FREE_CANCELLATION_HOURS
from core.ports import UnitOfWork
from core.usecases.booking import (
    BookingChanged,
    BookingNotFound,
    SessionView,
    TermsChanged,
    accept_request,
    cancel_booking,
    cancellation_terms,
    decline_request,
    mark_no_show,
    my_sessions,
    session_view,
)
from core.usecases.waitlist import my_waitlists
from core.users import User

PAST_LISTED = 5
PAGE_SIZE = 8  # sessions per page: the list stays readable and within a message


def commands() -> Router:
    router = OpenRouter(name="sessions-commands")
    router.message.register(show_sessions, Command("sessions"))
    router.message.register(show_sessions, F.text == BUTTON_SESSIONS)
    return router


def router() -> Router:
    router = OpenRouter(name="sessions")
    router.callback_query.register(list_again, SessionList.filter())
    router.callback_query.register(open_session, SessionOpen.filter())
    router.callback_query.register(ask_to_cancel, SessionAsk.filter(F.action == Action.CANCEL))
    router.callback_query.register(ask_about_no_show, SessionAsk.filter(F.action == Action.NO_SHOW))
    router.callback_query.register(accept, SessionDo.filter(F.action == Action.ACCEPT))
    router.callback_query.register(decline, SessionDo.filter(F.action == Action.DECLINE))
    router.callback_query.register(cancel, SessionDo.filter(F.action == Action.CANCEL))
    router.callback_query.register(no_show, SessionDo.filter(F.action == Action.NO_SHOW))
    router.callback_query.register(out_of_date_button, SessionAsk.filter())
    router.callback_query.register(out_of_date_button, SessionDo.filter())
    router.callback_query.register(calendar_again, SessionCalendar.filter())
    return router


async def show_sessions(message: Message, uow: UnitOfWork, clock: Clock, user: User) -> None:
    text, markup = await _overview(uow, clock, user)
    await message.answer(text, reply_markup=markup)


async def list_again(query: CallbackQuery, message: Message, callback_data: SessionList, uow: UnitOfWork, clock: Clock, user: User) -> None:
    text, markup = await _overview(uow, clock, user, callback_data.page)
    await replace_message(message, text, markup)


async def _own_session(uow: UnitOfWork, clock: Clock, user: User, booking_id: int, callback_answer: CallbackAnswer) -> SessionView | None:
    """The pressed session, if it is this person's; otherwise the press is answered and None comes back."""
    try:
        return await session_view(uow, clock, person_id=user.telegram_id, booking_id=booking_id, language=user.locale)
    except BookingNotFound:
        alert(callback_answer, _("This session was not found among yours."))
        return None


async def open_session(
    query: CallbackQuery, message: Message, callback_data: SessionOpen, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    view = await _own_session(uow, clock, user, callback_data.booking_id, callback_answer=callback_answer)
    if view is None:
        return
    await _show_card(message, view, user, settings)


async def calendar_again(
    query: CallbackQuery, message: Message, callback_data: SessionCalendar, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    """"Add to calendar": the paid session's file again, as it stands now (its time, its room)."""
    view = await _own_session(uow, clock, user, callback_data.booking_id, callback_answer=callback_answer)
    if view is None:
        return
    if view.booking.status is not BookingStatus.PAID:
        alert(callback_answer, _("Only a paid session ahead goes into the calendar."))
        return
    document = await session_file(
        uow, view.booking, user.telegram_id, user.timezone, now=clock.now(),
        base_url=settings.meeting_base_url, public_base_url=settings.public_base_url,
    )
    await message.answer_document(
        BufferedInputFile(document.content, filename=document.file_name), caption=document.caption
    )


async def ask_to_cancel(
    query: CallbackQuery, message: Message, callback_data: SessionAsk, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    """Say what cancelling means before it is done."""
    booking_id, version = callback_data.booking_id, callback_data.version
    try:
        booking, terms = await cancellation_terms(uow, clock, person_id=user.telegram_id, booking_id=booking_id, version=version)
    except (BookingNotFound, BookingChanged, BookingRefused) as refused:
        await _refused(message, refused, uow, clock, user, settings, booking_id, callback_answer=callback_answer)
        return
    side = booking.side_of(user.telegram_id)
    text = _cancel_question(
        booking_moment(booking, user.timezone), side, terms, requested=booking.confirmed_at is None, paid=bool(booking.paid_minor)
    )
    markup = confirm_action_keyboard(
        booking_id, version, Action.CANCEL, _("Yes, cancel") if terms.free else _("Cancel anyway"), free=terms.free
    )
    await replace_message(message, text, markup)


async def ask_about_no_show(
    query: CallbackQuery, message: Message, callback_data: SessionAsk, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    """Say what marking a no-show means before it is done."""
    booking_id, version = callback_data.booking_id, callback_data.version
    try:
        view = await session_view(uow, clock, person_id=user.telegram_id, booking_id=booking_id, language=user.locale)
        if view.booking.version != version:
            raise BookingChanged(view.booking)
        if Action.NO_SHOW not in view.actions:
            raise BookingRefused("no_show_not_now")
    except (BookingNotFound, BookingChanged, BookingRefused) as refused:
        await _refused(message, refused, uow, clock, user, settings, booking_id, callback_answer=callback_answer)
        return
    text = _("Mark that {name} did not come to the session on {moment}? It will count as held.").format(
        name=view.counterpart_name, moment=booking_moment(view.booking, user.timezone)
    )
    markup = confirm_action_keyboard(booking_id, version, Action.NO_SHOW, _("Yes, they did not come"))
    await replace_message(message, text, markup)


async def accept(
    query: CallbackQuery, message: Message, callback_data: SessionDo, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    async def change() -> None:
        await accept_request(
            uow, clock, therapist_id=user.telegram_id, booking_id=callback_data.booking_id,
            version=callback_data.version, policy=settings.booking_policy(),
        )

    await _act(query, message, callback_data, uow, clock, user, settings, change, _("Accepted. The client is told and will pay."), callback_answer=callback_answer)


async def decline(
    query: CallbackQuery, message: Message, callback_data: SessionDo, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    async def change() -> None:
        await decline_request(
            uow, clock, therapist_id=user.telegram_id, booking_id=callback_data.booking_id, version=callback_data.version
        )

    await _act(query, message, callback_data, uow, clock, user, settings, change, _("Declined. The client is told and offered other times."), callback_answer=callback_answer)


async def cancel(
    query: CallbackQuery, message: Message, callback_data: SessionDo, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    async def change() -> None:
        await cancel_booking(
            uow, clock, person_id=user.telegram_id, booking_id=callback_data.booking_id,
            version=callback_data.version, expected_free=callback_data.free,
        )

    await _act(query, message, callback_data, uow, clock, user, settings, change, _("Cancelled."), callback_answer=callback_answer)


async def no_show(
    query: CallbackQuery, message: Message, callback_data: SessionDo, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    async def change() -> None:
        await mark_no_show(
            uow, clock, therapist_id=user.telegram_id, booking_id=callback_data.booking_id, version=callback_data.version
        )

    await _act(query, message, callback_data, uow, clock, user, settings, change, _("Marked: the client did not come."), callback_answer=callback_answer)


# -- inside ----------------------------------------------------------------------


async def _act(
    query: CallbackQuery,
    message: Message,
    callback_data: SessionDo,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    change: Callable[[], Awaitable[None]],
    done: str,
    callback_answer: CallbackAnswer,
) -> None:
    """Do the confirmed change, say it is done and show the session as it stands now; or say why not."""
    booking_id, version = callback_data.booking_id, callback_data.version
    try:
        await change()
    except TermsChanged as changed:
        await _terms_changed(message, changed.terms, uow, clock, user, booking_id, version, callback_answer=callback_answer)
        return
    except (BookingNotFound, BookingChanged, BookingRefused) as refused:
        await _refused(message, refused, uow, clock, user, settings, booking_id, callback_answer=callback_answer)
        return
    callback_answer.text = done
    view = await session_view(uow, clock, person_id=user.telegram_id, booking_id=booking_id, language=user.locale)
    await _show_card(message, view, user, settings)


async def _overview(
    uow: UnitOfWork, clock: Clock, user: User, page: int = 0
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Upcoming sessions, soonest first, then the last few past ones; a page at a time."""
    now = clock.now()
    views = await my_sessions(uow, clock, user.telegram_id, language=user.locale)
    upcoming = [v for v in views if v.booking.active or v.booking.starts_at >= now]
    past = [v for v in views if v not in upcoming][-PAST_LISTED:][::-1]
    # "My waitlists" is at hand where a client looks for their sessions, once they wait for anyone.
    waiting = [list_button()] if await my_waitlists(uow, clock, user.telegram_id) else []
    if not upcoming and not past:
        found = find_again_keyboard()
        rows = [*found.inline_keyboard, [start_button()], *([waiting] if waiting else [])]
        return _("You have no sessions yet."), InlineKeyboardMarkup(inline_keyboard=rows)
    listed = upcoming + past
    pages = (len(listed) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    shown = listed[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    parts = [_("📅 Your sessions")]
    if page == 0 and not upcoming:
        parts.append(_("No upcoming sessions."))
    if soon := [v for v in shown if v in upcoming]:
        parts.append(_("Upcoming:") + "\n" + "\n\n".join(session_line(v, user.timezone) for v in soon))
    if before := [v for v in shown if v in past]:
        parts.append(_("Past:") + "\n" + "\n\n".join(session_line(v, user.timezone) for v in before))
    parts.append(_("Open a session for details and what you can do now:"))
    markup = sessions_keyboard(shown, user.timezone, page, pages, everything=listed)
    if waiting:
        markup = InlineKeyboardMarkup(inline_keyboard=[*markup.inline_keyboard, waiting])
    return "\n\n".join(parts), markup


async def _show_card(message: Message, view: SessionView, user: User, settings: Settings) -> None:
    card = session_card(view, user.timezone, settings.meeting_base_url)
    await replace_message(message, card, session_actions_keyboard(view))


async def _refused(
    message: Message, refused: Exception, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, booking_id: int, callback_answer: CallbackAnswer
) -> None:
    """Stale or forged: say so, and show the session as it stands now if it is theirs."""
    if isinstance(refused, BookingNotFound):
        alert(callback_answer, _("This session was not found among yours."))
        return
    if isinstance(refused, BookingChanged):
        text = _("This session has changed since this button was made. Here is how it stands now.")
    else:
        text = _("This can no longer be done with this session. Here is how it stands now.")
    alert(callback_answer, text)
    view = await session_view(uow, clock, person_id=user.telegram_id, booking_id=booking_id, language=user.locale)
    await _show_card(message, view, user, settings)


async def _terms_changed(
    message: Message, terms: CancellationTerms, uow: UnitOfWork, clock: Clock, user: User, booking_id: int, version: int, callback_answer: CallbackAnswer
) -> None:
    """The 24-hour line passed while the person was reading: ask again, with the new terms."""
    view = await session_view(uow, clock, person_id=user.telegram_id, booking_id=booking_id, language=user.locale)
    alert(callback_answer, _("What cancelling means has just changed. Please read again."))
    text = _cancel_question(
        booking_moment(view.booking, user.timezone), view.side, terms, requested=False, paid=bool(view.booking.paid_minor)
    )
    markup = confirm_action_keyboard(
        booking_id, version, Action.CANCEL, _("Yes, cancel") if terms.free else _("Cancel anyway"), free=terms.free
    )
    await replace_message(message, text, markup)


def _cancel_question(moment: str, side: Side | None, terms: CancellationTerms, *, requested: bool, paid: bool) -> str:
    if requested:
        return _("Withdraw your request for {moment}? It costs nothing.").format(moment=moment)
    if side is Side.THERAPIST:
        text = _("Cancel the session on {moment}? It costs the client nothing.").format(moment=moment)
        if terms.refund_minor:
            text += " " + _("They will get a full refund of {amount}.").format(amount=money(terms.refund_minor))
        return text
    if terms.free:
        text = ngettext(
            "Cancel the session on {moment}? It is {hours} hour or more away, so it costs you nothing.",
            "Cancel the session on {moment}? It is {hours} hours or more away, so it costs you nothing.",
            FREE_CANCELLATION_HOURS,
        ).format(moment=moment, hours=FREE_CANCELLATION_HOURS)
        if terms.refund_minor:
            text += " " + _("You will get a full refund of {amount}.").format(amount=money(terms.refund_minor))
        return text
    if paid:
        return ngettext(
            "Less than {hours} hour is left before the session on {moment}. If you cancel now, the session counts "
            "as held: the payment is not refunded. Cancel anyway?",
            "Less than {hours} hours are left before the session on {moment}. If you cancel now, the session counts "
            "as held: the payment is not refunded. Cancel anyway?",
            FREE_CANCELLATION_HOURS,
        ).format(moment=moment, hours=FREE_CANCELLATION_HOURS)
    return ngettext(
        "Less than {hours} hour is left before the session on {moment}. If you cancel now, the session counts as "
        "held. Cancel anyway?",
        "Less than {hours} hours are left before the session on {moment}. If you cancel now, the session counts as "
        "held. Cancel anyway?",
        FREE_CANCELLATION_HOURS,
    ).format(moment=moment, hours=FREE_CANCELLATION_HOURS)
