"""Testimonials for the "why join" screen: community managers list, reorder and remove them.

Adding and editing are conversations: bot/flows/testimonials.py.
"""
from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import StaffRouter
from bot.keyboards.testimonials import (
    TestimonialList,
    TestimonialMove,
    TestimonialOpen,
    TestimonialRemove,
    confirm_removal,
    testimonial_card,
    testimonial_list,
)
from bot.middlewares.callback_answer import alert
from bot.views.lengths import MESSAGE_LIMIT, clip, units
from core.ports import UnitOfWork
from core.staff import Permission
from core.testimonials import Testimonial
from core.usecases.testimonials import Direction, UnknownTestimonial, move_testimonial, remove_testimonial

PREVIEW = 60
# What the "why join" screen may spend on testimonials, leaving room for its figures.
PUBLIC_LIMIT = 2500


def commands() -> Router:
    router = StaffRouter(name="testimonials-commands", permission=Permission.MANAGE_TESTIMONIALS)
    router.message.register(show_list, Command("testimonials"))
    return router


def router() -> Router:
    router = StaffRouter(name="testimonials", permission=Permission.MANAGE_TESTIMONIALS)
    router.callback_query.register(back_to_list, TestimonialList.filter())
    router.callback_query.register(open_card, TestimonialOpen.filter())
    router.callback_query.register(move, TestimonialMove.filter())
    router.callback_query.register(remove, TestimonialRemove.filter())
    return router


async def testimonials_text(uow: UnitOfWork) -> str:
    """Testimonials as applicants read them, in order; "" when there are none. Fits in one message with other text."""
    testimonials = await uow.testimonials.in_order()
    if not testimonials:
        return ""
    text = _("What therapists say about working with us:")
    for testimonial in testimonials:
        quote = f"\n\n«{testimonial.text}»\n— {testimonial.author}"
        if units(text) + units(quote) > PUBLIC_LIMIT:
            break
        text += quote
    return text


# -- the list and a card ------------------------------------------------------------------


async def show_list(message: Message, uow: UnitOfWork) -> None:
    testimonials = await uow.testimonials.in_order()
    await message.answer(list_text(testimonials), reply_markup=testimonial_list(testimonials))


async def back_to_list(query: CallbackQuery, uow: UnitOfWork) -> None:
    testimonials = await uow.testimonials.in_order()
    if isinstance(query.message, Message):
        await query.message.edit_text(list_text(testimonials), reply_markup=testimonial_list(testimonials))


def list_text(testimonials: list[Testimonial]) -> str:
    if not testimonials:
        return _("No testimonials yet. Applicants see them when they open «why join»; add the first one below.")
    lines = [_("Testimonials applicants see in «why join», in this order:")]
    for number, testimonial in enumerate(testimonials, start=1):
        line = f"\n{number}. «{clip(testimonial.text, PREVIEW)}» — {testimonial.author}"
        if units("".join(lines)) + units(line) > MESSAGE_LIMIT - 100:
            lines.append("\n…")
            break
        lines.append(line)
    lines.append("\n\n" + _("Tap one to edit, move or remove it."))
    return "".join(lines)


def card_text(testimonial: Testimonial, number: int, total: int) -> str:
    return _("«{text}»\n— {author}\n\nNumber {number} of {total}.").format(
        text=testimonial.text, author=testimonial.author, number=number, total=total
    )


async def show_card(query: CallbackQuery, uow: UnitOfWork, testimonial_id: int, note: str | None = None, *, callback_answer: CallbackAnswer) -> None:
    ordered = await uow.testimonials.in_order()
    number = next((n for n, t in enumerate(ordered, start=1) if t.id == testimonial_id), None)
    if number is None:
        await gone(callback_answer=callback_answer)
        return
    callback_answer.text = note
    if isinstance(query.message, Message):
        await query.message.edit_text(
            card_text(ordered[number - 1], number, len(ordered)), reply_markup=testimonial_card(testimonial_id)
        )


async def gone(callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("This testimonial has been removed already. Open /testimonials for the current list."))


async def open_card(query: CallbackQuery, callback_data: TestimonialOpen, uow: UnitOfWork, callback_answer: CallbackAnswer) -> None:
    await show_card(query, uow, callback_data.id, callback_answer=callback_answer)


async def move(query: CallbackQuery, callback_data: TestimonialMove, uow: UnitOfWork, callback_answer: CallbackAnswer) -> None:
    try:
        await move_testimonial(uow, callback_data.id, callback_data.direction)
    except UnknownTestimonial:
        await gone(callback_answer=callback_answer)
        return
    note = _("Moved up.") if callback_data.direction is Direction.UP else _("Moved down.")
    await show_card(query, uow, callback_data.id, note, callback_answer=callback_answer)


async def remove(query: CallbackQuery, callback_data: TestimonialRemove, uow: UnitOfWork, callback_answer: CallbackAnswer) -> None:
    testimonial = await uow.testimonials.get(callback_data.id)
    if testimonial is None:
        await gone(callback_answer=callback_answer)
        return
    if not callback_data.confirmed:
        if isinstance(query.message, Message):
            await query.message.edit_text(
                _("Remove this testimonial by {author}? Applicants will no longer see it.").format(author=testimonial.author),
                reply_markup=confirm_removal(testimonial.id),
            )
        return
    try:
        await remove_testimonial(uow, testimonial.id)
    except UnknownTestimonial:
        await gone(callback_answer=callback_answer)
        return
    callback_answer.text = _("Removed.")
    testimonials = await uow.testimonials.in_order()
    if isinstance(query.message, Message):
        await query.message.edit_text(list_text(testimonials), reply_markup=testimonial_list(testimonials))
