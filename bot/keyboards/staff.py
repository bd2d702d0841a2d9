"""Buttons of the staff console: people, their roles, adding someone."""
from __future__ import annotations

from aiogram.types import (
    InlineKeyboardMarkup,
    KeyboardButton,
    KeyboardButtonRequestUsers,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData
from core.staff import StaffRole
from core.usecases.staff import StaffMember

PICK_PERSON_REQUEST = 7


class StaffOpen(ButtonData, prefix="staff"):
    person: int


class StaffToggle(ButtonData, prefix="stafft"):
    person: int
    role: StaffRole


class StaffAdd(ButtonData, prefix="staffadd"):
    pass


class StaffBack(ButtonData, prefix="staffls"):
    pass


def role_title(role: StaffRole) -> str:
    return {
        StaffRole.COMMUNITY_MANAGER: _("community manager"),
        StaffRole.SUPPORT: _("support"),
        StaffRole.ETHICS: _("ethics commission"),
        StaffRole.FINANCE: _("finance"),
    }[role]


def staff_list(members: list[StaffMember]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for member in members:
        builder.button(text=member.person.staff_name, callback_data=StaffOpen(person=member.person.telegram_id))
    builder.button(text=_("➕ Add a staff member"), callback_data=StaffAdd())
    builder.adjust(1)
    return builder.as_markup()


def member_card(person_id: int, held: frozenset[StaffRole]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for role in StaffRole:
        mark = "✅" if role in held else "▫️"
        builder.button(text=f"{mark} {role_title(role)}", callback_data=StaffToggle(person=person_id, role=role))
    builder.button(text=_("« All staff"), callback_data=StaffBack())
    builder.adjust(1)
    return builder.as_markup()


def pick_person() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [
                KeyboardButton(
                    text=_("👤 Pick from my chats"),
                    request_users=KeyboardButtonRequestUsers(
                        request_id=PICK_PERSON_REQUEST, user_is_bot=False, max_quantity=1
                    ),
                )
            ]
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
