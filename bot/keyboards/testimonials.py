from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData, SmallId
from core.testimonials import Testimonial
from core.usecases.testimonials import Direction


class Part(StrEnum):
    TEXT = "text"
    AUTHOR = "author"


class TestimonialList(ButtonData, prefix="tml"):
    pass


class TestimonialOpen(ButtonData, prefix="tmo"):
    id: SmallId


class TestimonialAdd(ButtonData, prefix="tma"):
    pass


class TestimonialEdit(ButtonData, prefix="tme"):
    id: SmallId
    part: Part


class TestimonialMove(ButtonData, prefix="tmm"):
    id: SmallId
    direction: Direction


class TestimonialRemove(ButtonData, prefix="tmr"):
    id: SmallId
    confirmed: bool = False


def testimonial_list(testimonials: list[Testimonial]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for number, testimonial in enumerate(testimonials, start=1):
        builder.button(text=f"{number}. {testimonial.author}", callback_data=TestimonialOpen(id=testimonial.id))
    builder.button(text=_("➕ Add a testimonial"), callback_data=TestimonialAdd())
    builder.adjust(1)
    return builder.as_markup()


def testimonial_card(testimonial_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✏️ Text"), callback_data=TestimonialEdit(id=testimonial_id, part=Part.TEXT))
    builder.button(text=_("✏️ Author"), callback_data=TestimonialEdit(id=testimonial_id, part=Part.AUTHOR))
    builder.button(text=_("⬆️ Up"), callback_data=TestimonialMove(id=testimonial_id, direction=Direction.UP))
    builder.button(text=_("⬇️ Down"), callback_data=TestimonialMove(id=testimonial_id, direction=Direction.DOWN))
    builder.button(text=_("🗑 Remove"), callback_data=TestimonialRemove(id=testimonial_id))
    builder.button(text=_("« All testimonials"), callback_data=TestimonialList())
    builder.adjust(2, 2, 1, 1)
    return builder.as_markup()


def confirm_removal(testimonial_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, remove it"), callback_data=TestimonialRemove(id=testimonial_id, confirmed=True))
    builder.button(text=_("No, keep it"), callback_data=TestimonialOpen(id=testimonial_id))
    return builder.as_markup()
