"""Finding a therapist: filters, a paged list, a full profile, and the profile's share link."""
from __future__ import annotations

import re

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter
from bot.editing import replace_message
from bot.flows.booking import already_yours_text, offer_time
from bot.handlers.start import greeting
from bot.keyboards.booking import from_unix
from bot.keyboards.directory import (
    FIELDS,
    OpenProfile,
    Search,
    SearchFilter,
    choices_keyboard,
    field_summary,
    find_again_keyboard,
    profile_keyboard,
    results_keyboard,
)
from bot.menus import BUTTON_FIND, main_menu
from bot.middlewares.callback_answer import alert, out_of_date
from bot.settings import Settings
from bot.views.bookings import profile_text, short_card
from bot.views.lengths import CAPTION_LIMIT, clip
from bot.views.therapist_labels import therapist_name
from core.clock import Clock
from core.ports import UnitOfWork
from core.therapists import TherapistProfile
from core.usecases.booking import own_booking_at
from core.usecases.directory import (
    PAGE_SIZE,
    TherapistUnavailable,
    find_therapists,
    listed_therapist,
    nearest_free_time,
)
from core.usecases.waitlist import worth_waiting
from core.users import User

SHARE_PREFIX = "t_"
SHARE_PAYLOAD = re.compile(r"^t_[A-Za-z0-9_-]{1,32}$")
# A time picked on the therapist's web page: b_<share code>_<start in Unix seconds>.
BOOKING_PAYLOAD = re.compile(r"^b_([A-Za-z0-9_-]{1,32})_(\d{1,11})$")


def links() -> Router:
    """Links from outside: a share link opens the therapist's profile, a time picked on the web page books it."""
    router = OpenRouter(name="directory-links")
    router.message.register(open_shared_profile, CommandStart(deep_link=True, magic=F.args.regexp(SHARE_PAYLOAD)))
    router.message.register(open_time_from_page, CommandStart(deep_link=True, magic=F.args.regexp(BOOKING_PAYLOAD)))
    return router


def commands() -> Router:
    router = OpenRouter(name="directory-commands")
    router.message.register(show_directory, Command("find"))
    router.message.register(show_directory, F.text == BUTTON_FIND)
    return router


def router() -> Router:
    router = OpenRouter(name="directory")
    router.callback_query.register(show_results, Search.filter())
    router.callback_query.register(choose_filter, SearchFilter.filter())
    router.callback_query.register(open_profile, OpenProfile.filter())
    return router


async def show_directory(message: Message, uow: UnitOfWork, clock: Clock, user: User, settings: Settings) -> None:
    text, markup = await _results(uow, clock, user, settings, Search())
    await message.answer(text, reply_markup=markup)


async def show_results(
    query: CallbackQuery, message: Message, callback_data: Search, uow: UnitOfWork, clock: Clock, user: User, settings: Settings
) -> None:
    text, markup = await _results(uow, clock, user, settings, callback_data)
    await replace_message(message, text, markup)


async def choose_filter(query: CallbackQuery, message: Message, callback_data: SearchFilter, callback_answer: CallbackAnswer) -> None:
    if callback_data.field not in FIELDS:
        out_of_date(callback_answer)
        return
    prompts = {
        "topic": _("What would you like to talk about?"),
        "approach": _("Which therapeutic approach?"),
        "language": _("In which language?"),
        "price": _("What price per session suits you?"),
    }
    await replace_message(message, prompts[callback_data.field], choices_keyboard(callback_data))


async def open_profile(
    query: CallbackQuery, message: Message, callback_data: OpenProfile, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, bot: Bot, callback_answer: CallbackAnswer
) -> None:
    try:
        therapist = await listed_therapist(uow, clock, therapist_id=callback_data.therapist_id)
    except TherapistUnavailable:
        alert(callback_answer, _("This therapist is not taking new clients right now."))
        return
    await _send_profile(message, therapist, uow, clock, user, settings, bot)


async def open_shared_profile(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    bot: Bot,
    is_new_user: bool = False,
) -> None:
    assert command.args is not None
    therapist = await _therapist_of_link(message, command.args.removeprefix(SHARE_PREFIX), uow, clock, user, settings, is_new_user)
    if therapist is not None:
        await _send_profile(message, therapist, uow, clock, user, settings, bot)


async def open_time_from_page(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    bot: Bot,
    state: FSMContext,
    is_new_user: bool = False,
) -> None:
    """From a time on the therapist's web page: booking at that very time, or their profile if it was taken."""
    found = BOOKING_PAYLOAD.match(command.args or "")
    assert found is not None
    therapist = await _therapist_of_link(message, found.group(1), uow, clock, user, settings, is_new_user)
    if therapist is None:
        return
    if therapist.telegram_id == user.telegram_id:
        await message.answer(_("This is your own profile: you cannot book a session with yourself."))
        return
    start = from_unix(int(found.group(2)))
    if await offer_time(message, therapist, start, uow, clock, user, settings, state):
        return
    mine = await own_booking_at(uow, client_id=user.telegram_id, therapist_id=therapist.telegram_id, starts_at=start)
    if mine is not None:
        await message.answer(already_yours_text(mine, therapist, user))
        return
    await message.answer(_("This time is no longer free. Here is the profile, with the times that are:"))
    await _send_profile(message, therapist, uow, clock, user, settings, bot)


async def _therapist_of_link(
    message: Message, share_code: str, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, is_new_user: bool
) -> TherapistProfile | None:
    """The listed therapist a link names; a newcomer is greeted first, and an unlisted one is said so."""
    if is_new_user:
        role = user.main_role(settings.admin_ids)
        await message.answer(greeting(user, role), reply_markup=main_menu(role))
    try:
        return await listed_therapist(uow, clock, share_code=share_code)
    except TherapistUnavailable:
        await message.answer(
            _("This link leads to no therapist who is taking clients right now. Have a look at the others:"),
            reply_markup=find_again_keyboard(),
        )
        return None


async def share_link(bot: Bot, therapist: TherapistProfile) -> str:
    me = await bot.me()
    return f"https://t.me/{me.username}?start={SHARE_PREFIX}{therapist.share_code}"


async def _send_profile(
    message: Message, therapist: TherapistProfile, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, bot: Bot
) -> None:
    policy = settings.booking_policy()
    nearest = await nearest_free_time(uow, clock, therapist, policy)
    text = profile_text(therapist, nearest, user.timezone, await share_link(bot, therapist))
    can_wait = await worth_waiting(
        uow, clock, client_id=user.telegram_id, therapist=therapist, zone=user.timezone, policy=policy
    )
    if therapist.photo_file_id:
        await message.answer_photo(therapist.photo_file_id, caption=clip(therapist_name(therapist), CAPTION_LIMIT))
    await message.answer(text, reply_markup=profile_keyboard(therapist, can_wait=can_wait))


async def _results(
    uow: UnitOfWork, clock: Clock, user: User, settings: Settings, search: Search
) -> tuple[str, InlineKeyboardMarkup]:
    page = await find_therapists(uow, clock, search.filters(), settings.booking_policy(), page=search.page, per_page=PAGE_SIZE)
    search = search.model_copy(update={"page": page.number})
    shown = field_summary(search)
    head = _("🔎 Find a therapist\n{topic} · {approach}\n{language} · {price}").format(
        **shown
    )
    if not page.found and not search.filters().narrowed:
        body = _("No therapist is taking new clients right now. Please look in again soon.")
    elif not page.found:
        body = _("No one matches all of these filters. Try loosening one of them.")
    else:
        cards = (short_card(listing.therapist, listing.nearest, user.timezone) for listing in page.listings)
        body = "\n\n".join([_("Found: {count}").format(count=page.found), *cards])
    return f"{head}\n\n{body}", results_keyboard(search, [listing.therapist for listing in page.listings], page.pages)
