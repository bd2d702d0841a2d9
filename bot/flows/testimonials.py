"""Adding a testimonial (its text, then its author) and editing either part."""
from __future__ import annotations

from collections.abc import Callable

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import HasPermission
from bot.handlers.testimonials import card_text
from bot.keyboards.testimonials import Part, TestimonialAdd, TestimonialEdit, testimonial_card
from bot.middlewares.callback_answer import alert
from core.clock import Clock
from core.ports import UnitOfWork
from core.staff import Permission
from core.testimonials import MAX_AUTHOR, MAX_TEXT
from core.usecases.testimonials import (
    TooLong,
    UnknownTestimonial,
    add_testimonial,
    clean_author,
    clean_text,
    edit_testimonial,
)

MANAGE = HasPermission(Permission.MANAGE_TESTIMONIALS)


class TestimonialFlow(StatesGroup):
    new_text = State()
    new_author = State()
    changed_text = State()
    changed_author = State()


def commands() -> Router:
    router = Router(name="testimonial-editing-commands")
    router.message.register(stop, StateFilter(TestimonialFlow), Command("cancel"), MANAGE)
    return router


def router() -> Router:
    router = Router(name="testimonial-editing")
    router.callback_query.register(start_adding, TestimonialAdd.filter(), MANAGE)
    router.callback_query.register(start_editing, TestimonialEdit.filter(), MANAGE)
    # Other commands pass through to their own handlers; the step waits meanwhile.
    router.message.register(new_text, TestimonialFlow.new_text, F.text, MANAGE)
    router.message.register(new_author, TestimonialFlow.new_author, F.text, MANAGE)
    router.message.register(changed_text, TestimonialFlow.changed_text, F.text, MANAGE)
    router.message.register(changed_author, TestimonialFlow.changed_author, F.text, MANAGE)
    router.message.register(not_text, StateFilter(TestimonialFlow), ~F.text, MANAGE)
    return router


async def start_adding(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(TestimonialFlow.new_text)
    if isinstance(query.message, Message):
        await query.message.answer(_ask_text())


async def start_editing(query: CallbackQuery, callback_data: TestimonialEdit, state: FSMContext, uow: UnitOfWork, callback_answer: CallbackAnswer) -> None:
    testimonial = await uow.testimonials.get(callback_data.id)
    if testimonial is None:
        alert(callback_answer, _("This testimonial has been removed already. Open /testimonials for the current list."))
        return
    await state.set_state(TestimonialFlow.changed_text if callback_data.part is Part.TEXT else TestimonialFlow.changed_author)
    await state.update_data(testimonial=testimonial.id)
    if isinstance(query.message, Message):
        await query.message.answer(_ask_text() if callback_data.part is Part.TEXT else _ask_author())


async def new_text(message: Message, state: FSMContext) -> None:
    text = await _valid(message, clean_text)
    if text is None:
        return
    await state.update_data(text=text)
    await state.set_state(TestimonialFlow.new_author)
    await message.answer(_ask_author())


async def new_author(message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock) -> None:
    author = await _valid(message, clean_author)
    if author is None:
        return
    data = await state.get_data()
    testimonial = await add_testimonial(uow, clock, author=author, text=data["text"])
    await state.clear()
    await _show(message, uow, testimonial.id, _("Added; it is shown last. Move it with the arrows."))


async def changed_text(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    await _change(message, state, uow, Part.TEXT)


async def changed_author(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    await _change(message, state, uow, Part.AUTHOR)


async def _change(message: Message, state: FSMContext, uow: UnitOfWork, part: Part) -> None:
    value = await _valid(message, clean_text if part is Part.TEXT else clean_author)
    if value is None:
        return
    testimonial_id = (await state.get_data())["testimonial"]
    try:
        if part is Part.TEXT:
            await edit_testimonial(uow, testimonial_id, text=value)
        else:
            await edit_testimonial(uow, testimonial_id, author=value)
    except UnknownTestimonial:
        await state.clear()
        await message.answer(_("This testimonial has been removed meanwhile; nothing was saved. /testimonials shows the list."))
        return
    await state.clear()
    await _show(message, uow, testimonial_id, _("Saved."))


async def stop(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Stopped; nothing was changed. /testimonials shows the list."))


async def not_text(message: Message, state: FSMContext) -> None:
    asking_author = await state.get_state() in (TestimonialFlow.new_author.state, TestimonialFlow.changed_author.state)
    await message.answer(_("Please send it as text.") + "\n" + (_ask_author() if asking_author else _ask_text()))


async def _valid(message: Message, clean: Callable[[str], str]) -> str | None:
    try:
        return clean(message.text or "")
    except TooLong as error:
        await message.answer(
            _("That is {length} characters; the limit is {limit}. Please make it shorter.").format(
                length=len((message.text or "").strip()), limit=error.limit
            )
        )
    except ValueError:
        await message.answer(_("It can't be empty. Please send the text, or /cancel."))
    return None


async def _show(message: Message, uow: UnitOfWork, testimonial_id: int, note: str) -> None:
    ordered = await uow.testimonials.in_order()
    number = next(n for n, t in enumerate(ordered, start=1) if t.id == testimonial_id)
    await message.answer(note)
    await message.answer(card_text(ordered[number - 1], number, len(ordered)), reply_markup=testimonial_card(testimonial_id))


def _ask_text() -> str:
    return _("Send the testimonial's text, as applicants will read it (up to {limit} characters). /cancel to stop.").format(
        limit=MAX_TEXT
    )


def _ask_author() -> str:
    return _("Who said it? Send the name to show under it, e.g. «Iryna, psychotherapist, CBT» (up to {limit} characters).").format(
        limit=MAX_AUTHOR
    )
