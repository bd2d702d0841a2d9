"""Full admins give and take staff roles: /staff with buttons, or /grant and /revoke."""
from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, MessageOriginUser, ReplyKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.access import StaffRouter, publish_own_commands
from bot.conversation import Nothing, Reply, Stay, Step, end
from bot.editing import Screen
from bot.keyboards.staff import (
    PICK_PERSON_REQUEST,
    StaffAdd,
    StaffBack,
    StaffOpen,
    StaffToggle,
    member_card,
    pick_person,
    role_title,
    staff_list,
)
from bot.menus import main_menu
from bot.middlewares.callback_answer import alert
from bot.settings import Settings
from core.clock import Clock
from core.ports import UnitOfWork
from core.staff import Authority, Permission, StaffRole
from core.usecases.staff import (
    AlreadyHeld,
    NotHeld,
    UnknownPerson,
    grant_role,
    revoke_role,
    staff_members,
)
from core.users import User

log = logging.getLogger(__name__)


class AddingStaff(StatesGroup):
    naming_person = State()


def commands() -> Router:
    router = StaffRouter(name="staff-commands", permission=Permission.MANAGE_STAFF)
    router.message.register(show_staff, Command("staff"))
    router.message.register(change_by_command, Command("grant", "revoke"))
    router.message.register(stop_adding, AddingStaff.naming_person, Command("cancel"))
    return router


def router() -> Router:
    router = StaffRouter(name="staff", permission=Permission.MANAGE_STAFF)
    router.callback_query.register(open_member, StaffOpen.filter())
    router.callback_query.register(toggle_role, StaffToggle.filter())
    router.callback_query.register(back_to_list, StaffBack.filter())
    router.callback_query.register(ask_for_person, StaffAdd.filter())
    # Other commands pass through to their own handlers; the step waits meanwhile.
    NAMING_PERSON.register(router)
    return router


# -- the list and a member's card ---------------------------------------------------------


async def show_staff(message: Message, uow: UnitOfWork, settings: Settings) -> None:
    text, markup = await _staff_screen(uow, settings)
    await message.answer(text, reply_markup=markup)


async def back_to_list(query: CallbackQuery, message: Message, uow: UnitOfWork, settings: Settings) -> None:
    text, markup = await _staff_screen(uow, settings)
    await message.edit_text(text, reply_markup=markup)


async def _staff_screen(uow: UnitOfWork, settings: Settings) -> tuple[str, InlineKeyboardMarkup]:
    members = await staff_members(uow)
    lines = [_("Staff and their roles:")]
    if members:
        lines += [
            f"• {_person_label(member.person)} — {', '.join(role_title(r) for r in StaffRole if r in member.roles)}"
            for member in members
        ]
    else:
        lines.append(_("Nobody has a role yet."))
    admins = [await uow.users.get(admin_id) or admin_id for admin_id in sorted(settings.admin_ids)]
    lines += ["", _("Full administrators (ADMIN_IDS): {admins}").format(admins=", ".join(_person_label(a) for a in admins))]
    lines += ["", _("Tap a person to change their roles, or add someone. Also: /grant <id> <role>, /revoke <id> <role>.")]
    return "\n".join(lines), staff_list(members)


async def open_member(query: CallbackQuery, message: Message, callback_data: StaffOpen, uow: UnitOfWork, callback_answer: CallbackAnswer) -> None:
    person = await uow.users.get(callback_data.person)
    if person is None:
        alert(callback_answer, _("This person is no longer on the platform."))
        return
    await message.edit_text(**await _card(uow, person))


async def _card(uow: UnitOfWork, person: User) -> Screen:
    held = await uow.staff.roles_of(person.telegram_id)
    roles = ", ".join(role_title(r) for r in StaffRole if r in held) or _("no roles")
    text = _("{person}\nRoles: {roles}\n\nTap a role to give it or take it away.").format(
        person=_person_label(person), roles=roles
    )
    return {"text": text, "reply_markup": member_card(person.telegram_id, held)}


async def toggle_role(
    query: CallbackQuery,
    message: Message,
    callback_data: StaffToggle,
    uow: UnitOfWork,
    clock: Clock,
    authority: Authority,
    settings: Settings,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    role = callback_data.role
    give = role not in await uow.staff.roles_of(callback_data.person)
    try:
        person, done = await _change_role(uow, clock, authority, callback_data.person, role, give=give)
    except UnknownPerson:
        alert(callback_answer, _("This person is no longer on the platform."))
        return
    except (AlreadyHeld, NotHeld):
        # Someone changed the same roles a moment ago: show how things stand now.
        current = await uow.users.get(callback_data.person)
        assert current is not None
        alert(callback_answer, _("Their roles have just changed; here is how they stand now."))
        await message.edit_text(**await _card(uow, current))
        return
    callback_answer.text = done.format(person=person.staff_name, role=role_title(role))
    await message.edit_text(**await _card(uow, person))
    await publish_own_commands(bot, i18n, uow, settings, person)


# -- adding someone -----------------------------------------------------------------------


async def ask_for_person(query: CallbackQuery, message: Message, state: FSMContext) -> None:
    text = _(
        "Who should join the staff? Send their Telegram id (a number), forward a message from them, or pick them "
        "with the button below. "
        "They must have started this bot. /cancel to stop."
    )
    await NAMING_PERSON.ask(Reply(message), state, Nothing(), text, pick_person())


async def _person_named(message: Message, state: FSMContext, uow: UnitOfWork, user: User, settings: Settings) -> None:
    """Picked with the button, typed as an id, or a message forwarded from them."""
    shared = message.users_shared
    if shared is not None:
        person_id = shared.users[0].user_id if shared.request_id == PICK_PERSON_REQUEST and shared.users else None
    else:
        person_id = _telegram_id(message.text) or _forwarded_from(message)
    if person_id is None:
        raise Stay(*await _ask_again())
    person = await uow.users.get(person_id)
    if person is None:
        raise Stay(_not_started(person_id), None)
    await end(state)
    await message.answer(_("Found them."), reply_markup=main_menu(user.main_role(settings.admin_ids)))
    await message.answer(**await _card(uow, person))


async def _ask_again() -> tuple[str, ReplyKeyboardMarkup]:
    return (
        _("Send the person's Telegram id as a number (for example 123456789), or pick them with the button. /cancel to stop."),
        pick_person(),
    )


NAMING_PERSON = Step(
    AddingStaff.naming_person, Nothing, take=_person_named, takes=F.users_shared | F.text | F.forward_origin, expected=_ask_again
)


async def stop_adding(message: Message, state: FSMContext, user: User, settings: Settings) -> None:
    await end(state)
    await message.answer(_("Stopped: nobody was added."), reply_markup=main_menu(user.main_role(settings.admin_ids)))


# -- /grant and /revoke -------------------------------------------------------------------


async def change_by_command(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    authority: Authority,
    settings: Settings,
    bot: Bot,
    i18n: I18n,
) -> None:
    """/grant <id> <role> gives a role, /revoke <id> <role> takes it away."""
    parsed = _parse(command)
    if parsed is None:
        await message.answer(_usage(command.command))
        return
    person_id, role = parsed
    try:
        person, done = await _change_role(uow, clock, authority, person_id, role, give=command.command == "grant")
    except UnknownPerson:
        await message.answer(_not_started(person_id))
        return
    except AlreadyHeld:
        await message.answer(_("They already have the role «{role}».").format(role=role_title(role)))
        return
    except NotHeld:
        await message.answer(_("They don't have the role «{role}»; nothing to take away.").format(role=role_title(role)))
        return
    await message.answer(done.format(person=_person_label(person), role=role_title(role)))
    await publish_own_commands(bot, i18n, uow, settings, person)


async def _change_role(
    uow: UnitOfWork, clock: Clock, actor: Authority, person_id: int, role: StaffRole, *, give: bool
) -> tuple[User, str]:
    """Give the role or take it away: the person as they now stand, and what was done ({person}, {role} to fill)."""
    if give:
        return await grant_role(uow, clock, actor=actor, person_id=person_id, role=role), _(
            "{person} now has the role «{role}»."
        )
    return await revoke_role(uow, clock, actor=actor, person_id=person_id, role=role), _(
        "{person} no longer has the role «{role}»."
    )


def _parse(command: CommandObject) -> tuple[int, StaffRole] | None:
    parts = (command.args or "").split()
    if len(parts) != 2:
        return None
    person_id = _telegram_id(parts[0])
    try:
        role = StaffRole(parts[1].lower())
    except ValueError:
        return None
    return (person_id, role) if person_id is not None else None


def _usage(command: str) -> str:
    return _("Usage: /{command} <telegram id> <role>, where the role is one of: {roles}.").format(
        command=command, roles=", ".join(f"{role.value} ({role_title(role)})" for role in StaffRole)
    )


# -- shared bits --------------------------------------------------------------------------


def _telegram_id(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdecimal() and 0 < len(text) <= 16 else None


def _forwarded_from(message: Message) -> int | None:
    """A message forwarded from the person names them, unless their privacy settings hide them."""
    origin = message.forward_origin
    return origin.sender_user.id if isinstance(origin, MessageOriginUser) else None


def _not_started(person_id: int) -> str:
    return _(
        "Nobody with the id {id} has started this bot yet. Ask them to open the bot and press Start, then try again."
    ).format(id=person_id)


def _person_label(person: User | int) -> str:
    if isinstance(person, int):
        return f"#{person}"
    return f"{person.staff_name} ({person.telegram_id})"
