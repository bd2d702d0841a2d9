"""/therapists: staff find a therapist, see their profile as clients do and where it stands, pause or hide it."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import StaffRouter
from bot.conversation import Nothing, Reply, Stay, Step, end
from bot.editing import replace_message
from bot.handlers.directory import share_link
from bot.keyboards.roster import (
    RosterAct,
    RosterAction,
    RosterCard,
    RosterFind,
    RosterOpen,
    RosterPageTurn,
    confirm_action,
    roster_page,
    therapist_actions,
)
from bot.middlewares.callback_answer import alert
from bot.settings import Settings
from bot.views.bookings import profile_text
from bot.views.lengths import CAPTION_LIMIT, clip
from bot.views.presenting import money
from bot.views.therapist_labels import APPROACHES, TOPICS, labels
from core.clock import Clock
from core.ports import UnitOfWork
from core.profile_changes import ProfileChange, ProfileField
from core.staff import Authority, Permission
from core.usecases.booking import free_times
from core.usecases.roster import (
    NothingToChange,
    RosterPage,
    Standing,
    UnknownTherapist,
    find_therapists,
    pause_therapist,
    publish_pending_changes,
    set_therapist_hidden,
    standing,
)
from core.users import User

CHANGE_PREVIEW = 80


class RosterSearch(StatesGroup):
    naming = State()


def commands() -> Router:
    router = StaffRouter(name="roster-commands", permission=Permission.MANAGE_THERAPISTS)
    router.message.register(show_roster, Command("therapists"))
    router.message.register(stop_searching, RosterSearch.naming, Command("cancel"))
    return router


def router() -> Router:
    router = StaffRouter(name="roster", permission=Permission.MANAGE_THERAPISTS)
    router.callback_query.register(turn_page, RosterPageTurn.filter())
    router.callback_query.register(ask_for_name, RosterFind.filter())
    NAMING.register(router)
    router.callback_query.register(open_therapist, RosterOpen.filter())
    router.callback_query.register(back_to_card, RosterCard.filter())
    router.callback_query.register(ask_to_confirm, RosterAct.filter(~F.sure & (F.action != RosterAction.SHOW)))
    router.callback_query.register(pause, RosterAct.filter(F.action == RosterAction.PAUSE))
    router.callback_query.register(publish, RosterAct.filter(F.action == RosterAction.PUBLISH))
    router.callback_query.register(hide, RosterAct.filter(F.action == RosterAction.HIDE))
    router.callback_query.register(show, RosterAct.filter(F.action == RosterAction.SHOW))
    return router


# -- the list -------------------------------------------------------------------------------


async def show_roster(message: Message, command: CommandObject, uow: UnitOfWork, settings: Settings) -> None:
    page = await find_therapists(uow, command.args or "")
    await message.answer(list_text(page, settings), reply_markup=roster_page(page))


async def turn_page(query: CallbackQuery, callback_data: RosterPageTurn, uow: UnitOfWork, settings: Settings) -> None:
    page = await find_therapists(uow, callback_data.q, callback_data.page)
    if isinstance(query.message, Message):
        await replace_message(query.message, list_text(page, settings), roster_page(page))


def list_text(page: RosterPage, settings: Settings) -> str:
    if page.query and not page.found:
        return _("No therapist's name has «{query}» in it. Try part of the name, or see everyone.").format(
            query=page.query
        )
    if not page.found:
        return _("There are no therapists on the platform yet.")
    if page.query:
        head = _("Therapists whose name has «{query}»: {count}. Page {number} of {pages}.")
    else:
        head = _("All therapists: {count}. Page {number} of {pages}.")
    lines = [head.format(query=page.query, count=page.found, number=page.number + 1, pages=page.pages)]
    # Without the platform's video service, a therapist with no room of their own leaves their clients without a link.
    no_service = not settings.meeting_base_url
    if no_service and page.without_room:
        lines.append(_("🎥 No video room, so their clients get no link: {count}").format(count=page.without_room))
    lines.append("")
    lines += [
        f"• {entry.full_name} — {_marks(entry.verified, entry.accepting_clients, entry.hidden, no_room=no_service and not entry.own_room)}"
        for entry in page.entries
    ]
    lines += ["", _("Tap a name to see the profile and act on it.")]
    return "\n".join(lines)


def _marks(verified: bool, accepting: bool, hidden: bool, *, no_room: bool) -> str:
    marks = [_("verified") if verified else _("not verified")]
    if not accepting:
        marks.append(_("paused"))
    if hidden:
        marks.append(_("hidden"))
    if no_room:
        marks.append(_("🎥 no video room"))
    return ", ".join(marks)


# -- finding by name --------------------------------------------------------------------------


async def ask_for_name(query: CallbackQuery, state: FSMContext) -> None:
    if isinstance(query.message, Message):
        await NAMING.ask(Reply(query.message), state, Nothing(), _("Type the therapist's name, or a part of it. /cancel to stop."))


async def _name_typed(message: Message, text: str, state: FSMContext, uow: UnitOfWork, settings: Settings) -> None:
    page = await find_therapists(uow, text)
    if not page.query:
        raise Stay(_("Type at least one letter of the name, or /cancel."))
    await end(state)
    await message.answer(list_text(page, settings), reply_markup=roster_page(page))


async def _not_a_name() -> tuple[str, None]:
    return _("Please type the name as text, or /cancel."), None


NAMING = Step(RosterSearch.naming, Nothing, take=_name_typed, expected=_not_a_name)


async def stop_searching(message: Message, state: FSMContext) -> None:
    await end(state)
    await message.answer(_("Stopped searching. /therapists lists everyone."))


# -- one therapist ------------------------------------------------------------------------------


async def open_therapist(
    query: CallbackQuery,
    callback_data: RosterOpen,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        found = await standing(uow, clock, callback_data.id)
    except UnknownTherapist:
        await _gone(callback_answer=callback_answer)
        return
    if not isinstance(query.message, Message):
        return
    profile = found.profile
    free = await free_times(uow, clock, profile, settings.booking_policy())
    as_clients_see = profile_text(profile, free[0] if free else None, user.timezone, await share_link(bot, profile))
    if profile.photo_file_id:
        await query.message.answer_photo(profile.photo_file_id, caption=clip(profile.full_name, CAPTION_LIMIT))
    await query.message.answer(as_clients_see)
    await query.message.answer(card_text(found, settings), reply_markup=therapist_actions(profile, len(found.pending_changes)))


async def back_to_card(
    query: CallbackQuery, callback_data: RosterCard, uow: UnitOfWork, clock: Clock, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    await _show_card(query, uow, clock, settings, callback_data.id, callback_answer=callback_answer)


async def ask_to_confirm(
    query: CallbackQuery, callback_data: RosterAct, uow: UnitOfWork, clock: Clock, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    """Pausing, hiding and publishing are asked about first; showing again is not."""
    await _ask_to_confirm(query, uow, clock, settings, callback_data.id, callback_data.action, callback_answer=callback_answer)


async def pause(
    query: CallbackQuery, callback_data: RosterAct, uow: UnitOfWork, clock: Clock, authority: Authority, settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    async def change(actor: Authority) -> str:
        await pause_therapist(uow, clock, actor=actor, therapist_id=callback_data.id)
        return _("Paused; the therapist is told.")

    await _change(query, uow, clock, authority, settings, callback_data.id, change, callback_answer=callback_answer)


async def publish(
    query: CallbackQuery, callback_data: RosterAct, uow: UnitOfWork, clock: Clock, authority: Authority, settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    async def change(actor: Authority) -> str:
        count = await publish_pending_changes(uow, clock, actor=actor, therapist_id=callback_data.id)
        return _("Published: {count}; the therapist is told.").format(count=count)

    await _change(query, uow, clock, authority, settings, callback_data.id, change, callback_answer=callback_answer)


async def hide(
    query: CallbackQuery, callback_data: RosterAct, uow: UnitOfWork, clock: Clock, authority: Authority, settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    async def change(actor: Authority) -> str:
        await set_therapist_hidden(uow, clock, actor=actor, therapist_id=callback_data.id, hidden=True)
        return _("Hidden; the therapist is told.")

    await _change(query, uow, clock, authority, settings, callback_data.id, change, callback_answer=callback_answer)


async def show(
    query: CallbackQuery, callback_data: RosterAct, uow: UnitOfWork, clock: Clock, authority: Authority, settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    async def change(actor: Authority) -> str:
        await set_therapist_hidden(uow, clock, actor=actor, therapist_id=callback_data.id, hidden=False)
        return _("Shown again; the therapist is told.")

    await _change(query, uow, clock, authority, settings, callback_data.id, change, callback_answer=callback_answer)


async def _change(
    query: CallbackQuery,
    uow: UnitOfWork,
    clock: Clock,
    authority: Authority,
    settings: Settings,
    therapist_id: int,
    change: Callable[[Authority], Awaitable[str]], callback_answer: CallbackAnswer,
) -> None:
    """Make the confirmed change as the pressing staff member, and show the card with what was done."""
    try:
        done = await change(authority)
    except UnknownTherapist:
        await _gone(callback_answer=callback_answer)
        return
    except NothingToChange:
        done = _("It was already so; nothing changed.")
    await _show_card(query, uow, clock, settings, therapist_id, done, callback_answer=callback_answer)


async def _ask_to_confirm(
    query: CallbackQuery, uow: UnitOfWork, clock: Clock, settings: Settings, therapist_id: int, action: RosterAction, callback_answer: CallbackAnswer
) -> None:
    try:
        found = await standing(uow, clock, therapist_id)
    except UnknownTherapist:
        await _gone(callback_answer=callback_answer)
        return
    name = found.profile.full_name
    if action is RosterAction.PAUSE:
        text = _(
            "Pause {name}'s profile? New clients won't be able to book them; booked sessions stay. They will be told, "
            "and can take clients again from their cabinet."
        ).format(name=name)
    elif action is RosterAction.HIDE:
        text = _(
            "Hide {name}'s profile? Clients won't find it and its link will lead nowhere; booked sessions stay. "
            "They will be told."
        ).format(name=name)
    else:
        if not found.pending_changes:
            await _show_card(query, uow, clock, settings, therapist_id, _("Nothing is waiting to be published."), callback_answer=callback_answer)
            return
        changes = "\n".join(f"• {describe_change(change)}" for change in found.pending_changes)
        text = _("Publish these changes to {name}'s profile? Clients see them at once; {name} is told.\n\n{changes}").format(
            name=name, changes=changes
        )
    if isinstance(query.message, Message):
        await replace_message(query.message, text, confirm_action(therapist_id, action))


async def _show_card(
    query: CallbackQuery, uow: UnitOfWork, clock: Clock, settings: Settings, therapist_id: int, note: str | None = None, *, callback_answer: CallbackAnswer
) -> None:
    try:
        found = await standing(uow, clock, therapist_id)
    except UnknownTherapist:
        await _gone(callback_answer=callback_answer)
        return
    callback_answer.text = note
    if isinstance(query.message, Message):
        await replace_message(
            query.message, card_text(found, settings), therapist_actions(found.profile, len(found.pending_changes))
        )


async def _gone(callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("There is no such therapist any more. /therapists shows the current list."))


def card_text(found: Standing, settings: Settings) -> str:
    profile = found.profile
    lines = [
        _("👤 {name} · id {id}").format(name=profile.full_name, id=profile.telegram_id),
        _("Verified: yes") if profile.verified else _("Verified: not yet"),
        _("Taking new clients: yes") if profile.accepting_clients else _("Taking new clients: ⏸ paused"),
        _("Hidden by the team: 🙈 yes") if profile.hidden else _("Hidden by the team: no"),
        _("In the directory right now: yes") if found.listed_now else _("In the directory right now: no"),
        _("Profile changes waiting for approval: {count}").format(count=len(found.pending_changes)),
        _room_line(profile.meeting_url, settings),
    ]
    return "\n".join(lines)


def _room_line(own_room: str | None, settings: Settings) -> str:
    """Staff see who keeps no room of their own: with no MEETING_BASE_URL, their clients get no link."""
    if own_room:
        return _("🎥 Own video room: {link}").format(link=own_room)
    if settings.meeting_base_url:
        return _("🎥 Own video room: none (sessions use the platform's video service, if it has one)")
    return _("🎥 Own video room: none, and the platform has no video service: their clients get no link to sessions")


def describe_change(change: ProfileChange) -> str:
    field, value = change.field, change.value
    if field is ProfileField.ABOUT:
        return _("About: «{text}»").format(text=clip(str(value), CHANGE_PREVIEW))
    if field is ProfileField.PRICE:
        return _("Price: {price}").format(price=money(int(value)))
    if field is ProfileField.TOPICS:
        return _("Topics: {topics}").format(topics=labels(TOPICS, value))
    if field is ProfileField.APPROACHES:
        return _("Approaches: {approaches}").format(approaches=labels(APPROACHES, value))
    return _("A new photo")
